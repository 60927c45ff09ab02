from django.urls import path

from frontend.portal import (
    image_views,
    invoice_views,
    order_views,
    product_views,
    settlement_views,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("products/", views.product_list, name="products"),
    path("products/new/", product_views.product_new, name="product_new"),
    path("products/<int:pk>/", product_views.product_edit, name="product_edit"),
    path("products/<int:pk>/submit/", product_views.product_submit_view, name="product_submit"),
    path("products/<int:pk>/archive/", product_views.product_archive_view, name="product_archive"),
    path("products/<int:pk>/restore/", product_views.product_restore_view, name="product_restore"),
    path("products/<int:pk>/images/", image_views.product_images, name="product_images"),
    path("products/<int:pk>/images/<int:image_pk>/move/", image_views.image_move, name="image_move"),
    path("products/<int:pk>/images/<int:image_pk>/main/", image_views.image_main, name="image_main"),
    path(
        "products/<int:pk>/images/<int:image_pk>/delete/", image_views.image_delete, name="image_delete"
    ),
    path("stock/", views.stock, name="stock"),
    path("orders/", order_views.order_list, name="orders"),
    path("orders/<int:pk>/", order_views.order_detail, name="order_detail"),
    path("orders/<int:pk>/confirm/", order_views.order_confirm, name="order_confirm"),
    path("orders/<int:pk>/ship/", order_views.order_ship, name="order_ship"),
    path("settlement/", settlement_views.settlement, name="settlement"),
    path("settlement/<int:pk>/answer/", settlement_views.settlement_answer, name="settlement_answer"),
    path("settlement/<int:pk>/<str:fmt>/", settlement_views.settlement_download, name="settlement_download"),
    path("orders/<int:pk>/invoice/", invoice_views.invoice_upload, name="invoice_upload"),
]

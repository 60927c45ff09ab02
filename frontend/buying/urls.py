"""Buyer pages (namespace ``frontend``): cart, checkout, payment, the organization's orders."""

from django.urls import path

from frontend.buying import cart_views, document_views, order_views, pay_views, reorder_views

urlpatterns = [
    path("cart/", cart_views.cart, name="cart"),
    path("cart/add/", cart_views.cart_add, name="cart_add"),
    path("cart/update/", cart_views.cart_update, name="cart_update"),
    path("cart/remove/", cart_views.cart_remove, name="cart_remove"),
    path("checkout/", cart_views.checkout, name="checkout"),
    path("orders/", order_views.order_list, name="orders"),
    path("orders/approvals/", order_views.approval_queue, name="approvals"),
    path("orders/<int:pk>/reorder/", reorder_views.order_reorder, name="order_reorder"),
    path("orders/<int:pk>/", order_views.order_detail, name="order"),
    path("orders/<int:pk>/print/", order_views.order_print, name="order_print"),
    path("orders/<int:pk>/approve/", order_views.order_approve, name="order_approve"),
    path("orders/<int:pk>/reject/", order_views.order_reject, name="order_reject"),
    path("orders/<int:pk>/cancel/", order_views.order_cancel, name="order_cancel"),
    path("orders/<int:pk>/accept/", order_views.order_accept, name="order_accept"),
    path("orders/<int:pk>/documents/contract.pdf", document_views.contract, name="order_contract"),
    path("orders/<int:pk>/documents/acceptance.pdf", document_views.acceptance, name="order_acceptance"),
    path("orders/<int:pk>/documents/<int:part>/delivery-note.pdf", document_views.delivery_note,
         name="order_delivery_note"),
    path("orders/<int:pk>/documents/<int:part>/invoice.pdf", document_views.invoice, name="order_invoice"),
    path("orders/<int:pk>/invoice/", document_views.invoice_details, name="order_invoice_details"),
    path("orders/<int:pk>/pay/", pay_views.order_pay, name="order_pay"),
    path("orders/<int:pk>/pay/card/", pay_views.order_pay_card, name="order_pay_card"),
    path("orders/<int:pk>/pay/return/", pay_views.order_pay_return, name="order_pay_return"),
]

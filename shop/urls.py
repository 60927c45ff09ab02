from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from shop.accounts.admin_login import admin_login

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login),  # on the login throttle (ahead of the admin's own)
    path("admin/", admin.site.urls),
    path("graphql/", include("shop.graphql.urls")),
    path("stripe/", include("orders.stripe.urls")),
    path("", include("frontend.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

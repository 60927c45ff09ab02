from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from shop.accounts.admin_login import admin_login
from shop.common.health import healthz, readyz
from shop.common.observability import metrics
from shop.common.storage import private_file

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login),  # on the login throttle (ahead of the admin's own)
    path("admin/", admin.site.urls),
    path("graphql/", include("shop.graphql.urls")),
    path("stripe/", include("orders.urls")),
    # Operations and storage (helper 8): signed private files.
    path("files/<str:token>/", private_file, name="private_file"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    path("", include("frontend.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]

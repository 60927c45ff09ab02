"""The shop's URLs plus media files, for the live server of the browser tests."""

from django.conf import settings
from django.urls import path
from django.views.static import serve

from shop.urls import urlpatterns as shop_urlpatterns


def media(request, path: str):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [*shop_urlpatterns, path("media/<path:path>", media)]

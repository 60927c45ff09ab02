"""Where uploaded files live: a public storage for product photos and their thumbnails
(``STORAGES["default"]``), and a private one for supplier documents, offline-purchase
evidence and report exports (``STORAGES["private"]``).

Both are chosen by ``MEDIA_STORAGE`` in the settings: the local filesystem (every app and
worker host mounts the same folder; nginx serves only the public one under ``MEDIA_URL``) or
an S3-compatible object store (django-storages). Private files are never under the public
location. The app serves them after its own permission checks (``file.storage.open``); where
a plain link is needed (the admin's file widgets) ``url()`` is short-lived and signed: by S3
itself, or on the filesystem by Django's signer and :func:`private_file`.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.functional import LazyObject, empty
from django.views.decorators.http import require_safe

from shop.common.documents import content_type_for

_SALT = "shop.common.storage.private"


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up on first use and again after the settings change
    (a FileField resolves its storage callable once, at import)."""

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private = _PrivateStorage()


def private_storage() -> Storage:
    """The storage of every private FileField."""
    return _private  # type: ignore[return-value]


@receiver(setting_changed)
def _private_storage_reset(*, setting: str, **kwargs: object) -> None:
    if setting in ("STORAGES", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"):
        _private._wrapped = empty  # type: ignore[assignment]  # LazyObject's reset marker


class PrivateFileSystemStorage(FileSystemStorage):
    """A folder outside the public media root: ``PRIVATE_MEDIA_ROOT``, by default a sibling
    ``private`` folder next to ``MEDIA_ROOT``. Its URLs are signed and expire."""

    @property
    def base_location(self) -> str:
        if self._location:  # type: ignore[attr-defined]  # FileSystemStorage's own, not in the stubs
            return self._location  # type: ignore[attr-defined]
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", "")
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private")

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        token = signing.dumps(name, salt=_SALT, compress=True)
        return reverse("private_file", args=[token])


@require_safe
def private_file(request: HttpRequest, token: str) -> FileResponse:
    """A private file by a signed name that expires after ``PRIVATE_URL_SECONDS``; anything
    else (forged, expired, missing) is a 404 that reveals nothing."""
    try:
        name = signing.loads(token, salt=_SALT, max_age=settings.PRIVATE_URL_SECONDS)
    except signing.BadSignature:
        raise Http404 from None
    storage = private_storage()
    if not isinstance(name, str) or not storage.exists(name):
        raise Http404
    response = FileResponse(storage.open(name, "rb"), content_type=content_type_for(name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response

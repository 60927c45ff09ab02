"""Static files, media storage (filesystem or S3-compatible, public and private) and upload
limits."""

from pathlib import Path

import environ

from shop.settings.environment import BASE_DIR, DEBUG, env

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
# --- Media storage (public photos; private documents, evidence, exports) ----------------
# MEDIA_STORAGE=filesystem: MEDIA_ROOT (public, served by nginx under MEDIA_URL) and
# PRIVATE_MEDIA_ROOT (never public; default: a "private" folder beside MEDIA_ROOT), both on a
# folder every app and worker host mounts. MEDIA_STORAGE=s3: an S3-compatible bucket
# (django-storages); public objects under "public/", private ones under "private/" (or in
# AWS_PRIVATE_STORAGE_BUCKET_NAME) with URLs signed for PRIVATE_URL_SECONDS.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default="")
PRIVATE_URL_SECONDS = env.int("PRIVATE_URL_SECONDS", default=300)
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
if MEDIA_STORAGE == "s3":
    _s3 = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "file_overwrite": False, "signature_version": "s3v4",
    }
    _s3_default: dict = {
        **_s3, "location": "public", "querystring_auth": False,
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
        "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
    }
    _s3_private: dict = {
        **_s3, "location": "private", "querystring_auth": True,
        "querystring_expire": PRIVATE_URL_SECONDS, "default_acl": "private",
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    _s3_private["bucket_name"] = env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=_s3["bucket_name"])
    _media_default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_default}
    _media_private = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_private}
elif MEDIA_STORAGE == "filesystem":
    _media_default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _media_private = {"BACKEND": "shop.common.storage.PrivateFileSystemStorage"}
else:
    raise environ.ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
# A separate media domain (e.g. https://media.shop.example.cn/) or the default path.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
STORAGES = {
    "default": _media_default,
    "private": _media_private,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Image uploads (see shop/common/images.py)
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_THUMBNAIL_SIZES = (160, 480, 960)
# Supplier documents (licences, certificates; see shop/common/documents.py)
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

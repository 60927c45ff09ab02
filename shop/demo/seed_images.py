"""The demo products' pictures, made once per kind of produce and stored per product.

Each product gets its own stored original and WebP thumbnails (deleting one product's image
never touches another's files), exactly what ``catalog.services.images.product_image_add``
followed by the ``make_thumbnails`` task would store: the drawn JPEG goes through
``normalize_upload`` and the thumbnails through ``make_thumbnail``. But a kind's picture is
the same for all its products, so it is normalized and thumbnailed once per kind (34 kinds
for 240 products) instead of once per product, and the rows are inserted in bulk. That was
most of the seeding time.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from functools import cache
from typing import cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Product, ProductImage
from catalog.services.images import product_image_thumbnail_name
from shop.common.audit import audit_record
from shop.common.images import make_thumbnail, normalize_upload
from shop.demo.pictures import picture_jpeg


@dataclass(frozen=True)
class KindPicture:
    original: bytes
    extension: str
    width: int
    height: int
    thumbnails: tuple[tuple[int, bytes], ...]  # (width, WebP bytes) per thumbnail size


@cache
def kind_picture(kind_key: str) -> KindPicture:
    """The normalized original and thumbnails of one kind's picture (made once per process)."""
    normalized = normalize_upload(SimpleUploadedFile(f"{kind_key}.jpg", picture_jpeg(kind_key), "image/jpeg"))
    original = normalized.content.read()
    thumbnails = tuple(
        (size, make_thumbnail(io.BytesIO(original), size).read()) for size in settings.IMAGE_THUMBNAIL_SIZES
    )
    return KindPicture(original, normalized.extension, normalized.width, normalized.height, thumbnails)


def seed_product_images(items: list[tuple[Product, str, str]]) -> list[ProductImage]:
    """One main image per (product, kind key, alt text), for products that have none yet;
    each image is recorded in its product's trail as the upload service does."""
    images = []
    for product, kind_key, alt in items:
        picture = kind_picture(kind_key)
        image = ProductImage(product=product, alt=alt.strip()[:128], position=0)
        image.image.save(f"{uuid.uuid4().hex}{picture.extension}", ContentFile(picture.original), save=False)
        image.width, image.height = picture.width, picture.height
        names = {}
        for size, data in picture.thumbnails:
            name = product_image_thumbnail_name(original=cast(str, image.image.name), size=size)  # just saved
            names[str(size)] = default_storage.save(name, ContentFile(data))
        image.thumbnails = names
        images.append(image)
    ProductImage.objects.bulk_create(images)
    for image in images:
        audit_record(actor=None, instance=image.product, action="image.add",
                     changes={"image": [None, image.image.name]})
    return images

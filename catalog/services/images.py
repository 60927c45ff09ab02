"""Product images: upload (validated and re-encoded), delete, alternative text, order, the
main image, thumbnails.

Files are written to storage outside the transaction and removed again if it fails; files of
deleted images are removed only after the deletion commits. Image events are recorded on the
product, so that its trail shows them.
"""

import logging
import uuid
from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Product, ProductImage
from catalog.services.listings import id_list
from shop.common.audit import audit_record
from shop.common.images import NormalizedImage, make_thumbnail, normalize_upload
from shop.common.listing_version import listings_changed
from shop.common.outbox import enqueue_on_commit
from suppliers.guards import supplier_require_active

logger = logging.getLogger(__name__)


def product_image_thumbnail_name(*, original: str, size: int) -> str:
    """Deterministic, so that re-running the thumbnail task overwrites the same files."""
    return f"products/thumbs/{PurePosixPath(original).stem}_{size}.webp"


def _lock_product(product_id: int, actor: Any) -> Product:
    """Serializes every change to one product's image list (positions stay 0..n-1); then
    checks that its supplier may change listings (``suppliers.guards``)."""
    locked = Product.objects.select_for_update().only("pk", "supplier_id").get(pk=product_id)
    supplier_require_active(supplier=locked.supplier_id, actor=actor)
    return locked


def _renumber(images: list[ProductImage]) -> None:
    changed = []
    for index, image in enumerate(images):
        if image.position != index:
            image.position = index
            changed.append(image)
    if changed:
        ProductImage.objects.bulk_update(changed, ["position"])
        listings_changed()


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored file %s", name, exc_info=True)


def _max_images() -> int:
    return int(getattr(settings, "PRODUCT_MAX_IMAGES", 12))


def _insert_images(
    *, product: Product, normalized: list[NormalizedImage], alts: list[str],
    position: int | None, actor: Any,
) -> list[ProductImage]:
    """Store the files, then insert the rows at ``position`` (the end by default) in one
    transaction; the files are removed again if it fails. Thumbnails: a task after commit."""
    images = []
    for item, alt in zip(normalized, alts, strict=True):
        image = ProductImage(
            product=product, alt=(alt or "").strip(), width=item.width, height=item.height
        )
        image.full_clean(exclude=["image", "position"])
        images.append(image)
    stored: list[str] = []
    try:
        for image, item in zip(images, normalized, strict=True):
            image.image.save(f"{uuid.uuid4().hex}{item.extension}", item.content, save=False)
            stored.append(cast(str, image.image.name))  # just saved: it has a name
        with transaction.atomic():
            locked = _lock_product(product.pk, actor)
            siblings = list(ProductImage.objects.filter(product=product).order_by("position", "id"))
            if len(siblings) + len(images) > _max_images():
                raise ValidationError(
                    _("A product has at most %(max)d photos; it has %(n)d.")
                    % {"max": _max_images(), "n": len(siblings)},
                    code=CatalogErrorCode.TOO_MANY_IMAGES.value,
                )
            index = len(siblings) if position is None else max(0, min(position, len(siblings)))
            for offset, image in enumerate(images):
                image.position = index + offset
                image.save()
                listings_changed()
            siblings[index:index] = images
            _renumber(siblings)
            for image in images:
                audit_record(
                    actor=actor, instance=locked, action="image.add",
                    changes={"image": [None, image.image.name]},
                )
                # robust: a broker outage (or an eager task's failure) must not undo a saved
                # upload; thumbnails can be made again later, the original is served meanwhile.
                enqueue_on_commit("catalog.tasks.make_thumbnails", image.pk)  # by name: tasks import services
    except BaseException:
        _delete_files(stored)
        raise
    return images


def product_image_add(
    *, product: Product, upload: "File[Any]", alt: str = "", position: int | None = None,
    actor: Any = None,
) -> ProductImage:
    """Validate and re-encode an uploaded image, store it under a random name and insert it
    at ``position`` (the end by default); thumbnails are made by a task after commit."""
    normalized = normalize_upload(upload)
    return _insert_images(
        product=product, normalized=[normalized], alts=[alt], position=position, actor=actor
    )[0]


def product_images_add(
    *, product: Product, uploads: "Sequence[File[Any]]", actor: Any = None
) -> list[ProductImage]:
    """Several uploads at once, all or nothing: every file is validated first, and a refused
    file refuses the batch with its error keyed by its index in ``uploads`` ("0", "1", …)."""
    errors: dict[str, ValidationError] = {}
    normalized: list[NormalizedImage] = []
    for index, upload in enumerate(uploads):
        try:
            normalized.append(normalize_upload(upload))
        except ValidationError as exc:
            errors[str(index)] = exc
    if errors:
        raise ValidationError(errors)
    if not normalized:
        raise ValidationError(
            {"uploads": ValidationError(_("Choose at least one photo."), code=CatalogErrorCode.REQUIRED.value)}
        )
    return _insert_images(
        product=product, normalized=normalized, alts=[""] * len(normalized), position=None, actor=actor
    )


def product_image_delete(*, image: ProductImage, actor: Any = None) -> None:
    """Remove the image, close the gap in positions, and delete its files after commit."""
    with transaction.atomic():
        product = _lock_product(image.product_id, actor)
        locked = ProductImage.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None:
            return
        names = {locked.image.name, *locked.thumbnails.values()}
        # Also the names a thumbnail task may be writing right now.
        names.update(
            product_image_thumbnail_name(original=cast(str, locked.image.name), size=size)
            for size in settings.IMAGE_THUMBNAIL_SIZES
        )
        audit_record(
            actor=actor, instance=product, action="image.delete",
            changes={"image": [locked.image.name, None]},
        )
        locked.delete()
        listings_changed()
        _renumber(
            list(ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id"))
        )
        files = sorted(n for n in names if n)
        transaction.on_commit(lambda: _delete_files(files), robust=True)


def product_image_update(*, image: ProductImage, actor: Any = None, alt: str) -> ProductImage:
    """Change an image's alternative text (the product row is locked first, as for every
    image change; an ``image.update`` event on the product)."""
    with transaction.atomic():
        product = _lock_product(image.product_id, actor)
        locked = ProductImage.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None:
            raise ValidationError(_("This image no longer exists."), code=CatalogErrorCode.NOT_FOUND.value)
        old, locked.alt = locked.alt, (alt or "").strip()
        locked.full_clean(exclude=["image", "product", "position"])
        if locked.alt != old:
            locked.save(update_fields=["alt"])
            listings_changed()
            audit_record(actor=actor, instance=product, action="image.update", changes={"alt": [old, locked.alt]})
    return locked


def _audit_order(*, actor: Any, product: Product, before: list[int], after: list[ProductImage]) -> None:
    order = [img.pk for img in after]
    if order != before:
        audit_record(
            actor=actor, instance=product, action="image.reorder",
            changes={"images": [id_list(before), id_list(order)]},
        )


def product_images_reorder(
    *, product: Product, image_ids: list[int], actor: Any = None
) -> list[ProductImage]:
    """Put the product's images in the given order; the ids must be exactly its images."""
    with transaction.atomic():
        locked = _lock_product(product.pk, actor)
        current = list(ProductImage.objects.filter(product=product).order_by("position", "id"))
        images = {img.pk: img for img in current}
        try:
            wanted = [int(pk) for pk in image_ids]
        except (TypeError, ValueError):
            wanted = []
        if len(wanted) != len(set(wanted)) or set(wanted) != set(images):
            raise ValidationError(
                {
                    "image_ids": ValidationError(
                        _("List every image of this product exactly once."),
                        code=CatalogErrorCode.INVALID.value,
                    )
                }
            )
        ordered = [images[pk] for pk in wanted]
        _renumber(ordered)
        _audit_order(actor=actor, product=locked, before=[img.pk for img in current], after=ordered)
    return ordered


def product_image_set_main(*, image: ProductImage, actor: Any = None) -> ProductImage:
    """Make the image the product's main (first) image; the others keep their order."""
    with transaction.atomic():
        locked = _lock_product(image.product_id, actor)
        images = list(
            ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id")
        )
        before = [img.pk for img in images]
        target = next((img for img in images if img.pk == image.pk), None)
        if target is None:
            raise ValidationError(
                _("This image no longer exists."), code=CatalogErrorCode.NOT_FOUND.value
            )
        images.remove(target)
        images.insert(0, target)
        _renumber(images)
        _audit_order(actor=actor, product=locked, before=before, after=images)
    return target


def product_image_make_thumbnails(*, image: ProductImage) -> ProductImage:
    """Write the WebP thumbnails (``settings.IMAGE_THUMBNAIL_SIZES``) and record their names.

    Idempotent: the same names are overwritten on every run. If the image is deleted while
    the thumbnails are being made, the files just written are removed again.
    """
    original = cast(str, image.image.name)  # a stored image always has a name
    names: dict[str, str] = {}
    with default_storage.open(original, "rb") as source:
        for size in settings.IMAGE_THUMBNAIL_SIZES:
            thumb = make_thumbnail(source, size)
            name = product_image_thumbnail_name(original=original, size=size)
            default_storage.delete(name)
            names[str(size)] = default_storage.save(name, thumb)
    with transaction.atomic():
        locked = ProductImage.objects.select_for_update().filter(pk=image.pk).first()
        if locked is not None and locked.image.name == original:
            locked.thumbnails = names
            locked.save(update_fields=["thumbnails"])
            listings_changed()
            return locked
    _delete_files(list(names.values()))
    return image

"""Write actions on the catalog."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Product, ProductStatus, ProductVariant


def product_search_text(*, product: Product) -> str:
    """Lower-cased text that search matches by substring (Chinese has no word spaces)."""
    parts = [
        product.name, product.name_en, product.summary,
        product.supplier.legal_name, product.supplier.short_name,
        product.county.name, product.township.name,
        product.village.name if product.village_id else "",
        product.category.name, product.category.name_en,
    ]
    return " ".join(p for p in parts if p).lower()


@transaction.atomic
def product_refresh_summary(*, product: Product) -> Product:
    """Recompute the listing summaries (lowest active price, total stock, search text,
    storefront visibility)."""
    agg = ProductVariant.objects.filter(product=product).aggregate(
        min_price=Min("price", filter=Q(is_active=True)),
        total_stock=Sum("stock", filter=Q(is_active=True)),
    )
    product.min_price = agg["min_price"]
    product.total_stock = agg["total_stock"] or 0
    product.search_text = product_search_text(product=product)
    product.is_visible = product.compute_is_visible()
    product.save(update_fields=["min_price", "total_stock", "search_text", "is_visible", "updated_at"])
    return product


# --- Review and publication ---------------------------------------------------------------

P = ProductStatus
PRODUCT_TRANSITIONS: dict[str, set[str]] = {
    P.DRAFT: {P.SUBMITTED, P.ARCHIVED},
    P.SUBMITTED: {P.APPROVED, P.REJECTED, P.DRAFT, P.ARCHIVED},
    P.APPROVED: {P.SUBMITTED, P.ARCHIVED},
    P.REJECTED: {P.DRAFT, P.SUBMITTED, P.ARCHIVED},
    P.ARCHIVED: {P.DRAFT},
}


@transaction.atomic
def product_set_status(*, product: Product, status: str, reason: str = "") -> Product:
    """The one place product status changes; checks allowed transitions, locks the row."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if status == locked.status:
        return locked
    if status not in PRODUCT_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("A product cannot go from “%(old)s” to “%(new)s”.")
            % {"old": P(locked.status).label, "new": P(status).label},
            code=CatalogErrorCode.INVALID.value,
        )
    reason = (reason or "").strip()
    if status == P.REJECTED and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason."), code=CatalogErrorCode.REQUIRED.value)}
        )
    locked.status = status
    locked.status_reason = reason[:255]
    if status != P.APPROVED:
        locked.is_published = False
    locked.is_visible = locked.compute_is_visible()
    locked.save(update_fields=["status", "status_reason", "is_published", "is_visible", "updated_at"])
    return locked


@transaction.atomic
def product_approve(*, product: Product, publish: bool = True) -> Product:
    # Price monitoring: no approval while an active variant's price awaits staff acceptance.
    # The product row is locked first (as every product change does), then its variants.
    Product.objects.select_for_update().only("pk").get(pk=product.pk)
    variants = ProductVariant.objects.select_for_update().filter(product_id=product.pk, is_active=True)
    flagged = [v for v in variants.order_by("pk") if v.needs_price_review]
    if flagged:
        names = ", ".join(
            _("%(sku)s at ¥%(price)s (market price ¥%(market)s)")
            % {"sku": v.sku, "price": v.price, "market": v.market_price}
            for v in flagged
        )
        raise ValidationError(
            _("Staff must accept the price of these variants before approval: %(variants)s.")
            % {"variants": names},
            code=CatalogErrorCode.PRICE_REVIEW_REQUIRED.value,
        )
    product = product_set_status(product=product, status=P.APPROVED)
    if publish and not product.is_published:
        product.is_published = True
        product.is_visible = product.compute_is_visible()
        product.save(update_fields=["is_published", "is_visible", "updated_at"])
    return product


def product_reject(*, product: Product, reason: str) -> Product:
    return product_set_status(product=product, status=P.REJECTED, reason=reason)


@transaction.atomic
def product_unpublish(*, product: Product) -> Product:
    """Take a product off the storefront; its review status stays as it is."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.is_published:
        locked.is_published = False
        locked.is_visible = False
        locked.save(update_fields=["is_published", "is_visible", "updated_at"])
    return locked


# --- Images -------------------------------------------------------------------------------
# Files are written to storage outside the transaction and removed again if it fails; files of
# deleted images are removed only after the deletion commits.

import logging  # noqa: E402
import uuid  # noqa: E402
from pathlib import PurePosixPath  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core.files import File  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402

from catalog.models import ProductImage  # noqa: E402
from shop.common.images import make_thumbnail, normalize_upload  # noqa: E402

logger = logging.getLogger(__name__)


def product_image_thumbnail_name(*, original: str, size: int) -> str:
    """Deterministic, so that re-running the thumbnail task overwrites the same files."""
    return f"products/thumbs/{PurePosixPath(original).stem}_{size}.webp"


def _lock_product(product_id: int) -> Product:
    """Serializes every change to one product's image list (positions stay 0..n-1)."""
    return Product.objects.select_for_update().only("pk").get(pk=product_id)


def _renumber(images: list[ProductImage]) -> None:
    changed = []
    for index, image in enumerate(images):
        if image.position != index:
            image.position = index
            changed.append(image)
    if changed:
        ProductImage.objects.bulk_update(changed, ["position"])


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the stored file %s", name, exc_info=True)


def product_image_add(
    *, product: Product, upload: File, alt: str = "", position: int | None = None
) -> ProductImage:
    """Validate and re-encode an uploaded image, store it under a random name and insert it
    at ``position`` (the end by default); thumbnails are made by a task after commit."""
    from catalog.tasks import make_thumbnails  # the task module imports this one

    normalized = normalize_upload(upload)
    image = ProductImage(
        product=product, alt=(alt or "").strip(), width=normalized.width, height=normalized.height
    )
    image.full_clean(exclude=["image", "position"])
    image.image.save(f"{uuid.uuid4().hex}{normalized.extension}", normalized.content, save=False)
    try:
        with transaction.atomic():
            _lock_product(product.pk)
            siblings = list(ProductImage.objects.filter(product=product).order_by("position", "id"))
            index = len(siblings) if position is None else max(0, min(position, len(siblings)))
            image.position = index
            image.save()
            siblings.insert(index, image)
            _renumber(siblings)
            # robust: a broker outage (or an eager task's failure) must not undo a saved upload;
            # the thumbnails can be made again later and the original is served meanwhile.
            transaction.on_commit(lambda: make_thumbnails.delay(image.id), robust=True)
    except BaseException:
        _delete_files([image.image.name])
        raise
    return image


def product_image_delete(*, image: ProductImage) -> None:
    """Remove the image, close the gap in positions, and delete its files after commit."""
    with transaction.atomic():
        _lock_product(image.product_id)
        locked = ProductImage.objects.select_for_update().filter(pk=image.pk).first()
        if locked is None:
            return
        names = {locked.image.name, *locked.thumbnails.values()}
        # Also the names a thumbnail task may be writing right now.
        names.update(
            product_image_thumbnail_name(original=locked.image.name, size=size)
            for size in settings.IMAGE_THUMBNAIL_SIZES
        )
        locked.delete()
        _renumber(
            list(ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id"))
        )
        files = sorted(n for n in names if n)
        transaction.on_commit(lambda: _delete_files(files), robust=True)


def product_images_reorder(*, product: Product, image_ids: list[int]) -> list[ProductImage]:
    """Put the product's images in the given order; the ids must be exactly its images."""
    with transaction.atomic():
        _lock_product(product.pk)
        images = {img.pk: img for img in ProductImage.objects.filter(product=product)}
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
    return ordered


def product_image_set_main(*, image: ProductImage) -> ProductImage:
    """Make the image the product's main (first) image; the others keep their order."""
    with transaction.atomic():
        _lock_product(image.product_id)
        images = list(
            ProductImage.objects.filter(product_id=image.product_id).order_by("position", "id")
        )
        target = next((img for img in images if img.pk == image.pk), None)
        if target is None:
            raise ValidationError(
                _("This image no longer exists."), code=CatalogErrorCode.NOT_FOUND.value
            )
        images.remove(target)
        images.insert(0, target)
        _renumber(images)
    return target


def product_image_make_thumbnails(*, image: ProductImage) -> ProductImage:
    """Write the WebP thumbnails (``settings.IMAGE_THUMBNAIL_SIZES``) and record their names.

    Idempotent: the same names are overwritten on every run. If the image is deleted while
    the thumbnails are being made, the files just written are removed again.
    """
    original = image.image.name
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
            return locked
    _delete_files(list(names.values()))
    return image

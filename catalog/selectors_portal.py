"""Reads of the supplier portal. Every read is scoped to one supplier: an id of another
supplier's object finds nothing, so the portal answers 404 without revealing that it exists."""

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Greatest

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from catalog.selectors import first_image_prefetch
from suppliers.models import Supplier

LOW_STOCK_FLOOR = 10


def portal_status_counts(*, supplier: Supplier) -> dict[str, int]:
    """Number of the supplier's listings per status (every status present, zeros included)."""
    counts = dict.fromkeys(ProductStatus.values, 0)
    rows = (
        Product.objects.filter(supplier=supplier).order_by().values("status").annotate(n=Count("id"))
    )
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _live_variants(supplier: Supplier) -> QuerySet[ProductVariant]:
    """Active variants of the supplier's listings that are not archived."""
    return ProductVariant.objects.filter(product__supplier=supplier, is_active=True).exclude(
        product__status=ProductStatus.ARCHIVED
    )


def portal_low_stock_variants(*, supplier: Supplier, limit: int = 50) -> QuerySet[ProductVariant]:
    """Live variants with stock below the larger of their minimum order and LOW_STOCK_FLOOR,
    emptiest first."""
    return (
        _live_variants(supplier)
        .filter(stock__lt=Greatest(F("min_order_qty"), Value(LOW_STOCK_FLOOR)))
        .select_related("product")
        .order_by("stock", "product__name", "position", "id")[:limit]
    )


def portal_rejected_products(*, supplier: Supplier) -> QuerySet[Product]:
    return Product.objects.filter(supplier=supplier, status=ProductStatus.REJECTED).order_by(
        "-updated_at", "-id"
    )


def _portal_variants_prefetch() -> Prefetch:
    return Prefetch(
        "variants",
        queryset=ProductVariant.objects.filter(is_active=True).order_by("position", "id"),
        to_attr="active_variants",
    )


def portal_products(*, supplier: Supplier, status: str = "", q: str = "") -> QuerySet[Product]:
    """The supplier's listings, newest change first, with category, ordered images and
    active variants preloaded. ``q`` matches the name, English name or a SKU."""
    qs = Product.objects.filter(supplier=supplier)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(
            Q(name__icontains=q)
            | Q(name_en__icontains=q)
            | Q(id__in=ProductVariant.objects.filter(sku__icontains=q).values("product_id"))
        )
    return (
        qs.select_related("category")
        .prefetch_related(first_image_prefetch(), _portal_variants_prefetch())
        .order_by("-updated_at", "-id")
    )


def portal_product(*, supplier: Supplier, pk: object) -> Product | None:
    """One of the supplier's listings with everything its edit pages show, or None (also for
    an id that is not a number)."""
    pk = _portal_pk(pk)
    if pk is None:
        return None
    return (
        Product.objects.filter(supplier=supplier, pk=pk)
        .select_related("supplier", "supplier__county", "category", "county", "township", "village")
        .prefetch_related(first_image_prefetch(), _portal_variants_prefetch(), "certifications")
        .first()
    )


def portal_image(*, supplier: Supplier, product_pk: object, pk: object) -> ProductImage | None:
    product_pk, pk = _portal_pk(product_pk), _portal_pk(pk)
    if product_pk is None or pk is None:
        return None
    return ProductImage.objects.filter(
        pk=pk, product_id=product_pk, product__supplier=supplier
    ).first()


def portal_stock_variants(*, supplier: Supplier) -> QuerySet[ProductVariant]:
    """Every live variant of the supplier for the stock page, grouped by listing."""
    return (
        _live_variants(supplier)
        .select_related("product")
        .order_by("product__name", "product_id", "position", "id")
    )


def _portal_pk(value: object) -> int | None:
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > 10 or int(text) >= 2**31:
        return None
    return int(text)

"""Reads of the catalog. Every function returns querysets with what the caller renders
preloaded, so a page or a GraphQL query runs a constant number of SQL queries."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.selectors_search import (
    SORTS,
    ordering,
    query_terms,
    search_condition,
    search_rank,
)
from catalog.stats import with_stats
from shop.regions.models import Region, RegionLevel
from suppliers.models import CertificationKind, Supplier

MAX_QUERY_LENGTH = 64
MAX_PRICE = Decimal("9999999999.99")


@dataclass(frozen=True)
class ProductFilter:
    q: str = ""
    county: str = ""  # county slug or code
    township: str = ""  # township code
    category: str = ""  # category slug (includes its children)
    certification: str = ""  # CertificationKind value
    supplier: str = ""  # supplier slug
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    sort: str = ""  # "" is relevance with a search, newest without
    errors: dict[str, str] = field(default_factory=dict, compare=False)


def _parse_price(raw: object, name: str, errors: dict[str, str]) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        errors[name] = _("Enter a number, such as 58 or 58.50.")
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        errors[name] = _("Enter a price between 0 and 9,999,999,999.99.")
        return None
    return value.quantize(Decimal("0.01"))


def _clean_text(params: Mapping[str, object], name: str, errors: dict[str, str]) -> str:
    """The stripped parameter; NUL characters (which PostgreSQL rejects) are a field error."""
    value = str(params.get(name) or "").strip()
    if "\x00" in value:
        errors[name] = _("Remove the control characters.")
        return ""
    return value


def product_filter_parse(params: Mapping[str, object]) -> ProductFilter:
    """Validate raw filter parameters (from a query string or GraphQL arguments).

    Raises ``ValidationError`` with one message per bad field; the messages are in the
    active language.
    """
    errors: dict[str, str] = {}
    q = _clean_text(params, "q", errors)
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}
    county = _clean_text(params, "county", errors)
    if county and not Region.objects.filter(
        Q(slug=county) | Q(code=county), level=RegionLevel.COUNTY
    ).exists():
        errors["county"] = _("Unknown county.")
    township = _clean_text(params, "township", errors)
    if township:
        parent = (
            Region.objects.filter(code=township, level=RegionLevel.TOWNSHIP)
            .values_list("parent_id", "parent__slug")
            .first()
            if township.isdigit() and len(township) == 9
            else None
        )
        if parent is None:
            errors["township"] = _("Unknown township.")
        elif county and "county" not in errors and county not in parent:
            errors["township"] = _("Choose a township in the chosen county.")
    category = _clean_text(params, "category", errors)
    if category and not Category.objects.filter(slug=category).exists():
        errors["category"] = _("Unknown category.")
    certification = _clean_text(params, "certification", errors)
    if certification and certification not in CertificationKind.values:
        errors["certification"] = _("Unknown certification.")
    supplier = _clean_text(params, "supplier", errors)
    price_min = _parse_price(params.get("price_min"), "price_min", errors)
    price_max = _parse_price(params.get("price_max"), "price_max", errors)
    if price_min is not None and price_max is not None and price_min > price_max:
        errors["price_max"] = _("The highest price must not be below the lowest price.")
    raw_stock = params.get("in_stock")
    in_stock = raw_stock in (True, "1", "true", "on", "yes")
    if raw_stock not in (None, "", False, True, "0", "1", "true", "false", "on", "off", "yes", "no"):
        errors["in_stock"] = _("Choose yes or no.")
    sort = str(params.get("sort") or "")
    if sort and sort not in SORTS:
        errors["sort"] = _("Unknown sort order.")
    if errors:
        raise ValidationError(
            {k: ValidationError(v, code=CatalogErrorCode.INVALID_FILTER.value) for k, v in errors.items()}
        )
    return ProductFilter(
        q=q, county=county, township=township, category=category, certification=certification,
        supplier=supplier, price_min=price_min, price_max=price_max, in_stock=in_stock, sort=sort,
    )


def _first_image_prefetch() -> "Prefetch[str, QuerySet[ProductImage], str]":
    return Prefetch(
        "images",
        queryset=ProductImage.objects.order_by("position", "id"),
        to_attr="ordered_images",
    )


def product_list(*, filters: ProductFilter | None = None, stats: bool = True) -> QuerySet[Product]:
    """Visible products for a listing: supplier, regions, category and images preloaded;
    with ``stats`` annotated with ``sales_units``, ``rating_average``, ``rating_count``.
    In stock first, then ``filters.sort`` (see ``catalog.selectors_search``)."""
    f = filters or ProductFilter()
    qs = Product.objects.visible()
    terms = query_terms(f.q)
    sort = f.sort or ("relevance" if terms else "newest")
    if terms:
        matches, head = search_condition(terms)
        qs = qs.filter(matches)
        if sort == "relevance":
            qs = qs.alias(search_rank=search_rank(terms, head))
    elif sort == "relevance":
        sort = "newest"  # nothing to rank without a search
    if f.county:
        qs = qs.filter(Q(county__slug=f.county) | Q(county_id=f.county))
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.category:
        qs = qs.filter(Q(category__slug=f.category) | Q(category__parent__slug=f.category))
    if f.certification:
        qs = qs.filter(
            id__in=Product.certifications.through.objects.filter(
                certification__kind=f.certification
            ).values("product_id")
        )
    if f.supplier:
        qs = qs.filter(supplier__slug=f.supplier)
    if f.price_min is not None:
        qs = qs.filter(min_price__gte=f.price_min)
    if f.price_max is not None:
        qs = qs.filter(min_price__lte=f.price_max)
    if f.in_stock:
        qs = qs.filter(total_stock__gt=0)
    if stats or sort == "sales":
        qs = with_stats(qs)
    return (
        qs.select_related("supplier", "county", "township", "village", "category")
        .prefetch_related(_first_image_prefetch())
        .order_by(*ordering(sort))
    )


def product_detail(*, slug: str) -> Product | None:
    """One visible product with everything its page shows, sales and ratings included."""
    return (
        with_stats(Product.objects.visible())  # type: ignore[no-redef]  # Product declares active_variants
        .select_related(
            "supplier", "supplier__county", "supplier__township", "county", "township",
            "village", "category", "category__parent",
        )
        .prefetch_related(
            _first_image_prefetch(),
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).order_by("position", "id"),
                to_attr="active_variants",
            ),
            "certifications",
        )
        .filter(slug=slug)
        .first()
    )


def category_tree() -> list[Category]:
    """Top-level categories, each with ``children`` prefetched."""
    return list(
        Category.objects.filter(parent__isnull=True)
        .prefetch_related(Prefetch("children", queryset=Category.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def featured_products(*, limit: int = 8) -> QuerySet[Product]:
    return product_list().filter(is_featured=True)[:limit]


def supplier_public(*, slug: str) -> Supplier | None:
    return (
        Supplier.objects.approved()
        .select_related("county", "township", "village")
        .prefetch_related("certifications")
        .filter(slug=slug)
        .first()
    )


def _visible_product_count(region_field: str) -> Coalesce:
    """A correlated subquery counting visible products whose ``region_field`` is the row."""
    counts = (
        Product.objects.visible()
        .filter(**{region_field: OuterRef("code")})
        .order_by()
        .values(region_field)
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def counties_with_product_counts() -> QuerySet[Region]:
    """The supply counties, each annotated with ``product_count`` (visible products)."""
    return (
        Region.objects.supply_counties()
        .annotate(product_count=_visible_product_count("county"))
        .order_by("code")
    )


def townships_with_product_counts(*, county_code: str) -> QuerySet[Region]:
    """A county's townships, each annotated with ``product_count`` (visible products)."""
    return (
        Region.objects.filter(level=RegionLevel.TOWNSHIP, parent_id=county_code)
        .annotate(product_count=_visible_product_count("township"))
        .order_by("code")
    )


def products_of_supplier(*, supplier_slug: str, limit: int = 24) -> QuerySet[Product]:
    return product_list(filters=ProductFilter(supplier=supplier_slug))[:limit]


def products_of_county(*, county_code: str, limit: int = 24) -> QuerySet[Product]:
    return product_list(filters=ProductFilter(county=county_code))[:limit]


def products_awaiting_review() -> QuerySet[Product]:
    """Staff's review queue: submitted products first, then approved ones with a price not
    yet accepted; oldest change first. ``flagged_variants`` lists the overpriced variants."""
    from django.db.models import Case, Value, When

    from catalog.models import ProductStatus
    from catalog.review import awaiting_review_condition, flagged_variants

    return (
        Product.objects.filter(awaiting_review_condition())
        .annotate(
            review_rank=Case(When(status=ProductStatus.SUBMITTED, then=Value(0)), default=Value(1))
        )
        .select_related("supplier", "county", "category")
        .prefetch_related(Prefetch("variants", queryset=flagged_variants(), to_attr="flagged_variants"))
        .order_by("review_rank", "updated_at", "id")
    )


# --- Supplier portal ------------------------------------------------------------------------
# Every read is scoped to one supplier: an id of another supplier's object finds nothing, so
# the portal answers 404 without revealing that it exists.

LOW_STOCK_FLOOR = 10


def portal_status_counts(*, supplier: Supplier) -> dict[str, int]:
    """Number of the supplier's listings per status (every status present, zeros included)."""
    from catalog.models import ProductStatus

    counts = dict.fromkeys(ProductStatus.values, 0)
    rows = (
        Product.objects.filter(supplier=supplier).order_by().values("status").annotate(n=Count("id"))
    )
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def _live_variants(supplier: Supplier) -> QuerySet[ProductVariant]:
    """Active variants of the supplier's listings that are not archived."""
    from catalog.models import ProductStatus

    return ProductVariant.objects.filter(product__supplier=supplier, is_active=True).exclude(
        product__status=ProductStatus.ARCHIVED
    )


def portal_low_stock_variants(*, supplier: Supplier, limit: int = 50) -> QuerySet[ProductVariant]:
    """Live variants with stock below the larger of their minimum order and LOW_STOCK_FLOOR,
    emptiest first."""
    from django.db.models import F, Value
    from django.db.models.functions import Greatest

    return (
        _live_variants(supplier)
        .filter(stock__lt=Greatest(F("min_order_qty"), Value(LOW_STOCK_FLOOR)))
        .select_related("product")
        .order_by("stock", "product__name", "position", "id")[:limit]
    )


def portal_rejected_products(*, supplier: Supplier) -> QuerySet[Product]:
    from catalog.models import ProductStatus

    return Product.objects.filter(supplier=supplier, status=ProductStatus.REJECTED).order_by(
        "-updated_at", "-id"
    )


def _portal_variants_prefetch() -> "Prefetch[str, QuerySet[ProductVariant], str]":
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
        .prefetch_related(_first_image_prefetch(), _portal_variants_prefetch())
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
        .prefetch_related(_first_image_prefetch(), _portal_variants_prefetch(), "certifications")
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

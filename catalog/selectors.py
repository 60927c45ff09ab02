"""Reads of the catalog. Every function returns querysets with what the caller renders
preloaded, so a page or a GraphQL query runs a constant number of SQL queries."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Category, Product, ProductImage, ProductStatus, ProductVariant
from catalog.selectors_search import (
    SORTS,
    ordering,
    query_terms,
    search_condition,
    search_rank,
)
from catalog.services.review import awaiting_review_condition, flagged_variants
from shop.regions.models import Region, RegionLevel
from shop.regions.selectors import region_reference
from suppliers.models import Certification, CertificationKind, Supplier

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


def product_filter_parse(
    params: Mapping[str, object], *, categories: list[Category] | None = None
) -> ProductFilter:
    """Validate raw filter parameters (from a query string or GraphQL arguments).

    Raises ``ValidationError`` with one message per bad field; the messages are in the
    active language. Counties and townships are checked against the process's region
    reference; ``categories`` (every category, e.g. from ``category_all``) saves the query
    that checks a category slug when the caller has them already.
    """
    errors: dict[str, str] = {}
    q = _clean_text(params, "q", errors)
    if len(q) > MAX_QUERY_LENGTH:
        errors["q"] = _("Search for at most %(n)d characters.") % {"n": MAX_QUERY_LENGTH}
    county = _clean_text(params, "county", errors)
    regions = region_reference()
    if county and regions.county(county) is None:
        errors["county"] = _("Unknown county.")
    township = _clean_text(params, "township", errors)
    if township:
        found = regions.township(township) if township.isdigit() and len(township) == 9 else None
        parent_county = regions.county(found.parent_id or "") if found is not None else None
        parent = (
            None if found is None
            else (found.parent_id, parent_county.slug if parent_county is not None else None)
        )
        if parent is None:
            errors["township"] = _("Unknown township.")
        elif county and "county" not in errors and county not in parent:
            errors["township"] = _("Choose a township in the chosen county.")
    category = _clean_text(params, "category", errors)
    if category and not (
        any(c.slug == category for c in categories)
        if categories is not None
        else Category.objects.filter(slug=category).exists()
    ):
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


class _ProductsWithRegions(ModelIterable):  # type: ignore[type-arg]  # generic in the stubs only
    """Products whose county, township and village, and their supplier's, come from the
    process's region reference instead of joins (issue 15): with the three region joins
    beside supplier and category, PostgreSQL spent about 20 ms planning a 24-row page (the
    execution took under 1 ms); with two joins, about 1 ms."""

    fields = ("county", "township", "village")

    def __iter__(self) -> Iterator[Product]:
        regions = None
        for product in super().__iter__():
            for obj in (product, product._state.fields_cache.get("supplier")):
                if obj is None:
                    continue
                deferred = obj.get_deferred_fields()  # never load a deferred key to attach it
                wanted = [
                    name for name in self.fields
                    if f"{name}_id" not in deferred and name not in obj._state.fields_cache
                    and getattr(obj, f"{name}_id")
                ]
                if wanted:
                    regions = regions or region_reference()
                    regions.attach([obj], wanted)
            yield product


def _with_regions(qs: QuerySet[Product]) -> QuerySet[Product]:
    qs = qs.all()  # a copy (QuerySet.all() is _chain())
    qs._iterable_class = _ProductsWithRegions
    return qs


def first_image_prefetch() -> "Prefetch[str, QuerySet[ProductImage], str]":
    return Prefetch(
        "images",
        queryset=ProductImage.objects.order_by("position", "id"),
        to_attr="ordered_images",
    )


def product_list(*, filters: ProductFilter | None = None) -> QuerySet[Product]:
    """Visible products for a listing: supplier, regions, category and images preloaded.
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
    return _with_regions(
        qs.select_related("supplier", "category")
        .prefetch_related(first_image_prefetch())
        .order_by(*ordering(sort))
    )


def product_detail(*, slug: str) -> Product | None:
    """One visible product with everything its page shows, sales and ratings included."""
    return _with_regions(
        Product.objects.visible()  # type: ignore[no-redef]  # Product declares active_variants
        .select_related("supplier", "category", "category__parent")
        .prefetch_related(
            first_image_prefetch(),
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).order_by("position", "id"),
                to_attr="active_variants",
            ),
            # The GraphQL loader's order, so that the API uses this prefetch too.
            Prefetch("certifications", queryset=Certification.objects.order_by("kind", "number", "id")),
        )
        .filter(slug=slug)
    ).first()


def category_all() -> list[Category]:
    """Every category (a small table), in position order."""
    return list(Category.objects.order_by("position", "id"))


def category_tree(categories: list[Category] | None = None) -> list[Category]:
    """Top-level categories, each with ``children`` preloaded; built in Python from
    ``categories`` (default: ``category_all()``, one query) instead of a query per level."""
    rows = category_all() if categories is None else categories
    children: dict[int, list[Category]] = {}
    for category in rows:
        if category.parent_id is not None:
            children.setdefault(category.parent_id, []).append(category)
    for category in rows:
        preloaded = category.children.all()
        preloaded._result_cache = children.get(category.pk, [])
        preloaded._prefetch_done = True  # type: ignore[attr-defined]  # Django internals, not in the stubs
        category._prefetched_objects_cache = {"children": preloaded}  # type: ignore[attr-defined]  # idem
    return [c for c in rows if c.parent_id is None]


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
    return (
        Product.objects.filter(awaiting_review_condition())
        .annotate(
            review_rank=Case(When(status=ProductStatus.SUBMITTED, then=Value(0)), default=Value(1))
        )
        .select_related("supplier", "county", "category")
        .prefetch_related(Prefetch("variants", queryset=flagged_variants(), to_attr="flagged_variants"))
        .order_by("review_rank", "updated_at", "id")
    )

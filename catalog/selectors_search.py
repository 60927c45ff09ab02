"""Search, relevance, sort orders and suggestions of the storefront catalog.

Matching is by substring of the precomputed ``Product.search_text`` (names, their pinyin and
initials, supplier, origin places, summary, category), or of the description; on PostgreSQL
trigram indexes serve both (``catalog/migrations/0002`` and ``0006``), SQLite scans.
"""

from django.db.models import Case, Exists, F, IntegerField, OrderBy, OuterRef, Q, Value, When
from django.db.models.functions import Least

from catalog.models import Product, SearchTerm, SearchTermKind
from catalog.pinyin import SEPARATOR

# Search terms that mean the same product; a term in a group matches any of the group.
SEARCH_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset({"茶油", "油茶", "茶籽油", "camellia"}),
    frozenset({"柿饼", "柿子饼"}),
)
# 1 for a product with stock, 0 without: every order lists products in stock first. The
# same expression is indexed (``product_visible_stock_*``).
STOCK_RANK = Least(F("total_stock"), Value(1))
SORTS: dict[str, tuple[str, ...]] = {
    "relevance": ("search_rank", "-created_at", "-id"),
    "sales": ("-sales_units", "-created_at", "-id"),
    "price_asc": ("min_price", "id"),
    "price_desc": ("-min_price", "-id"),
    "newest": ("-created_at", "-id"),
    "name": ("name", "id"),
}
SUGGESTION_LIMIT = 5


def query_terms(q: str) -> list[str]:
    """Lower-cased whitespace-separated terms, without the separator of the search text."""
    return [t for t in q.lower().replace(SEPARATOR, " ").split() if t]


def _term_condition(term: str) -> Q:
    condition = Q(search_text__contains=term)
    for group in SEARCH_SYNONYMS:
        if term in group:
            for synonym in sorted(group - {term}):
                condition |= Q(search_text__contains=synonym)
    return condition


def _all(conditions: list[Q]) -> Q:
    result = Q()
    for condition in conditions:
        result &= condition
    return result


def search_condition(terms: list[str]) -> tuple[Q, Q]:
    """``(matches, head)``: every term in the search text or every term in the description;
    ``head`` is the first half alone (a match not only in the description)."""
    head = _all([_term_condition(t) for t in terms])
    in_description = _all([Q(description__icontains=t) for t in terms])
    return head | in_description, head


def search_rank(terms: list[str], head: Q) -> Case:
    """0 exact name (or its pinyin, initials), 1 name prefix, 2 name contains the query,
    3 every term in the name, 4 in the supplier, origin, summary or category, 5 description."""
    phrase = " ".join(terms)
    return Case(
        When(search_name__contains=f"{SEPARATOR}{phrase}{SEPARATOR}", then=Value(0)),
        When(search_name__contains=f"{SEPARATOR}{phrase}", then=Value(1)),
        When(search_name__contains=phrase, then=Value(2)),
        When(_all([Q(search_name__contains=t) for t in terms]), then=Value(3)),
        When(head, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )


def ordering(sort: str) -> list:
    """In stock first, then the chosen order."""
    fields: list = [OrderBy(STOCK_RANK, descending=True)]
    for name in SORTS[sort]:
        fields.append(F(name[1:]).desc() if name.startswith("-") else F(name).asc())
    return fields


def _has_visible_products(field: str, ref: str) -> Exists:
    return Exists(Product.objects.visible().filter(**{field: OuterRef(ref)}))


def search_suggestions(*, q: str, limit: int = SUGGESTION_LIMIT) -> dict[str, list]:
    """What the search box offers as the buyer types: ``products`` (best matches, in stock
    first), ``suppliers`` and ``places`` (counties, townships, villages) with visible products.
    Three queries whatever the data size; nothing for an empty query."""
    from catalog.selectors import ProductFilter, product_list

    terms = query_terms(q)[:8]
    if not terms:
        return {"products": [], "suppliers": [], "places": []}

    products = list(
        product_list(filters=ProductFilter(q=" ".join(terms), sort="relevance"))
        .select_related(None).prefetch_related(None).select_related("county")
        .only("name", "name_en", "slug", "county__name", "county__name_en", "county__code")[:limit]
    )
    matches = _all([Q(search_text__contains=t) for t in terms])
    exact = Q(search_text__contains=f"{SEPARATOR}{' '.join(terms)}")
    ranked = Case(When(exact, then=Value(0)), default=Value(1), output_field=IntegerField())
    terms_qs = SearchTerm.objects.filter(matches).annotate(rank=ranked).order_by("rank", "label", "id")
    suppliers = list(
        terms_qs.filter(kind=SearchTermKind.SUPPLIER)
        .filter(_has_visible_products("supplier", "supplier_id"))
        .select_related("supplier").only("label", "kind", "supplier__slug")[:limit]
    )
    places = list(
        terms_qs.exclude(kind=SearchTermKind.SUPPLIER)
        .filter(
            _has_visible_products("county", "region_id")
            | _has_visible_products("township", "region_id")
            | _has_visible_products("village", "region_id")
        )
        .select_related("region").only("label", "kind", "region__code", "region__slug")[:limit]
    )
    return {"products": products, "suppliers": suppliers, "places": places}

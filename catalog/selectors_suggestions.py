"""Suggestions of the storefront's search box, built on the listing (``catalog.selectors``)
and the search terms (``catalog.selectors_search``)."""

from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from catalog.models import Product, SearchTerm, SearchTermKind
from catalog.pinyin import SEPARATOR
from catalog.selectors import ProductFilter, product_list
from catalog.selectors_search import all_of, query_terms

SUGGESTION_LIMIT = 5


def _has_visible_products(field: str, ref: str) -> Exists:
    return Exists(Product.objects.visible().filter(**{field: OuterRef(ref)}))


def search_suggestions(*, q: str, limit: int = SUGGESTION_LIMIT) -> dict[str, list[Any]]:
    """What the search box offers as the buyer types: ``products`` (best matches, in stock
    first), ``suppliers`` and ``places`` (counties, townships, villages) with visible products.
    Three queries whatever the data size; nothing for an empty query."""
    terms = query_terms(q)[:8]
    if not terms:
        return {"products": [], "suppliers": [], "places": []}

    products = list(
        product_list(filters=ProductFilter(q=" ".join(terms), sort="relevance"))
        .select_related(None).prefetch_related(None).select_related("county")
        .only("name", "name_en", "slug", "county__name", "county__name_en", "county__code")[:limit]
    )
    matches = all_of([Q(search_text__contains=t) for t in terms])
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

"""Search, relevance and sort orders of the storefront catalog (suggestions as the buyer
types: ``catalog.selectors_suggestions``).

Matching is by substring of the precomputed ``Product.search_text`` (names, their pinyin and
initials, supplier, origin places, summary, category), or of the description; on PostgreSQL
trigram indexes serve both (``catalog/migrations/0002`` and ``0006``), SQLite scans.
"""

from django.db.models import Case, F, IntegerField, OrderBy, Q, Value, When
from django.db.models.functions import Least

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


def all_of(conditions: list[Q]) -> Q:
    result = Q()
    for condition in conditions:
        result &= condition
    return result


def search_condition(terms: list[str]) -> tuple[Q, Q]:
    """``(matches, head)``: every term in the search text or every term in the description;
    ``head`` is the first half alone (a match not only in the description)."""
    head = all_of([_term_condition(t) for t in terms])
    in_description = all_of([Q(description__icontains=t) for t in terms])
    return head | in_description, head


def search_rank(terms: list[str], head: Q) -> Case:
    """0 exact name (or its pinyin, initials), 1 name prefix, 2 name contains the query,
    3 every term in the name, 4 in the supplier, origin, summary or category, 5 description."""
    phrase = " ".join(terms)
    return Case(
        When(search_name__contains=f"{SEPARATOR}{phrase}{SEPARATOR}", then=Value(0)),
        When(search_name__contains=f"{SEPARATOR}{phrase}", then=Value(1)),
        When(search_name__contains=phrase, then=Value(2)),
        When(all_of([Q(search_name__contains=t) for t in terms]), then=Value(3)),
        When(head, then=Value(4)),
        default=Value(5),
        output_field=IntegerField(),
    )


def ordering(sort: str) -> list[OrderBy]:
    """In stock first, then the chosen order."""
    fields: list[OrderBy] = [OrderBy(STOCK_RANK, descending=True)]
    for name in SORTS[sort]:
        fields.append(F(name[1:]).desc() if name.startswith("-") else F(name).asc())
    return fields

"""Product listing arguments, validated by the storefront's own parser so that both give
the same messages; problems carry the GraphQL argument name in ``extensions.field``."""

from typing import Any

import graphene
from django.core.exceptions import ValidationError

from catalog.graphql.enums import ProductSortEnum
from catalog.selectors import ProductFilter, product_filter_parse
from shop.graphql.core.errors import validation_error_to_graphql_error
from suppliers.graphql.enums import CertificationKindEnum

# product_filter_parse's parameter names -> the names a GraphQL client wrote.
FIELD_NAMES = {
    "q": "search", "price_min": "priceMin", "price_max": "priceMax", "in_stock": "inStock",
    "sort": "sortBy",
}


class ProductFilterInput(graphene.InputObjectType):
    search = graphene.String(description="Substring of the name, supplier, origin, category or description; pinyin (shanyang) and initials (sy) work. Sorted by relevance when sortBy is not given.")
    county = graphene.String(description="County slug (longchuan, duan, dahua) or 6-digit code.")
    township = graphene.String(description="9-digit township code.")
    category = graphene.String(description="Category slug; includes its sub-categories.")
    certification = graphene.InputField(CertificationKindEnum, description="Only products with a certification of this kind.")
    supplier = graphene.String(description="Supplier slug.")
    price_min = graphene.Decimal(description="Lowest price in yuan, e.g. \"58.50\".")
    price_max = graphene.Decimal(description="Highest price in yuan.")
    in_stock = graphene.Boolean(description="Only products with stock.")


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def parse_product_filter(filter_input: dict[str, Any] | None, sort_by: Any) -> ProductFilter:
    data = filter_input or {}
    certification = data.get("certification")
    params: dict[str, object] = {
        "q": data.get("search"),
        "county": data.get("county"),
        "township": data.get("township"),
        "category": data.get("category"),
        "certification": certification.value if certification is not None else None,
        "supplier": data.get("supplier"),
        "price_min": _text(data.get("price_min")),
        "price_max": _text(data.get("price_max")),
        "in_stock": data.get("in_stock"),
        "sort": sort_by.value if sort_by is not None else None,
    }
    try:
        return product_filter_parse(params)
    except ValidationError as exc:
        raise validation_error_to_graphql_error(exc, field_map=FIELD_NAMES) from None


__all__ = ["ProductFilterInput", "ProductSortEnum", "parse_product_filter"]

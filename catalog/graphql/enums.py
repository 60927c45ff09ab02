from enum import Enum as PyEnum

import graphene

from catalog.errors import CatalogErrorCode
from catalog.selectors_search import SORTS
from shop.graphql.core.enums import enum_from_error_codes

ProductSortEnum = graphene.Enum.from_enum(
    PyEnum("ProductSort", [(key.upper(), key) for key in SORTS]),
    name="ProductSort",
    description=lambda m: None if m else "Order of a product listing, products in stock first; RELEVANCE with a search and NEWEST without when not given.",
)
CatalogErrorCodeEnum = enum_from_error_codes(
    CatalogErrorCode, name="CatalogErrorCode", description="Error codes of catalog queries and mutations."
)

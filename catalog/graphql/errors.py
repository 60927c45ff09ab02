import graphene

from catalog.graphql.enums import CatalogErrorCodeEnum
from shop.graphql.core.errors import Error


class CatalogError(Error):
    """A problem reported by a catalog mutation."""

    code = graphene.Field(CatalogErrorCodeEnum, required=True)

import graphene

from shop.graphql.core.errors import Error
from suppliers.graphql.enums import SupplierErrorCodeEnum


class SupplierError(Error):
    """A problem reported by a supplier mutation."""

    code = graphene.Field(SupplierErrorCodeEnum, required=True)

import graphene

from orders.graphql.enums import OrderErrorCodeEnum
from shop.graphql.core.errors import Error


class OrderError(Error):
    """A problem reported by a cart, order, payment or fulfilment mutation."""

    code = graphene.Field(OrderErrorCodeEnum, required=True)

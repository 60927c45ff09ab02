from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import member_order, ordering_member_of
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Order
from orders.graphql.scope import MEMBER, scoped
from orders.models import Order as OrderModel
from orders.services.fulfilment import order_accept
from shop.graphql.core.permissions import require_user


class OrderAccept(OrderMutation):
    """The buyer accepts the delivery (验收) with a rating from 1 to 5 and a comment.
    Refused before the order has shipped."""

    order = graphene.Field(Order)

    class Arguments:
        order_id = graphene.ID(required=True, description="Global ID of an order (type Order).")
        rating = graphene.Int(required=True, description="1 (poor) to 5 (excellent).")
        comment = graphene.String(description="At most 500 characters.")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, order_id: str, rating: int, comment: str | None = None) -> dict[str, Any]:
        user = require_user(info)
        order = member_order(user, order_id)
        ordering_member_of(user, order)
        order_accept(actor=user, order=order, rating=rating, comment=comment or "")
        fresh = OrderModel.objects.select_related("organization", "placed_by").get(pk=order.pk)
        return {"order": scoped(fresh, MEMBER)}

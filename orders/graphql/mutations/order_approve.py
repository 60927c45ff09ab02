from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import member_order, viewer_for
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Order
from orders.graphql.scope import scoped
from orders.services.lifecycle import order_approve
from shop.graphql.core.permissions import require_user


class OrderApprove(OrderMutation):
    """An approver or admin of the organization lets an order above the approval threshold
    go on to payment."""

    order = graphene.Field(Order)

    class Arguments:
        order_id = graphene.ID(required=True, description="Global ID of an order (type Order).")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, order_id: str) -> dict[str, Any]:
        user = require_user(info)
        order = order_approve(actor=user, order=member_order(user, order_id))
        return {"order": scoped(order, viewer_for(user, order))}

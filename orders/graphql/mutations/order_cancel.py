from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import member_order, viewer_for
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Order
from orders.graphql.scope import scoped
from orders.services.lifecycle import order_cancel
from shop.graphql.core.permissions import require_user


class OrderCancel(OrderMutation):
    """Cancel an order before it ships (the member who placed it, an approver or admin of
    the organization, or staff). Unpaid: the stock is released. Paid: the whole amount is
    refunded the way it came. Refused once any part has shipped."""

    order = graphene.Field(Order)

    class Arguments:
        order_id = graphene.ID(required=True, description="Global ID of an order (type Order).")
        reason = graphene.String(required=True, description="Why (at most 255 characters).")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, order_id: str, reason: str) -> dict[str, Any]:
        user = require_user(info)
        order = order_cancel(actor=user, order=member_order(user, order_id), reason=reason)
        return {"order": scoped(order, viewer_for(user, order))}

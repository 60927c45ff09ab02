from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import require_supplier, supplier_fulfilment
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.mutations.fulfilment_create import fresh_fulfilment
from orders.graphql.order_types import Fulfilment
from orders.services.fulfilment import fulfilment_confirm
from shop.graphql.core.permissions import require_user


class FulfilmentConfirm(OrderMutation):
    """The supplier confirms it will deliver its part of a paid order."""

    fulfilment = graphene.Field(Fulfilment)

    class Arguments:
        fulfilment_id = graphene.ID(required=True, description="Global ID of one of the supplier's fulfilments (type Fulfilment).")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, fulfilment_id: str) -> dict[str, Any]:
        user = require_user(info)
        supplier = require_supplier(user)
        fulfilment = supplier_fulfilment(supplier, fulfilment_id)
        fulfilment_confirm(actor=user, fulfilment=fulfilment)
        return {"fulfilment": fresh_fulfilment(fulfilment.pk, supplier.pk)}

from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import require_supplier, supplier_fulfilment
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Fulfilment
from orders.graphql.scope import scoped, supplier_viewer
from orders.models import Fulfilment as FulfilmentModel
from orders.services.fulfilment import fulfilment_ship
from shop.graphql.core.permissions import require_user


def fresh_fulfilment(pk: int, supplier_id: int) -> FulfilmentModel:
    return scoped(FulfilmentModel.objects.select_related("supplier").get(pk=pk), supplier_viewer(supplier_id))


class FulfilmentCreate(OrderMutation):
    """The supplier ships its part of a paid order with the carrier and tracking number;
    the units move from reserved to shipped."""

    fulfilment = graphene.Field(Fulfilment)

    class Arguments:
        fulfilment_id = graphene.ID(required=True, description="Global ID of one of the supplier's fulfilments (type Fulfilment).")
        carrier = graphene.String(required=True, description="E.g. 顺丰速运.")
        tracking_number = graphene.String(required=True)

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, fulfilment_id: str, carrier: str, tracking_number: str) -> dict[str, Any]:
        user = require_user(info)
        supplier = require_supplier(user)
        fulfilment = supplier_fulfilment(supplier, fulfilment_id)
        fulfilment_ship(actor=user, fulfilment=fulfilment, carrier=carrier, tracking_number=tracking_number)
        return {"fulfilment": fresh_fulfilment(fulfilment.pk, supplier.pk)}

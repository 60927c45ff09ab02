import re
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.graphql.access import member_order
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Order
from orders.graphql.scope import STAFF, scoped
from orders.graphql.staff_types import Refund
from orders.models import Order as OrderModel
from orders.services.bank import parse_yuan_to_fen
from orders.services.refunds import order_refund
from shop.graphql.core.permissions import require_staff
from shop.graphql.core.scalars import Yuan

REFUND_PERMISSION = "orders.add_refund"
_KEY = re.compile(r"[A-Za-z0-9_\-]{8,64}")


class OrderRefund(OrderMutation):
    """Staff refund a paid order, fully or partly, the way it was paid: through Stripe for
    cards, recorded with the bank reference of the transfer back for bank transfers. The
    ledger gets negative entries. The same `idempotencyKey` never refunds twice."""

    refund = graphene.Field(Refund)
    order = graphene.Field(Order)

    class Arguments:
        order_id = graphene.ID(required=True, description="Global ID of an order (type Order).")
        amount = graphene.Argument(Yuan, description="Amount in yuan; everything left to refund when omitted.")
        reason = graphene.String(required=True)
        idempotency_key = graphene.String(required=True, description="A token made once per refund (retries send it again).")
        bank_reference = graphene.String(description="For bank transfers: the reference of the transfer back.")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(
        cls, info: graphene.ResolveInfo, *, order_id: str, reason: str, idempotency_key: str,
        amount: str | None = None, bank_reference: str | None = None,
    ) -> dict[str, Any]:
        user = require_staff(info, perm=REFUND_PERMISSION)
        order = member_order(user, order_id)
        amount_fen = None if amount in (None, "") else parse_yuan_to_fen(amount, field="amount")
        if not _KEY.fullmatch(idempotency_key or ""):
            raise ValidationError({"idempotency_key": ValidationError(
                _("Send 8 to 64 letters, digits, - or _."), code=OrderErrorCode.INVALID_IDEMPOTENCY_KEY.value,
            )})
        refund = order_refund(
            actor=user, order=order, reason=reason, idempotency_key=idempotency_key,
            amount_fen=amount_fen, bank_reference=bank_reference or "",
        )
        fresh = OrderModel.objects.select_related("organization", "placed_by").get(pk=order.pk)
        return {"refund": refund, "order": scoped(fresh, STAFF)}

from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Order
from orders.graphql.scope import STAFF, scoped
from orders.graphql.staff_types import BankReceipt
from orders.models import Order as OrderModel
from orders.services.bank import bank_receipt_record
from shop.graphql.core.permissions import require_staff
from shop.graphql.core.scalars import Yuan

RECORD_PERMISSION = "orders.add_bankreceipt"


class PaymentReceiptRecordInput(graphene.InputObjectType):
    bank_reference = graphene.String(required=True, description="The bank's transaction reference (unique).")
    payment_reference = graphene.String(required=True, description="The reference the payer wrote, e.g. XF7K3M9Q2P.")
    amount = graphene.InputField(Yuan, required=True, description="Amount received in yuan, e.g. \"264.00\".")
    received_on = graphene.Date(required=True)
    payer_name = graphene.String(description="The paying account's name.")


class PaymentReceiptRecord(OrderMutation):
    """Finance staff record a bank transfer received (对公转账). An exact match of the
    reference and the amount with an order awaiting payment marks it paid; anything else is
    flagged for review. Recording the same bank reference twice is refused."""

    receipt = graphene.Field(BankReceipt)
    order = graphene.Field(Order, description="The order the receipt paid, if it matched.")

    class Arguments:
        input = PaymentReceiptRecordInput(required=True)

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, input: dict[str, Any]) -> dict[str, Any]:
        user = require_staff(info, perm=RECORD_PERMISSION)
        receipt = bank_receipt_record(
            actor=user, bank_reference=input["bank_reference"], payment_reference=input["payment_reference"],
            amount=input["amount"], received_on=input["received_on"], payer_name=input.get("payer_name") or "",
        )
        order = OrderModel.objects.select_related("organization", "placed_by").filter(pk=receipt.order_id).first()  # type: ignore[misc]  # None matches no order
        return {"receipt": receipt, "order": scoped(order, STAFF)}

from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import member_order, ordering_member_of
from orders.graphql.enums import PaymentMethodEnum
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import BankTransferInstructions, Order, Payment
from orders.graphql.scope import MEMBER, scoped
from orders.models import Order as OrderModel
from orders.models import PaymentMethod
from orders.selectors.payments import bank_transfer_instructions
from orders.services.card import payment_card_start
from orders.services.payments import order_check_payable
from shop.graphql.core.money import MoneyValue
from shop.graphql.core.permissions import require_user


def instructions(order: OrderModel) -> BankTransferInstructions:
    found = bank_transfer_instructions(order=order)
    return BankTransferInstructions(
        account_name=found.account_name, bank=found.bank, account_number=found.account_number,
        payment_reference=found.reference, amount=MoneyValue(fen=found.amount_fen), due_at=order.payment_due_at,
    )


class PaymentCreate(OrderMutation):
    """Start paying an order awaiting payment (members of the ordering organization).
    STRIPE: a PaymentIntent for the order's total, computed on the server; confirm
    `payment.clientSecret` with Stripe.js. The order is paid once Stripe's signed webhook
    says so, never on the browser's word. BANK_TRANSFER: the account and the payment
    reference to write on the transfer; finance staff record it when it arrives."""

    order = graphene.Field(Order)
    payment = graphene.Field(Payment, description="The card payment (STRIPE).")
    bank_transfer = graphene.Field(BankTransferInstructions, description="How to transfer (BANK_TRANSFER).")

    class Arguments:
        order_id = graphene.ID(required=True, description="Global ID of an order (type Order).")
        method = graphene.Argument(PaymentMethodEnum, required=True)

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, order_id: str, method: Any) -> dict[str, Any]:
        user = require_user(info)
        order = member_order(user, order_id)
        ordering_member_of(user, order)
        if method.value == PaymentMethod.STRIPE:
            payment = payment_card_start(actor=user, order=order)
            fresh = OrderModel.objects.select_related("organization", "placed_by").get(pk=order.pk)
            return {"order": scoped(fresh, MEMBER), "payment": scoped(payment, MEMBER)}
        order_check_payable(order=order)
        return {"order": order, "bank_transfer": instructions(order)}

from typing import Any

import graphene
from django.conf import settings

from orders.errors import OrderErrorCode
from orders.graphql.access import member_order, ordering_member_of
from orders.graphql.enums import PaymentMethodEnum
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation, service
from orders.graphql.order_types import BankTransferInstructions, Order, Payment
from orders.graphql.scope import MEMBER, scoped
from orders.models import Order as OrderModel
from orders.models import PaymentMethod
from orders.services.payments import order_check_payable
from shop.graphql.core.money import MoneyValue
from shop.graphql.core.permissions import require_user


def _value(source: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` that ``source`` (an object or a mapping) has."""
    for name in names:
        value = source.get(name) if isinstance(source, dict) else getattr(source, name, None)
        if value is not None:
            return value
    return default


def bank_transfer_instructions(order: OrderModel) -> BankTransferInstructions:
    """The bank-transfer selector's answer as the API type (settings and the order's own
    reference when the selector is not there)."""
    try:
        from orders.selectors.payments import bank_transfer_instructions as selector
    except ImportError:
        selector = None
    source = selector(order=order) if selector is not None else {}
    amount_fen = _value(source, "amount_fen", default=order.total_fen)
    return BankTransferInstructions(
        account_name=_value(source, "account_name", default=settings.BANK_ACCOUNT_NAME),
        bank=_value(source, "bank", "bank_name", "account_bank", default=settings.BANK_ACCOUNT_BANK),
        account_number=_value(source, "account_number", default=settings.BANK_ACCOUNT_NUMBER),
        payment_reference=_value(source, "payment_reference", "reference", default=order.payment_reference),
        amount=MoneyValue(fen=int(amount_fen)),
        due_at=_value(source, "due_at", "payment_due_at", default=order.payment_due_at),
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
            start = service("orders.services.card", "payment_card_start")
            payment = start(actor=user, order=order)
            fresh = OrderModel.objects.select_related("organization", "placed_by").get(pk=order.pk)
            return {"order": scoped(fresh, MEMBER), "payment": scoped(payment, MEMBER)}
        order_check_payable(order=order)
        return {"order": order, "bank_transfer": bank_transfer_instructions(order)}

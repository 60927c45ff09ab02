"""The paid transition, shared by Stripe webhooks and bank receipts.

``order_mark_paid`` is idempotent and safe under concurrency: it locks the order, returns
quietly when the order is already paid, and otherwise marks it paid, records the payment
and appends the ledger entries — all in one transaction. Only verified sources call it (a
signature-checked Stripe event re-read from Stripe, or a bank receipt recorded by finance
staff), never a browser redirect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import BankReceipt, Order, OrderEventKind, OrderStatus, Payment, PaymentStatus
from orders.services.ledger import ledger_record_order_paid
from orders.services.status import order_event_record, order_lock, order_transition
from shop.accounts.models import User

E = OrderErrorCode
PAID_OR_LATER = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.ACCEPTED, OrderStatus.REFUNDED}


@dataclass(frozen=True)
class PaidResult:
    order: Order
    changed: bool  # False when the order was already paid (a duplicate)


def order_check_payable(*, order: Order) -> None:
    if order.status in PAID_OR_LATER:
        raise ValidationError(_("This order has already been paid."), code=E.ALREADY_PAID.value)
    if order.status != OrderStatus.AWAITING_PAYMENT:
        raise ValidationError(
            _("This order cannot be paid now (it is “%(status)s”).") % {"status": OrderStatus(order.status).label},
            code=E.NOT_PAYABLE.value,
        )


@transaction.atomic
def order_mark_paid(
    *, order_id: int, method: str, amount_fen: int, actor: User | None = None, payment: Payment | None = None,
    bank_receipt: BankReceipt | None = None, source: str = "",
) -> PaidResult:
    """Mark the order paid once. ``amount_fen`` must equal the order total exactly.

    Raises ``ValidationError`` (``not_payable``) when the order was cancelled or is waiting
    for approval, and (``invalid_amount``) on a different amount: the caller records the
    money for review (a flagged receipt, or an automatic Stripe refund)."""
    order = order_lock(order_id=order_id)
    if order.status in PAID_OR_LATER:
        return PaidResult(order=order, changed=False)
    order_check_payable(order=order)
    if int(amount_fen) != order.total_fen:
        raise ValidationError(
            _("The amount received does not match the order total."), code=E.INVALID_AMOUNT.value
        )
    now = timezone.now()
    if payment is None:
        payment = Payment(order=order, method=method, amount_fen=amount_fen, bank_receipt=bank_receipt)
    payment.status = PaymentStatus.SUCCEEDED
    payment.succeeded_at = now
    payment.save()
    order.paid_fen = amount_fen
    order.payment_method = method
    order_transition(order=order, status=OrderStatus.PAID, update_fields=["paid_fen", "payment_method"])
    ledger_record_order_paid(order=order)
    order_event_record(
        order=order, kind=OrderEventKind.PAID, actor=actor,
        data={"method": method, "amount_fen": amount_fen, "source": source},
    )
    return PaidResult(order=order, changed=True)

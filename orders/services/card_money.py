"""Card money that Stripe moved by itself: refunds made in Stripe's dashboard, and
disputes (chargebacks). Stripe is the truth for card money.

``card_money_apply`` takes what Stripe holds *now* for one PaymentIntent (its refunds and
disputes, re-read by the caller) and brings the shop to the same state. It is called by
``payment_card_sync`` for every event about a succeeded intent (``charge.refunded``,
``charge.dispute.*``, ``payment_intent.*``), by the catch-up task and by nothing else, so
the result does not depend on which events arrived, in which order, or how many times:

- A Stripe refund the shop does not know becomes a Refund row (source "stripe"). When
  the payment counted (it is the order's succeeded payment), the row has lines and
  ``refund_complete`` takes it off the amounts and appends negative ledger entries;
  otherwise (money of a late or second payment) it changes no counted amount. A refund
  whose metadata names one of our Refund rows (``shop_refund_id``) completes that row.
- A dispute is kept as a ``StripeDispute`` (the flag staff see in the admin) and written
  on the order's timeline when it opens and whenever its status changes. A *lost*
  dispute of a counted payment is recorded once as a Refund (source "dispute") with the
  same effect as a refund. Nothing is taken while a dispute is open, so a won dispute
  restores nothing: the net of withdrawn-then-reinstated funds is zero.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import (
    Order,
    OrderEventKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundLine,
    RefundSource,
    RefundStatus,
    StripeDispute,
)
from orders.services.refunds import _allocate, refund_complete, refund_fail
from orders.services.status import order_event_record, order_lock
from orders.stripe.payments import DisputeData, RefundData, stripe_refunds_list
from shop.common.money import format_yuan

LOST = "lost"
CLOSED_STATUSES = frozenset({"won", "lost", "warning_closed", "prevented"})


def card_money_apply(*, payment: Payment, refunds: list[RefundData], disputes: list[DisputeData]) -> list[str]:
    """Apply Stripe's refunds and disputes of ``payment`` (in the caller's transaction;
    the order row is locked here). Returns what changed (empty: nothing)."""
    order = order_lock(order_id=payment.order_id)
    payment.refresh_from_db()
    changes: list[str] = []
    for refund in sorted(refunds, key=lambda r: r.id):
        if refund.taken:
            changes += _apply_refund(order=order, payment=payment, data=refund)
    for dispute in sorted(disputes, key=lambda d: d.id):
        changes += _apply_dispute(order=order, payment=payment, data=dispute)
    return changes


def _counted(order: Order, payment: Payment) -> bool:
    """The payment is the one the order counts (its succeeded card payment)."""
    return payment.status == PaymentStatus.SUCCEEDED and order.payment_method == PaymentMethod.STRIPE


def _left(order: Order) -> int:
    """What can still be taken off the order: paid, less refunded, less refunds in progress."""
    pending_by_refund = dict(
        Refund.objects.filter(order=order, status=RefundStatus.PENDING, lines__isnull=False)
        .values_list("pk", "amount_fen").distinct()
    )
    pending = sum(pending_by_refund.values())
    return max(0, order.paid_fen - order.refunded_fen - pending)


def _record(*, order: Order, payment: Payment, amount_fen: int, source: str, reason: str, key: str,
            stripe_refund_id: str | None = None, stripe_dispute_id: str | None = None) -> Refund:
    """A Refund that Stripe has already made, completed at once (with lines only when the
    payment counted: then it leaves the amounts and the ledger)."""
    counted = _counted(order, payment)
    take = min(amount_fen, _left(order)) if counted else 0
    refund = Refund.objects.create(
        order=order, method=PaymentMethod.STRIPE, payment=payment, source=source, amount_fen=amount_fen,
        reason=reason[:255], idempotency_key=key[:64], stripe_refund_id=stripe_refund_id,
        stripe_dispute_id=stripe_dispute_id,
    )
    if take > 0:
        allocation = _allocate(list(order.lines.order_by("id")), take)
        RefundLine.objects.bulk_create(
            RefundLine(refund=refund, order_line_id=k, amount_fen=v) for k, v in allocation.items()
        )
    refund_complete(refund_id=refund.pk)
    order.refresh_from_db()
    return refund


def _apply_refund(*, order: Order, payment: Payment, data: RefundData) -> list[str]:
    known = Refund.objects.filter(stripe_refund_id=data.id).first()
    if known is None and data.metadata.get("shop_refund_id", "").isdigit():
        known = Refund.objects.filter(
            pk=int(data.metadata["shop_refund_id"]), order=order, stripe_refund_id__isnull=True
        ).first()
    if known is not None:
        if known.status == RefundStatus.SUCCEEDED:
            return []
        refund_complete(refund_id=known.pk, stripe_refund_id=data.id)
        order.refresh_from_db()
        return ["refund_completed"]
    automatic = data.metadata.get("shop_auto_refund") == payment.stripe_payment_intent_id
    _record(
        order=order, payment=payment, amount_fen=data.amount, key=f"stripe-{data.id}", stripe_refund_id=data.id,
        source=RefundSource.AUTOMATIC if automatic else RefundSource.STRIPE,
        reason=_("Refunded in Stripe's dashboard (%(refund)s).") % {"refund": data.id},
    )
    return ["stripe_refund_recorded"]


def _dispute_message(data: DisputeData) -> str:
    amount = format_yuan(data.amount)
    if data.status == LOST:
        return _("The card dispute was lost: %(amount)s went back to the cardholder and leaves the tally.") % {
            "amount": amount}
    if data.status == "won":
        return _("The card dispute was won: the payment stands and nothing is taken off.")
    return _("The cardholder disputed %(amount)s of the card payment (reason: %(reason)s; status at Stripe: "
             "%(status)s). Answer it in Stripe's dashboard.") % {
        "amount": amount, "reason": data.reason or "-", "status": data.status}


def _apply_dispute(*, order: Order, payment: Payment, data: DisputeData) -> list[str]:
    row = StripeDispute.objects.select_for_update().filter(dispute_id=data.id).first()
    changes: list[str] = []
    if row is None or (row.status, row.amount_fen) != (data.status, data.amount):
        if row is None:
            row = StripeDispute(dispute_id=data.id, payment=payment, order=order)
        row.status, row.amount_fen, row.reason = data.status, data.amount, data.reason
        row.save()
        order_event_record(
            order=order, kind=OrderEventKind.DISPUTED, message=_dispute_message(data), notify=False,
            data={"dispute": data.id, "status": data.status, "amount_fen": data.amount,
                  "payment_intent": payment.stripe_payment_intent_id},
        )
        changes.append(f"dispute:{data.status}")
    if data.status == LOST and row.loss_id is None and _counted(order, payment):
        row.loss = _record(
            order=order, payment=payment, amount_fen=data.amount, key=f"dispute-{data.id}",
            stripe_dispute_id=data.id, source=RefundSource.DISPUTE,
            reason=_("Card dispute lost (%(dispute)s).") % {"dispute": data.id},
        )
        row.save(update_fields=["loss", "updated_at"])
        changes.append("dispute_loss_recorded")
    return changes


def card_refund_resolve_stale(*, refund: Refund) -> str:
    """A refund claimed for Stripe long ago and still pending (the process died during the
    call): complete it if Stripe made it, otherwise release it as failed (it can be sent
    again). Returns what was done."""
    payment = refund.payment or refund.order.payments.filter(status=PaymentStatus.SUCCEEDED).first()
    if payment is None or not payment.stripe_payment_intent_id:
        refund_fail(refund_id=refund.pk)
        return "failed"
    found = [
        r for r in stripe_refunds_list(payment_intent_id=payment.stripe_payment_intent_id)
        if r.metadata.get("shop_refund_id") == str(refund.pk) and r.taken
    ]
    if found:
        refund_complete(refund_id=refund.pk, stripe_refund_id=found[0].id)
        return "completed"
    refund_fail(refund_id=refund.pk)
    return "failed"


def stale_claimed_refunds(*, older_than: timedelta) -> QuerySet[Refund]:
    return Refund.objects.filter(
        method=PaymentMethod.STRIPE, status=RefundStatus.PENDING, stripe_claimed_at__lt=timezone.now() - older_than
    ).select_related("order", "payment").order_by("pk")


def open_disputes() -> QuerySet[StripeDispute]:
    return StripeDispute.objects.exclude(status__in=CLOSED_STATUSES).select_related("payment").order_by("pk")

"""The shop's card money against Stripe's, to the fen (``manage.py stripe_reconcile`` and
the nightly task).

For every card payment: the intent exists at Stripe for the same amount; a payment the
shop counts succeeded at Stripe, and money Stripe took is either counted or refunded
automatically; a payment still pending in the shop is not already settled at Stripe. For
each intent that succeeded: the refunds (id and amount) are the same on both sides, every
dispute has the same status and amount, a lost one is recorded as a loss of its amount, and
what the order keeps (paid less refunded) equals what Stripe kept (amount less refunds less
lost disputes). Returns one line per difference.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from orders.models import (
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundSource,
    RefundStatus,
    StripeDispute,
)
from orders.stripe.payments import (
    stripe_disputes_list,
    stripe_payment_intent_retrieve,
    stripe_refunds_list,
)

SETTLED_AT_STRIPE = {"succeeded", "canceled"}


def stripe_reconcile(*, days: int | None = None) -> list[str]:
    payments = Payment.objects.filter(method=PaymentMethod.STRIPE, stripe_payment_intent_id__isnull=False)
    if days is not None:
        payments = payments.filter(created_at__gte=timezone.now() - timedelta(days=days))
    problems: list[str] = []
    for payment in payments.select_related("order").order_by("pk").iterator(chunk_size=200):
        problems += _payment_differences(payment)
    return problems


def _payment_differences(payment: Payment) -> list[str]:
    pi_id, order = payment.stripe_payment_intent_id, payment.order
    assert pi_id is not None  # stripe_reconcile() reads only payments with an intent
    where = f"order {order.number} payment {payment.pk} ({pi_id})"
    pi = stripe_payment_intent_retrieve(payment_intent_id=pi_id)
    if pi is None:
        return [f"{where}: unknown at Stripe"]
    problems = []
    if pi.amount != payment.amount_fen:
        problems.append(f"{where}: amount {payment.amount_fen} fen in the shop, {pi.amount} fen at Stripe")
    counted = payment.status == PaymentStatus.SUCCEEDED
    if counted and pi.status != "succeeded":
        problems.append(f"{where}: succeeded in the shop, {pi.status} at Stripe")
    if payment.status == PaymentStatus.PENDING and pi.status in SETTLED_AT_STRIPE:
        problems.append(f"{where}: pending in the shop, {pi.status} at Stripe")
    if pi.status != "succeeded":
        return problems
    refunds = [r for r in stripe_refunds_list(payment_intent_id=pi_id) if r.taken]
    problems += _refund_differences(where, payment, {r.id: r.amount for r in refunds})
    disputes = stripe_disputes_list(payment_intent_id=pi_id)
    problems += _dispute_differences(where, payment, disputes)
    lost = sum(d.amount for d in disputes if d.status == "lost")
    held = pi.amount - sum(r.amount for r in refunds) - lost
    deciding = any(d.status not in ("won", "lost", "warning_closed") for d in disputes)
    if not counted and held > 0 and not deciding:
        problems.append(f"{where}: Stripe holds {held} fen of it, the shop neither counts nor refunded it")
    if counted and order.payment_method == PaymentMethod.STRIPE and order.paid_fen - order.refunded_fen != held:
        problems.append(f"{where}: the order keeps {order.paid_fen - order.refunded_fen} fen, Stripe kept {held} fen")
    return problems


def _refund_differences(where: str, payment: Payment, at_stripe: dict[str, int]) -> list[str]:
    ours = Refund.objects.filter(
        Q(payment=payment) | Q(stripe_refund_id__in=list(at_stripe)), method=PaymentMethod.STRIPE,
        status=RefundStatus.SUCCEEDED,
    ).exclude(source=RefundSource.DISPUTE)
    shop = {}
    problems = []
    for refund in ours:
        if not refund.stripe_refund_id:
            problems.append(f"{where}: refund {refund.pk} ({refund.amount_fen} fen) succeeded with no Stripe refund")
        else:
            shop[refund.stripe_refund_id] = refund.amount_fen
    for refund_id in sorted(set(shop) | set(at_stripe)):
        mine, theirs = shop.get(refund_id), at_stripe.get(refund_id)
        if mine != theirs:
            problems.append(
                f"{where}: refund {refund_id} is {_fen(mine)} in the shop, {_fen(theirs)} at Stripe"
            )
    return problems


def _dispute_differences(where: str, payment: Payment, disputes: list) -> list[str]:
    ours = {d.dispute_id: d for d in StripeDispute.objects.filter(payment=payment).select_related("loss")}
    problems = []
    for dispute in disputes:
        row = ours.pop(dispute.id, None)
        if row is None:
            problems.append(f"{where}: dispute {dispute.id} ({dispute.status}, {dispute.amount} fen) unknown in the shop")
            continue
        if (row.status, row.amount_fen) != (dispute.status, dispute.amount):
            problems.append(
                f"{where}: dispute {dispute.id} is {row.status}/{row.amount_fen} fen in the shop, "
                f"{dispute.status}/{dispute.amount} fen at Stripe"
            )
        counted = payment.status == PaymentStatus.SUCCEEDED
        loss = row.loss.amount_fen if row.loss is not None and row.loss.status == RefundStatus.SUCCEEDED else None
        if dispute.status == "lost" and counted and loss != dispute.amount:
            problems.append(f"{where}: dispute {dispute.id} lost {dispute.amount} fen, the shop recorded {_fen(loss)}")
        if dispute.status != "lost" and loss is not None:
            problems.append(f"{where}: dispute {dispute.id} is {dispute.status} at Stripe, the shop recorded a loss")
    problems += [f"{where}: dispute {dispute_id} not at Stripe" for dispute_id in sorted(ours)]
    return problems


def _fen(value: int | None) -> str:
    return "absent" if value is None else f"{value} fen"

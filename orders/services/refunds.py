"""Refunds, full or partial, back the way the money came.

Two steps so no lock is held while Stripe is called: (1) in one transaction, check the
amounts against what is left to refund and write a pending ``Refund`` with its lines;
(2) refund through Stripe (idempotency key ``refund-<id>``) or take the bank reference of
the transfer back; (3) in a second transaction ``refund_complete`` marks it succeeded,
adds to the refunded amounts and appends the negative ledger entries. Each step is
idempotent, so a retry after a crash finishes the same refund instead of making another.

A refund is sent to Stripe once: before the call, one conditional UPDATE claims the row
(``stripe_claimed_at``); a double click or a concurrent request with the same
idempotency key finds it claimed and returns the refund as it stands, without calling
Stripe (the idempotency key alone is not enough: a server that ignores it — localstripe —
or a key that expired would refund twice). The Stripe refund carries ``shop_refund_id`` in
its metadata, so a ``charge.refunded`` webhook or the catch-up task that sees it first
completes this row rather than recording another.
"""

from __future__ import annotations

import time

from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import (
    FulfilmentStatus,
    Order,
    OrderEventKind,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundLine,
    RefundStatus,
)
from orders.services.checkout import stock_release
from orders.services.ledger import ledger_record_refund
from orders.services.status import order_event_record, order_lock, order_transition
from orders.stripe.payments import StripeUnavailable, stripe_refund_create
from shop.accounts.models import User

E = OrderErrorCode
COMPLETE_ATTEMPTS = 5
REFUNDABLE = {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.ACCEPTED}


def _allocate(lines: list[OrderLine], amount_fen: int) -> dict[int, int]:
    """Spread ``amount_fen`` over the lines in order, each up to what is left of it."""
    allocation: dict[int, int] = {}
    left = amount_fen
    for line in lines:
        take = min(left, line.total_fen - line.refunded_fen)
        if take > 0:
            allocation[line.pk] = take
            left -= take
    return allocation


def _parse_amount(raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ValidationError({"amount": ValidationError(_("Enter an amount in fen as a whole number."), code=E.INVALID_AMOUNT.value)})
    if raw <= 0:
        raise ValidationError({"amount": ValidationError(_("The amount must be positive."), code=E.INVALID_AMOUNT.value)})
    return raw


def refund_start(
    *, actor: User, order: Order, reason: str, idempotency_key: str, amount_fen: object = None,
    line_amounts: dict[int, int] | None = None, bank_reference: str = "",
) -> Refund:
    """Write the pending refund (step 1). ``amount_fen`` None and no ``line_amounts``: all
    that is left. The same ``idempotency_key`` returns the refund made the first time."""
    reason = (reason or "").strip()[:255]
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code=E.REQUIRED.value)})
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        existing = Refund.objects.filter(order=locked, idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        if locked.status not in REFUNDABLE:
            raise ValidationError(_("Only a paid order can be refunded."), code=E.INVALID_TRANSITION.value)
        lines = list(locked.lines.order_by("id"))
        if line_amounts:
            by_id = {line.pk: line for line in lines}
            allocation = {}
            for line_id, raw in line_amounts.items():
                line = by_id.get(int(line_id))
                if line is None:
                    raise ValidationError({"lines": ValidationError(_("That line is not part of this order."), code=E.NOT_FOUND.value)})
                value = _parse_amount(raw)
                if value > line.total_fen - line.refunded_fen:
                    raise ValidationError({"lines": ValidationError(_("%(name)s: more than is left to refund on this line.") % {"name": line.product_name}, code=E.REFUND_EXCEEDS_PAID.value)})
                allocation[line.pk] = value
        else:
            left = locked.paid_fen - locked.refunded_fen
            amount = left if amount_fen is None else _parse_amount(amount_fen)
            if amount <= 0 or amount > left:
                raise ValidationError({"amount": ValidationError(_("At most %(left)s fen is left to refund.") % {"left": left}, code=E.REFUND_EXCEEDS_PAID.value)})
            allocation = _allocate(lines, amount)
        total = sum(allocation.values())
        pending = sum(Refund.objects.filter(order=locked, status=RefundStatus.PENDING).values_list("amount_fen", flat=True))
        if total + pending > locked.paid_fen - locked.refunded_fen:
            raise ValidationError({"amount": ValidationError(_("Another refund of this order is in progress."), code=E.REFUND_EXCEEDS_PAID.value)})
        method = locked.payment_method or PaymentMethod.BANK_TRANSFER
        card = locked.payments.filter(status=PaymentStatus.SUCCEEDED, method=PaymentMethod.STRIPE).first()
        refund = Refund.objects.create(
            order=locked, method=method, amount_fen=total, payment=card if method == PaymentMethod.STRIPE else None,
            reason=reason, idempotency_key=idempotency_key, created_by=actor if getattr(actor, "is_authenticated", False) else None,
            bank_reference=(bank_reference or "").strip()[:64],
        )
        RefundLine.objects.bulk_create(RefundLine(refund=refund, order_line_id=k, amount_fen=v) for k, v in allocation.items())
    return refund


@transaction.atomic
def refund_complete(*, refund_id: int, actor: User | None = None, stripe_refund_id: str | None = None) -> Refund:
    """Step 3: the money went back. Idempotent. A refund without lines gives back money
    the order never counted (a late or second card payment): it changes no amounts."""
    refund = Refund.objects.select_related("order").get(pk=refund_id)
    order = order_lock(order_id=refund.order_id)
    refund = Refund.objects.select_for_update().get(pk=refund_id)
    if refund.status == RefundStatus.SUCCEEDED:
        return refund
    refund.status = RefundStatus.SUCCEEDED
    refund.completed_at = timezone.now()
    if stripe_refund_id:
        refund.stripe_refund_id = stripe_refund_id
    refund.save(update_fields=["status", "completed_at", "stripe_refund_id"])
    rlines = list(refund.lines.all())
    if not rlines:
        order_event_record(
            order=order, kind=OrderEventKind.REFUNDED, actor=actor or refund.created_by, message=refund.reason,
            data={"amount_fen": refund.amount_fen, "method": refund.method, "refund_id": refund.pk,
                  "source": refund.source, "counted": False},
        )
        return refund
    for rline in rlines:
        OrderLine.objects.filter(pk=rline.order_line_id).update(refunded_fen=F("refunded_fen") + rline.amount_fen)
    order.refunded_fen += sum(rline.amount_fen for rline in rlines)
    fully = order.refunded_fen == order.paid_fen
    shipped = order.fulfilments.filter(status__in=[FulfilmentStatus.SHIPPED, FulfilmentStatus.ACCEPTED]).exists()
    if fully:
        # Everything is paid back: the parts not shipped yet will never ship, so their
        # units go back on sale and the parts are cancelled. Nothing shipped at all: the
        # order is cancelled; otherwise it ends refunded.
        stock_release(order=order)
        order.fulfilments.exclude(
            status__in=[FulfilmentStatus.SHIPPED, FulfilmentStatus.ACCEPTED]
        ).update(status=FulfilmentStatus.CANCELLED)
        if order.status == OrderStatus.PAID and not shipped:
            order.cancel_reason = order.cancel_reason or refund.reason
            order_transition(order=order, status=OrderStatus.CANCELLED, update_fields=["refunded_fen", "cancel_reason"])
        else:
            order_transition(order=order, status=OrderStatus.REFUNDED, update_fields=["refunded_fen"])
    else:
        order.save(update_fields=["refunded_fen", "updated_at"])
    ledger_record_refund(refund=refund)
    order_event_record(
        order=order, kind=OrderEventKind.REFUNDED, actor=actor or refund.created_by, message=refund.reason,
        data={"amount_fen": refund.amount_fen, "method": refund.method, "refund_id": refund.pk, "source": refund.source},
    )
    if fully and order.status == OrderStatus.CANCELLED:
        order_event_record(order=order, kind=OrderEventKind.CANCELLED, actor=actor or refund.created_by, message=refund.reason, notify=False)
    return refund


def refund_fail(*, refund_id: int) -> Refund:
    Refund.objects.filter(pk=refund_id, status=RefundStatus.PENDING).update(
        status=RefundStatus.FAILED, stripe_claimed_at=None
    )
    return Refund.objects.get(pk=refund_id)


def refund_execute(*, refund: Refund, actor: User | None = None) -> Refund:
    """Step 2 and 3: send the money back the way it came, then complete."""
    if refund.status == RefundStatus.SUCCEEDED:
        return refund
    if refund.method == PaymentMethod.STRIPE:
        return _refund_through_stripe(refund=refund, actor=actor)
    return refund_complete(refund_id=refund.pk, actor=actor)


def _refund_through_stripe(*, refund: Refund, actor: User | None = None) -> Refund:
    """Claim the refund, then make the one Stripe call. The claim is committed before the
    call (outside any caller transaction it is its own statement); a concurrent claimant's
    UPDATE waits for it on PostgreSQL and then matches no row."""
    claimed = Refund.objects.filter(
        pk=refund.pk, status__in=[RefundStatus.PENDING, RefundStatus.FAILED], stripe_claimed_at__isnull=True
    ).update(stripe_claimed_at=timezone.now(), status=RefundStatus.PENDING)
    if not claimed:
        return Refund.objects.get(pk=refund.pk)  # another request is refunding it (or has)
    payment = refund.payment or refund.order.payments.filter(status=PaymentStatus.SUCCEEDED).first()
    try:
        if payment is None or not payment.stripe_payment_intent_id:
            raise StripeUnavailable("no card payment to refund")
        stripe_id = stripe_refund_create(
            payment_intent_id=payment.stripe_payment_intent_id, amount_fen=refund.amount_fen,
            idempotency_key=f"refund-{refund.pk}", metadata={"shop_refund_id": str(refund.pk)},
        )
    except StripeUnavailable as exc:
        Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
            status=RefundStatus.FAILED, stripe_claimed_at=None
        )
        raise ValidationError(
            _("Stripe did not accept the refund; nothing was refunded. Try again later."),
            code=E.REFUND_FAILED.value,
        ) from exc
    # Stripe has refunded: record it even if the database is briefly busy (a deadlock, a
    # locked SQLite). Should it still fail, the catch-up task finds the refund at Stripe
    # by its metadata and completes this row.
    for attempt in range(COMPLETE_ATTEMPTS):
        try:
            return refund_complete(refund_id=refund.pk, actor=actor, stripe_refund_id=stripe_id)
        except OperationalError:
            if attempt == COMPLETE_ATTEMPTS - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def order_refund(
    *, actor: User, order: Order, reason: str, idempotency_key: str, amount_fen: object = None,
    line_amounts: dict[int, int] | None = None, bank_reference: str = "",
) -> Refund:
    """Staff refund (full or partial). For bank transfers, ``bank_reference`` is the
    reference of the transfer back to the buyer."""
    if not getattr(actor, "is_staff", False):
        raise ValidationError(_("Only platform staff can refund."), code=E.PERMISSION_DENIED.value)
    refund = refund_start(
        actor=actor, order=order, reason=reason, idempotency_key=idempotency_key,
        amount_fen=amount_fen, line_amounts=line_amounts, bank_reference=bank_reference,
    )
    return refund_execute(refund=refund, actor=actor)


def order_refund_full(*, actor: User, order: Order, reason: str, idempotency_key: str) -> Refund:
    """Everything back (a buyer's cancellation of a paid, unshipped order)."""
    refund = refund_start(actor=actor, order=order, reason=reason, idempotency_key=idempotency_key)
    return refund_execute(refund=refund, actor=actor)

"""Card payment through Stripe: start a PaymentIntent, and apply what Stripe says about it.

Trust comes only from Stripe itself: ``payment_card_sync`` re-reads the PaymentIntent from
the Stripe API (the webhook payload and the browser's redirect are never believed) and
marks the order paid only when the intent succeeded in CNY for exactly the order total.
Money that arrives for an order that can no longer take it (cancelled meanwhile, already
paid another way, wrong amount) is refunded through Stripe at once and never counted.

Idempotency: the PaymentIntent is created with the key ``order-<id>-pi-<n>`` (n = the
order's card attempts so far + 1), so two concurrent starts get one intent at Stripe; the
intent id is unique on ``Payment``. Applying an intent twice is harmless: the paid
transition is idempotent, a failure is recorded only while the payment is pending, and an
automatic refund only once per intent (its ``Refund`` row, source "automatic", is the
marker; it has no lines, so it changes no counted amount).

For a succeeded intent the sync also re-reads its refunds and disputes and applies them
(``orders.services.card_money``): a refund made in Stripe's dashboard or a lost dispute ends
as Refund rows and negative ledger entries, whichever event brought us there.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import (
    Order,
    OrderEvent,
    OrderEventKind,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundSource,
    RefundStatus,
    StripeEvent,
)
from orders.services.card_money import card_money_apply
from orders.services.payments import order_check_payable, order_mark_paid
from orders.services.status import order_event_record, order_lock
from orders.stripe.client import card_payments_enabled
from orders.stripe.payments import (
    CURRENCY,
    MAX_CHARGE_FEN,
    PAYABLE_STATUSES,
    PaymentIntentData,
    RefundData,
    StripeUnavailable,
    stripe_disputes_list,
    stripe_payment_intent_cancel,
    stripe_payment_intent_create,
    stripe_payment_intent_retrieve,
    stripe_refund_create,
    stripe_refunds_list,
)
from shop.accounts.models import User
from shop.accounts.selectors import membership_for

E = OrderErrorCode


def _unavailable() -> ValidationError:
    return ValidationError(
        {"payment": ValidationError(
            _("Card payment is not available right now. Please pay by bank transfer or try again later."),
            code=E.PAYMENT_UNAVAILABLE.value,
        )}
    )


def payment_card_start(*, actor: User, order: Order) -> Payment:
    """The pending card payment of ``order`` (its PaymentIntent's client secret goes to
    Stripe.js). Reuses the pending intent while the buyer can still pay with it."""
    if not card_payments_enabled():
        raise _unavailable()
    if membership_for(user=actor, organization_id=order.organization_id) is None:
        raise ValidationError(
            {"order": ValidationError(_("You cannot pay for this order."), code=E.PERMISSION_DENIED.value)}
        )
    order = Order.objects.get(pk=order.pk)
    order_check_payable(order=order)
    if order.total_fen > MAX_CHARGE_FEN:
        raise ValidationError(
            {"payment": ValidationError(
                _("A card payment can be at most ¥999,999.99 (Stripe's limit per charge); this order is "
                  "¥%(total)s. Please pay by bank transfer (对公转账).") % {"total": f"{order.total_fen / 100:,.2f}"},
                code=E.CARD_AMOUNT_TOO_LARGE.value,
            )}
        )

    pending = (
        Payment.objects.filter(order=order, method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING)
        .order_by("-id").first()
    )
    if pending is not None:
        reused = _reuse_pending(pending=pending, order=order)
        if reused is not None:
            return reused

    attempt = Payment.objects.filter(order=order, method=PaymentMethod.STRIPE).count() + 1
    try:
        pi = stripe_payment_intent_create(
            amount_fen=order.total_fen,
            metadata={"order_id": str(order.pk), "order_number": order.number},
            idempotency_key=f"order-{order.pk}-pi-{attempt}",
        )
    except StripeUnavailable as exc:
        raise _unavailable() from exc

    try:
        payment = _record_started(actor=actor, order=order, pi=pi)
    except ValidationError:
        # Cancelled or paid while we were talking to Stripe: the new intent is not needed.
        stripe_payment_intent_cancel(payment_intent_id=pi.id)
        raise
    if payment.stripe_payment_intent_id != pi.id:
        stripe_payment_intent_cancel(payment_intent_id=pi.id)
    return payment


def _record_started(*, actor: User, order: Order, pi: PaymentIntentData) -> Payment:
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        order_check_payable(order=locked)
        payment = Payment.objects.filter(stripe_payment_intent_id=pi.id).first()
        if payment is None:
            other = (
                Payment.objects.filter(order=locked, method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING)
                .order_by("-id").first()
            )
            if other is not None:
                # A concurrent start won (possible only where Stripe ignores idempotency keys).
                payment = other
            else:
                payment = Payment.objects.create(
                    order=locked, method=PaymentMethod.STRIPE, status=PaymentStatus.PENDING,
                    amount_fen=pi.amount, stripe_payment_intent_id=pi.id, stripe_client_secret=pi.client_secret,
                )
                order_event_record(
                    order=locked, kind=OrderEventKind.PAYMENT_STARTED, actor=actor,
                    data={"payment_intent": pi.id, "amount_fen": pi.amount}, notify=False,
                )
    return payment


def _reuse_pending(*, pending: Payment, order: Order) -> Payment | None:
    """The pending payment when its intent can still be paid for the right amount; otherwise
    close it (cancel at Stripe) and return None so that a new intent is made."""
    pending_pi_id = pending.stripe_payment_intent_id
    try:
        # A card payment row is only made with its intent (``_record_started``).
        pi = stripe_payment_intent_retrieve(payment_intent_id=pending_pi_id) if pending_pi_id else None
    except StripeUnavailable as exc:
        raise _unavailable() from exc
    if pi is not None and pi.amount == order.total_fen and pi.currency == CURRENCY:
        if pi.status in PAYABLE_STATUSES or pi.status == "processing":
            return pending
        if pi.status == "succeeded":
            # Paid, but the webhook has not arrived yet: apply it now (re-read from Stripe).
            payment_card_sync(payment_intent_id=pi.id)
            order_check_payable(order=Order.objects.get(pk=order.pk))
            return pending
    if pi is not None and pi.status not in ("canceled", "succeeded"):
        if not stripe_payment_intent_cancel(payment_intent_id=pi.id):
            payment_card_sync(payment_intent_id=pi.id)
            order_check_payable(order=Order.objects.get(pk=order.pk))
    Payment.objects.filter(pk=pending.pk, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
    return None


def payment_card_sync(*, payment_intent_id: str, stripe_event_id: str | None = None) -> str:
    """Re-read the PaymentIntent from Stripe and apply it; returns what was done.

    With ``stripe_event_id`` (a stored ``StripeEvent``), the event is claimed and marked
    processed in the same transaction as the effect; a second delivery finds it processed
    and returns ``"duplicate"``. The claim is a conditional UPDATE, which serialises
    concurrent deliveries on PostgreSQL (row lock) and on SQLite (the write lock).
    Raises ``StripeUnavailable`` when Stripe cannot be asked (the webhook answers 503 and
    Stripe delivers again later)."""
    pi = stripe_payment_intent_retrieve(payment_intent_id=payment_intent_id)
    refunds, disputes = [], []
    if pi is not None and pi.status == "succeeded":
        # Read before the transaction, so that no lock is held while Stripe answers.
        refunds = stripe_refunds_list(payment_intent_id=pi.id)
        disputes = stripe_disputes_list(payment_intent_id=pi.id)
    with transaction.atomic():
        if stripe_event_id is not None:
            claimed = StripeEvent.objects.filter(event_id=stripe_event_id, processed_at__isnull=True).update(
                processed_at=timezone.now()
            )
            if not claimed:
                return "duplicate"
        result = "unknown_payment_intent" if pi is None else _apply(
            pi, refunds=refunds, disputed=any(d.status != "won" for d in disputes)
        )
        if pi is not None and result != "unknown_payment_intent" and (refunds or disputes):
            payment = Payment.objects.get(stripe_payment_intent_id=pi.id)
            changes = card_money_apply(payment=payment, refunds=refunds, disputes=disputes)
            result = "+".join([result, *changes])
        if stripe_event_id is not None:
            StripeEvent.objects.filter(event_id=stripe_event_id).update(result=result[:255])
    return result


def _apply(pi: PaymentIntentData, refunds: list[RefundData] | None = None, disputed: bool = False) -> str:
    # Only intents we recorded count: the buyer can only pay one through the client secret
    # stored on its Payment, so an intent without one is not ours (another shop or
    # environment on the same Stripe account) and its metadata is not believed.
    payment = Payment.objects.filter(stripe_payment_intent_id=pi.id).first()
    if payment is None:
        return "unknown_payment_intent"
    if pi.status == "succeeded":
        return _apply_success(payment=payment, pi=pi, refunds=refunds or [], disputed=disputed)
    if pi.failed:
        return _apply_failure(payment=payment, pi=pi)
    return f"no_change:{pi.status}"


def _apply_success(*, payment: Payment, pi: PaymentIntentData, refunds: list[RefundData], disputed: bool) -> str:
    order = order_lock(order_id=payment.order_id)
    payment.refresh_from_db()
    if payment.status == PaymentStatus.SUCCEEDED:
        return "already_paid"
    if pi.currency != CURRENCY or pi.amount != order.total_fen:
        return _refund_unusable(order=order, payment=payment, pi=pi, refunds=refunds, disputed=disputed, reason=E.INVALID_AMOUNT.value)
    try:
        with transaction.atomic():
            result = order_mark_paid(
                order_id=order.pk, method=PaymentMethod.STRIPE, amount_fen=pi.amount, payment=payment, source="stripe"
            )
    except ValidationError as exc:
        return _refund_unusable(order=order, payment=payment, pi=pi, refunds=refunds, disputed=disputed, reason=str(getattr(exc, "code", "") or "not_payable"))
    if not result.changed:
        # The order had been paid another way (bank transfer or another intent): a double payment.
        return _refund_unusable(order=order, payment=payment, pi=pi, refunds=refunds, disputed=disputed, reason=E.ALREADY_PAID.value)
    return "paid"


def _refund_unusable(
    *, order: Order, payment: Payment, pi: PaymentIntentData, refunds: list[RefundData], disputed: bool, reason: str
) -> str:
    """Send the money of ``pi`` straight back (order row locked by the caller) and record it
    as a Refund without lines (never counted, so it changes no amount or ledger entry).
    Done once per intent: that Refund row is the marker (or, for payments refunded before
    refunds were rows, the REFUNDED event). The Stripe call runs inside the transaction on
    purpose: if it fails, nothing is recorded and the webhook is delivered again; the
    refund carries ``shop_auto_refund`` in its metadata, so if our commit failed after it,
    the next sync finds it at Stripe instead of refunding again."""
    done = Refund.objects.filter(payment=payment, source=RefundSource.AUTOMATIC).exists() or OrderEvent.objects.filter(
        order=order, kind=OrderEventKind.REFUNDED, data__payment_intent=pi.id, data__automatic=True
    ).exists()
    if done:
        return "refunded_already"
    made = next((r for r in refunds if r.metadata.get("shop_auto_refund") == pi.id and r.taken), None)
    # What Stripe still holds of it: refunds made in the dashboard meanwhile are recorded
    # as they are; a charge under dispute (or lost) cannot be refunded: the dispute settles
    # it, and once won the next sync (its closing event) refunds what is left.
    left = pi.amount - sum(r.amount for r in refunds if r.taken)
    if made is None and (left <= 0 or disputed):
        Payment.objects.filter(pk=payment.pk).exclude(status=PaymentStatus.SUCCEEDED).update(
            status=PaymentStatus.CANCELLED
        )
        return "not_refundable_at_stripe"
    amount = made.amount if made is not None else left
    refund_id = made.id if made is not None else stripe_refund_create(
        payment_intent_id=pi.id, amount_fen=amount, idempotency_key=f"{pi.id}-auto-refund",
        metadata={"shop_auto_refund": pi.id},
    )
    Payment.objects.filter(pk=payment.pk).exclude(status=PaymentStatus.SUCCEEDED).update(
        status=PaymentStatus.CANCELLED
    )
    if reason == E.ALREADY_PAID.value:
        message = _("This order had already been paid; the second card payment was refunded automatically.")
    elif reason == E.INVALID_AMOUNT.value:
        message = _("The card payment did not match the order total; it was refunded automatically.")
    else:
        message = _("The card payment arrived after the order was cancelled; it was refunded automatically.")
    refund = Refund.objects.create(
        order=order, method=PaymentMethod.STRIPE, payment=payment, source=RefundSource.AUTOMATIC,
        status=RefundStatus.SUCCEEDED, amount_fen=amount, reason=message[:255],
        idempotency_key=f"auto-{pi.id}"[:64], stripe_refund_id=refund_id, completed_at=timezone.now(),
    )
    order_event_record(
        order=order, kind=OrderEventKind.REFUNDED, message=message,
        data={
            "payment_intent": pi.id, "stripe_refund_id": refund_id, "amount_fen": amount,
            "method": PaymentMethod.STRIPE.value, "automatic": True, "reason": reason, "refund_id": refund.pk,
        },
    )
    return "refunded"


def _apply_failure(*, payment: Payment, pi: PaymentIntentData) -> str:
    """Record a declined or cancelled attempt once, while the payment is still pending."""
    new_status = PaymentStatus.CANCELLED if pi.status == "canceled" else PaymentStatus.FAILED
    changed = Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(status=new_status)
    if not changed:
        return "no_change"
    order = Order.objects.get(pk=payment.order_id)
    order_event_record(
        order=order, kind=OrderEventKind.PAYMENT_FAILED, message=pi.last_error,
        data={"payment_intent": pi.id, "status": pi.status}, notify=False,
    )
    return "failed"


def payment_card_abandon(*, order_id: int) -> int:
    """Cancel at Stripe the pending card intents of an order that will not be paid
    (cancelled or expired); call it after that change has committed. An intent that
    succeeded meanwhile cannot be cancelled: it is applied instead (and so refunded).
    Returns how many intents were cancelled. Best effort: Stripe being down is not an error."""
    cancelled = 0
    # Cancelling the order already marks its pending payments cancelled in our database
    # (lifecycle); their intents may still be open at Stripe.
    open_ = Payment.objects.filter(
        order_id=order_id, method=PaymentMethod.STRIPE, status__in=[PaymentStatus.PENDING, PaymentStatus.CANCELLED]
    )
    for payment in list(open_):
        pi_id = payment.stripe_payment_intent_id
        if not pi_id:  # never the case: a card payment row is only made with its intent
            continue
        if stripe_payment_intent_cancel(payment_intent_id=pi_id):
            Payment.objects.filter(pk=payment.pk, status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
            cancelled += 1
            continue
        try:
            payment_card_sync(payment_intent_id=pi_id)
        except StripeUnavailable:
            pass
    return cancelled

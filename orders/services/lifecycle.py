"""Approval, cancellation and expiry of orders."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import FulfilmentStatus, Order, OrderEventKind, OrderStatus, PaymentStatus
from orders.services.card import payment_card_abandon
from orders.services.checkout import stock_release
from orders.services.refunds import order_refund_full
from orders.services.status import order_event_record, order_lock, order_transition
from shop.accounts.models import User
from shop.accounts.selectors import APPROVING_ROLES, membership_for

E = OrderErrorCode


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Give a reason."), code=E.REQUIRED.value)})
    if len(reason) > 255:
        raise ValidationError({"reason": ValidationError(_("At most %(n)s characters.") % {"n": 255}, code=E.INVALID.value)})
    return reason


def _check_approver(actor: User, order: Order) -> None:
    membership = membership_for(user=actor, organization_id=order.organization_id)
    if membership is None or membership.role not in APPROVING_ROLES:
        raise ValidationError(_("Only an approver of this organization can do this."), code=E.NOT_APPROVER.value)


@transaction.atomic
def order_approve(*, actor: User, order: Order) -> Order:
    """An approver (负责人) lets an order above the threshold go on to payment. A second
    click finds it already approved and changes nothing."""
    _check_approver(actor, order)
    order = order_lock(order_id=order.pk)
    if order.status != OrderStatus.PENDING_APPROVAL and order.approved_by_id:
        return order
    order.approved_by = actor
    order.approved_at = timezone.now()
    order.payment_due_at = order.approved_at + timedelta(hours=settings.ORDER_PAYMENT_HOURS)
    order_transition(
        order=order, status=OrderStatus.AWAITING_PAYMENT,
        update_fields=["approved_by", "approved_at", "payment_due_at"],
    )
    order_event_record(order=order, kind=OrderEventKind.APPROVED, actor=actor)
    return order


@transaction.atomic
def order_reject(*, actor: User, order: Order, reason: str) -> Order:
    """The approver turns the order down; its stock goes back on sale."""
    _check_approver(actor, order)
    reason = _reason(reason)
    order = order_lock(order_id=order.pk)
    if order.status == OrderStatus.CANCELLED:
        return order
    if order.status != OrderStatus.PENDING_APPROVAL:
        raise ValidationError(_("Only an order waiting for approval can be rejected."), code=E.INVALID_TRANSITION.value)
    _cancel_unpaid(order=order, actor=actor, reason=reason, kind=OrderEventKind.REJECTED)
    return order


def _cancel_unpaid(*, order: Order, actor: User | None, reason: str, kind: str) -> None:
    order.cancel_reason = reason
    order_transition(order=order, status=OrderStatus.CANCELLED, update_fields=["cancel_reason"])
    stock_release(order=order)
    order.fulfilments.update(status=FulfilmentStatus.CANCELLED)
    if order.payments.filter(status=PaymentStatus.PENDING, method="stripe").exists():
        # Close the open PaymentIntents at Stripe once the cancellation is committed (a late
        # card payment would still be refunded automatically; this avoids the attempt).
        order_id = order.pk
        transaction.on_commit(lambda: payment_card_abandon(order_id=order_id), robust=True)
    order.payments.filter(status=PaymentStatus.PENDING).update(status=PaymentStatus.CANCELLED)
    order_event_record(order=order, kind=kind, actor=actor, message=reason)


def can_cancel(*, actor: User, order: Order) -> bool:
    """The member who placed it, an approver or admin of the organization, or staff."""
    if getattr(actor, "is_staff", False):
        return True
    membership = membership_for(user=actor, organization_id=order.organization_id)
    if membership is None:
        return False
    return membership.role in APPROVING_ROLES or order.placed_by_id == actor.pk


def order_cancel(*, actor: User, order: Order, reason: str) -> Order:
    """Cancel before shipping. Unpaid: the stock is released. Paid: the whole amount is
    refunded the way it came (which also releases the stock). After any part has shipped,
    cancellation is refused: staff refund instead."""
    if not can_cancel(actor=actor, order=order):
        raise ValidationError(_("You cannot cancel this order."), code=E.PERMISSION_DENIED.value)
    reason = _reason(reason)
    with transaction.atomic():
        locked = order_lock(order_id=order.pk)
        if locked.status == OrderStatus.CANCELLED:
            return locked
        if locked.status in (OrderStatus.PENDING_APPROVAL, OrderStatus.AWAITING_PAYMENT):
            _cancel_unpaid(order=locked, actor=actor, reason=reason, kind=OrderEventKind.CANCELLED)
            return locked
        if locked.status != OrderStatus.PAID or locked.fulfilments.filter(
            status__in=[FulfilmentStatus.SHIPPED, FulfilmentStatus.ACCEPTED]
        ).exists():
            raise ValidationError(
                _("This order has already shipped and can no longer be cancelled; ask the platform for a refund."),
                code=E.ALREADY_SHIPPED.value,
            )
        locked.cancel_reason = reason
        locked.save(update_fields=["cancel_reason", "updated_at"])
    order_refund_full(actor=actor, order=locked, reason=reason, idempotency_key=f"cancel-{locked.pk}")
    return Order.objects.get(pk=locked.pk)


@transaction.atomic
def order_expire(*, order_id: int) -> bool:
    """Cancel an order left unpaid past its deadline (the beat task). True if it did."""
    order = order_lock(order_id=order_id)
    if order.status != OrderStatus.AWAITING_PAYMENT or not order.payment_due_at or order.payment_due_at > timezone.now():
        return False
    _cancel_unpaid(order=order, actor=None, reason=_("Not paid in time."), kind=OrderEventKind.EXPIRED)
    return True


def new_idempotency_key() -> str:
    return uuid.uuid4().hex

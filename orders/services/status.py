"""The order status pipeline (one place) and the order timeline.

Every state change goes through ``order_transition`` inside the caller's transaction, with
the order row locked (``order_lock``); it also keeps the products' sales counters in step
(``orders.services.product_stats``). Each change writes an ``OrderEvent``; the e-mail for
it is sent by a Celery task queued in the outbox (``enqueue_on_commit``), so a rolled-back
change never mails anybody.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import Order, OrderEvent, OrderEventKind, OrderStatus
from orders.services.product_stats import product_stats_order_status
from shop.common.outbox import enqueue_on_commit

S = OrderStatus
ORDER_TRANSITIONS: dict[str, set[str]] = {
    S.PENDING_APPROVAL: {S.AWAITING_PAYMENT, S.CANCELLED},
    S.AWAITING_PAYMENT: {S.PAID, S.CANCELLED},
    S.PAID: {S.SHIPPED, S.CANCELLED, S.REFUNDED},
    S.SHIPPED: {S.ACCEPTED, S.REFUNDED},
    S.ACCEPTED: {S.REFUNDED},
    S.CANCELLED: set(),
    S.REFUNDED: set(),
}

# Timestamps set when an order enters a status.
_STAMP: dict[str, str] = {S.PAID: "paid_at", S.SHIPPED: "shipped_at", S.ACCEPTED: "accepted_at", S.CANCELLED: "cancelled_at"}


def order_lock(*, order_id: int) -> Order:
    """Lock the order row for the rest of the transaction (a no-op lock on SQLite, whose
    writers are serialised anyway)."""
    return Order.objects.select_for_update().get(pk=order_id)


def order_transition(*, order: Order, status: str, update_fields: list[str] | None = None) -> Order:
    """Move ``order`` (already locked) to ``status`` or raise a ``ValidationError``."""
    if status not in ORDER_TRANSITIONS.get(order.status, set()):
        raise ValidationError(
            _("This order is “%(old)s” and cannot become “%(new)s”.")
            % {"old": S(order.status).label, "new": S(status).label},
            code=OrderErrorCode.INVALID_TRANSITION.value,
        )
    old_status = order.status
    order.status = status
    fields = ["status", "updated_at", *(update_fields or [])]
    stamp = _STAMP.get(status)
    if stamp:
        setattr(order, stamp, timezone.now())
        fields.append(stamp)
    order.save(update_fields=list(dict.fromkeys(fields)))
    product_stats_order_status(order=order, old_status=old_status, new_status=status)
    return order


def order_event_record(
    *, order: Order, kind: str, actor: Any = None, message: str = "",
    fulfilment: Any = None, data: dict[str, Any] | None = None, notify: bool = True,
) -> OrderEvent:
    """Append to the timeline; the notification for it goes out after commit."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    event = OrderEvent.objects.create(
        order=order, kind=kind, actor=user, message=(message or "")[:500],
        fulfilment=fulfilment, data=data or {},
    )
    if notify:
        enqueue_on_commit("orders.tasks.order_event_notify", event.pk)  # by name: tasks import services
    return event


__all__ = ["ORDER_TRANSITIONS", "OrderEventKind", "order_event_record", "order_lock", "order_transition"]

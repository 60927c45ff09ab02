"""Celery tasks for orders: take ids, call a service, safe to retry."""

from celery import shared_task


@shared_task
def order_event_notify(event_id: int) -> None:
    """E-mail the people concerned by an order event (filled in by the notifications work)."""
    from orders.notifications import order_event_send

    order_event_send(event_id=event_id)

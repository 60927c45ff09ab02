"""Celery tasks of shop.common: the outbox relay (beat, every ``OUTBOX_RELAY_SECONDS``)."""

from celery import shared_task

from shop.common.outbox import outbox_prune
from shop.common.outbox import outbox_relay as relay


@shared_task(acks_late=True, ignore_result=True)
def outbox_relay() -> int:
    """Publish the outbox rows a broker outage left pending, then prune old sent rows.
    Safe to run twice at once: rows are claimed one by one. Returns how many were sent."""
    sent = relay()
    outbox_prune()
    return sent

"""Celery tasks for orders: take ids, call a service, safe to retry.

Nothing in ``orders.services`` imports this module: services queue these tasks by name
through ``shop.common.outbox.enqueue_on_commit``, so the imports here sit at the top."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from orders.coverage_alerts import coverage_check
from orders.integrity_alerts import ledger_integrity_check
from orders.invoice_reminders import invoice_reminders_send
from orders.models import Order, OrderStatus
from orders.report_tasks import report_export_run  # noqa: F401  (registered here: Celery autodiscovers tasks.py only)
from orders.selectors.settlement import settlement_reconcile
from orders.services.card_catch_up import card_payments_catch_up
from orders.services.fulfilment import fulfilments_auto_accept as fulfilments_auto_accept_due
from orders.services.lifecycle import order_expire
from orders.services.notifications import order_event_send
from orders.stripe.client import card_payments_enabled
from orders.stripe.reconcile import stripe_reconcile

logger = logging.getLogger(__name__)
settlement_logger = logging.getLogger("orders.settlement")


@shared_task(
    # SMTP errors are OSErrors: a mail server that is down is retried with backoff. What was
    # already sent is skipped on the retry (see ``orders.services.notifications``).
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def order_event_notify(event_id: int) -> int:
    """E-mail the people concerned by an order event; returns how many e-mails were sent."""
    return order_event_send(event_id=event_id)


@shared_task(acks_late=True)
def orders_cancel_unpaid() -> int:
    """Beat: cancel the orders left unpaid past their deadline and put their stock back on
    sale. Each order is expired in its own transaction by ``order_expire``, which checks the
    status and deadline again under the row lock, so running twice (or two beats at once)
    expires each order once. Returns how many were cancelled by this run."""
    due = (
        Order.objects.filter(status=OrderStatus.AWAITING_PAYMENT, payment_due_at__lte=timezone.now())
        .order_by("pk").values_list("pk", flat=True)
    )
    cancelled = 0
    for order_id in list(due):
        try:
            cancelled += order_expire(order_id=order_id)
        except Exception:  # one broken order must not keep the others on hold
            logger.exception("could not expire order %s", order_id)
    return cancelled


@shared_task(acks_late=True)
def fulfilments_auto_accept() -> int:
    """Beat: accept deliveries the buyer did not accept within ``ORDER_AUTO_ACCEPT_DAYS``."""
    return fulfilments_auto_accept_due()


@shared_task(
    # A mail server that is down is retried; the alert is claimed in the cache only while
    # sending succeeds, so the retry still sends it (see ``orders.integrity_alerts``).
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def ledger_reconcile_nightly() -> int:
    """Beat (nightly): reconcile the ledger with its sources and verify the hash chain; on
    any difference e-mail active staff once per day and set of differences. Returns the
    number of differences found."""
    return len(ledger_integrity_check().differences)


@shared_task(
    autoretry_for=(Exception,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=5,
    acks_late=True,
)
def campaign_coverage_daily() -> int:
    """Beat (hourly, sends at most once a day): while no active campaign covers today,
    e-mail active staff once (see ``orders.coverage_alerts``). Returns the mails sent."""
    return len(coverage_check().sent_to)


@shared_task(acks_late=True)
def stripe_catch_up() -> dict:
    """Beat (every few minutes): re-read from Stripe the card payments still pending after
    ``STRIPE_CATCH_UP_AFTER_MINUTES`` and the open disputes, and settle refunds whose Stripe
    call never got recorded; the same code path as the webhook, so a missed event is made
    good and a repeated run changes nothing."""
    if not card_payments_enabled():
        return {}
    done = card_payments_catch_up(older_than=timedelta(minutes=settings.STRIPE_CATCH_UP_AFTER_MINUTES))
    return {"payments": len(done.payments), "disputes": len(done.disputes), "refunds": len(done.refunds),
            "unavailable": done.unavailable}


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def stripe_reconcile_nightly() -> int:
    """Beat (nightly): compare card money with Stripe's (``stripe_reconcile``) over the last
    ``STRIPE_RECONCILE_DAYS``; every difference is logged as an error. Returns how many."""
    if not card_payments_enabled():
        return 0
    problems = stripe_reconcile(days=settings.STRIPE_RECONCILE_DAYS)
    for problem in problems:
        logger.error("stripe reconcile: %s", problem)
    return len(problems)


@shared_task(acks_late=True)
def settlement_reconcile_nightly() -> int:
    """The settlement identity, nightly (integrity queue); returns the number of differences
    and logs each (the command exits non-zero on them)."""
    report = settlement_reconcile()
    for problem in report.differences:
        settlement_logger.error("settlement difference: %s", problem)
    return len(report.differences)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=5, acks_late=True)
def invoice_reminders_daily() -> int:
    """Beat (daily): remind suppliers of their open invoices, once a day each (see
    ``orders.invoice_reminders``). Returns how many suppliers were reminded."""
    return invoice_reminders_send()

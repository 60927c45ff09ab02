"""Celery tasks of the suppliers app. They take ids and call a service: safe to retry."""

from celery import shared_task

from suppliers.notifications import supplier_notify


@shared_task(
    bind=True,
    # SMTP errors are OSErrors: a mail server that is down is retried with backoff.
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
    acks_late=True,
)
def notify_supplier(self, supplier_id: int, event: str, audit_event_id: int) -> int:
    """E-mail the people concerned by one audited supplier event. Idempotent: what was
    already sent is recorded and skipped (see ``suppliers.notifications``)."""
    return supplier_notify(supplier_id=supplier_id, event=event, audit_event_id=audit_event_id)

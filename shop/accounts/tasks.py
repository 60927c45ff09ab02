"""Celery tasks of the accounts app. They take ids: safe to retry."""

from celery import shared_task

from shop.accounts.notifications import invitation_email_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, retry_backoff_max=600, max_retries=8, acks_late=True)
def invitation_send(invitation_id: int) -> bool:
    """E-mail the link of a member invitation (nothing when it was withdrawn or used)."""
    return invitation_email_send(invitation_id=invitation_id)

"""The transactional outbox: Celery tasks queued by a transaction survive a broker outage.

``enqueue_on_commit(task, *args, **kwargs)`` writes an ``OutboxMessage`` row in the caller's
transaction (nothing on rollback) and, once the transaction commits, publishes it to the
broker right away. When the broker is unreachable at that moment the row stays pending and
``outbox_relay`` (a beat task every ``OUTBOX_RELAY_SECONDS`` and the ``outbox_relay``
management command) publishes it once the broker is back.

A row is published by whoever claims it first: the claim is a conditional UPDATE that sets a
short lease (``claimed_until``), so two relays, or a relay and the after-commit publish, never
both send it, on every database (candidates are read with ``SKIP LOCKED`` where the database
has it, so relays do not wait on each other). A publisher that dies holding a lease leaves the
row to the next relay once the lease has run out. The broker may still deliver a message twice
(a lost acknowledgement, a worker killed mid-task): the tasks themselves are idempotent.

In the embedded mode (no broker, ``task_always_eager``) the task runs in-process right after
commit, as ``.delay()`` did; its failure is logged, not raised into the committed request.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from shop.celery import app as celery_app
from shop.common.effects import effect_claims_prune
from shop.common.models import OutboxMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)  # far longer than one publish; a dead publisher's rows come back after it
# The after-commit publish must not hold a request for long when the broker is down: the
# relay delivers the row later anyway.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def _queue_of(name: str, args: list, kwargs: dict) -> str:
    """The queue Celery's router sends ``name`` to (``CELERY_TASK_ROUTES``), for the admin."""
    try:
        queue = celery_app.amqp.router.route({}, name, args, kwargs).get("queue")  # type: ignore[arg-type]  # celery-types wants a tuple; any sequence works
    except Exception:  # routing is only informative here; publishing routes again
        return ""
    return str(getattr(queue, "name", queue) or "")[:64]


def enqueue_on_commit(task: Task | str, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Queue ``task(*args, **kwargs)`` for when the current transaction commits.

    The arguments must be JSON values (ids, strings): they are stored in the row."""
    name = task if isinstance(task, str) else task.name
    message = OutboxMessage.objects.create(
        task=name, args=list(args), kwargs=kwargs, queue=_queue_of(name, list(args), kwargs)
    )
    message_id = message.pk
    transaction.on_commit(lambda: outbox_publish(message_id=message_id), robust=True)
    return message


def _claim(message_id: int) -> bool:
    now = timezone.now()
    return bool(
        OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + LEASE, attempts=F("attempts") + 1)
    )


def _send(message: OutboxMessage) -> None:
    if celery_app.conf.task_always_eager:
        if message.task not in celery_app.tasks:
            celery_app.loader.import_default_modules()  # every app's tasks module
        try:
            celery_app.tasks[message.task].apply_async(args=message.args, kwargs=message.kwargs)
        except Exception:  # ran (and failed) in-process: as robust on_commit did, log it
            logger.exception("eager task %s (outbox #%s) failed", message.task, message.pk)
        return
    # send_task routes by name (CELERY_TASK_ROUTES) and needs no task module imported here;
    # the worker applies the task's own time limits.
    celery_app.send_task(
        message.task, args=message.args, kwargs=message.kwargs,
        retry=True, retry_policy=PUBLISH_RETRY_POLICY,
    )


def outbox_publish(*, message_id: int) -> bool:
    """Publish one pending row if nobody else holds it; True when this call sent it."""
    if not _claim(message_id):
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _send(message)
    except Exception as exc:  # the broker is down (or refused): the relay tries again
        OutboxMessage.objects.filter(pk=message_id).update(claimed_until=None, last_error=repr(exc)[:500])
        logger.warning("outbox #%s (%s) not published yet: %r", message_id, message.task, exc)
        return False
    OutboxMessage.objects.filter(pk=message_id).update(sent_at=timezone.now(), claimed_until=None, last_error="")
    return True


def outbox_pending_ids(*, limit: int) -> list[int]:
    """Ids of the pending rows nobody holds, oldest first (rows other relays are reading
    right now are skipped where the database has SKIP LOCKED)."""
    now = timezone.now()
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    ).order_by("created_at", "id")
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            return list(pending.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
    return list(pending.values_list("pk", flat=True)[:limit])


def outbox_relay(*, limit: int = 500) -> int:
    """Publish the pending rows, oldest first; stop at the first failure (the broker is
    still down). Returns how many this call sent."""
    sent = 0
    for message_id in outbox_pending_ids(limit=limit):
        if outbox_publish(message_id=message_id):
            sent += 1
        elif OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True, claimed_until__isnull=True).exists():
            break  # not taken by another relay, so publishing it failed
    return sent


def outbox_prune(*, keep: timedelta | None = None, limit: int = 5000) -> int:
    """Delete rows sent longer than ``keep`` ago (``OUTBOX_KEEP_DAYS``) and effect claims past
    ``EFFECT_CLAIM_KEEP_DAYS``; returns how many rows went."""
    keep = keep if keep is not None else timedelta(days=settings.OUTBOX_KEEP_DAYS)
    old = OutboxMessage.objects.filter(sent_at__lt=timezone.now() - keep).order_by("sent_at")
    ids = list(old.values_list("pk", flat=True)[:limit])
    deleted = OutboxMessage.objects.filter(pk__in=ids).delete()[0] if ids else 0
    return deleted + effect_claims_prune(limit=limit)


def outbox_pending_count() -> int:
    return OutboxMessage.objects.filter(sent_at__isnull=True).count()


__all__ = ["enqueue_on_commit", "outbox_pending_count", "outbox_pending_ids", "outbox_prune", "outbox_publish", "outbox_relay"]

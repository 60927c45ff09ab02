"""Two relays at once, in two threads with their own PostgreSQL connections, on a real Redis:
every task the outage left in the outbox is published exactly once."""

import threading

import pytest
from django.db import connection

from orders.tasks import order_event_notify
from shop.celery import app as celery_app
from shop.common.models import OutboxMessage
from shop.common.outbox import enqueue_on_commit, outbox_relay
from tests.celery_faults.conftest import requires_postgresql_and_redis

pytestmark = [requires_postgresql_and_redis, pytest.mark.django_db(transaction=True)]


def waiting_in(queue: str) -> list[list]:
    """The arguments of every message waiting in ``queue`` (taken off it)."""
    found = []
    with celery_app.connection_for_read() as conn:
        simple = conn.SimpleQueue(celery_app.amqp.queues[queue])
        while True:
            try:
                message = simple.get(block=True, timeout=0.5)
            except simple.Empty:
                break
            found.append(message.decode()[0])
            message.ack()
        simple.close()
    return found


def test_two_relays_at_once_publish_each_task_once(publish_to):
    redis = publish_to
    redis.stop()
    for n in range(60):
        enqueue_on_commit(order_event_notify, n)  # autocommit: each publish fails at once
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 60
    redis.start()

    counts: list[int] = []
    barrier = threading.Barrier(2)

    def relay():
        try:
            barrier.wait(timeout=10)
            counts.append(outbox_relay())
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(counts) == 60
    assert sorted(args[0] for args in waiting_in("mail")) == list(range(60))
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()

"""The transactional outbox: a task queued by a transaction is written in it (nothing on
rollback), published after commit, kept when the broker is down and published once by the
relay when it is back, never twice however many relays run.

"Down" is a real Redis client refused on a port nobody listens on; "back" is kombu's
in-process memory transport, whose queues the test reads like a worker would.
"""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from kombu import pools as kombu_pools

from orders.models import OrderEvent
from orders.tasks import order_event_notify
from shop.celery import app as celery_app
from shop.common.models import OutboxMessage
from shop.common.outbox import (
    enqueue_on_commit,
    outbox_pending_ids,
    outbox_prune,
    outbox_publish,
    outbox_relay,
)
from tests.world import build_order_world, place


@pytest.fixture
def world(regions):
    return build_order_world()


def _forget_broker_connections() -> None:
    """Drop the cached connection and producer pools (kombu's global ones too), which were
    built for the previous broker URL."""
    celery_app.pool.force_close_all()
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.fixture
def broker():
    """Celery publishing for real (not eager). ``broker.down()`` points it at a Redis port
    that refuses connections; ``broker.up()`` at a fresh memory transport; ``broker.drain``
    takes every message waiting in a queue."""
    conf = celery_app.conf
    previous = {key: conf[key] for key in ("task_always_eager", "broker_url")}
    conf.task_always_eager = False

    class Broker:
        def down(self):
            conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
            _forget_broker_connections()

        def up(self):
            conf.broker_url = "memory://"
            _forget_broker_connections()
            with celery_app.connection_for_write() as conn:
                for queue in celery_app.amqp.queues.values():
                    queue.bind(conn.default_channel).declare()
                    queue.bind(conn.default_channel).purge()

        def drain(self, name):
            bodies = []
            with celery_app.connection_for_read() as conn:
                simple = conn.SimpleQueue(celery_app.amqp.queues[name])
                while True:
                    try:
                        message = simple.get(block=False)
                    except simple.Empty:
                        break
                    bodies.append((message.headers["task"], message.decode()[0]))
                    message.ack()
                simple.close()
            return bodies

    yield Broker()
    conf.update(previous)
    _forget_broker_connections()


def test_the_row_is_written_in_the_transaction_and_vanishes_on_rollback(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            place(world)
            assert OutboxMessage.objects.filter(task=order_event_notify.name).count() == 1
            raise RuntimeError("the checkout fails after the order row was written")
    assert not OutboxMessage.objects.exists() and not callbacks
    assert mail.outbox == []


def test_in_the_embedded_mode_the_task_runs_after_commit_and_the_row_is_marked_sent(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place(world)
    row = OutboxMessage.objects.get()
    assert (row.task, row.queue, row.sent_at) == (order_event_notify.name, "mail", None)
    assert mail.outbox == []  # not before commit
    for callback in callbacks:
        callback()
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert [m.to for m in mail.outbox] == [[world.purchaser_a.email]]
    assert outbox_relay() == 0 and len(mail.outbox) == 1


def test_a_broker_that_is_down_keeps_the_task_until_the_relay_sends_it_once(
    world, broker, django_capture_on_commit_callbacks
):
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(world)  # the checkout itself succeeds
    row = OutboxMessage.objects.get()
    assert row.sent_at is None and row.attempts == 1 and "onnect" in row.last_error
    assert outbox_relay() == 0  # still down: nothing lost, nothing sent

    broker.up()
    assert outbox_relay() == 1
    assert outbox_relay() == 0
    event = OrderEvent.objects.get(order=order)
    assert broker.drain("mail") == [(order_event_notify.name, [event.pk])]
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 3 and row.last_error == ""


def test_a_row_another_publisher_holds_is_left_to_it_until_its_lease_runs_out(
    world, broker, django_capture_on_commit_callbacks
):
    broker.up()
    with django_capture_on_commit_callbacks(execute=True):
        row = enqueue_on_commit(order_event_notify, 123)
    assert broker.drain("mail") == [(order_event_notify.name, [123])]
    held = OutboxMessage.objects.create(task=order_event_notify.name, args=[456],
                                        claimed_until=timezone.now() + timedelta(seconds=30))
    assert outbox_relay() == 0 and outbox_publish(message_id=held.pk) is False
    OutboxMessage.objects.filter(pk=held.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert outbox_relay() == 1  # the publisher died: its lease ran out
    assert broker.drain("mail") == [(order_event_notify.name, [456])]
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert row.pk != held.pk


def test_a_relay_overtaken_by_another_sends_nothing_twice(world, broker, django_capture_on_commit_callbacks):
    """Two relays interleaved: A reads the pending rows, B publishes them all, then A goes on
    (threads on PostgreSQL: tests/celery_faults/test_relay_race.py)."""
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            enqueue_on_commit(order_event_notify, n)
    broker.up()
    seen_by_a = outbox_pending_ids(limit=100)
    assert len(seen_by_a) == 5
    assert outbox_relay() == 5  # relay B
    assert [outbox_publish(message_id=pk) for pk in seen_by_a] == [False] * 5  # relay A
    assert sorted(args[0] for _, args in broker.drain("mail")) == [0, 1, 2, 3, 4]


def test_the_command_relays_once_and_old_sent_rows_are_pruned(
    world, broker, capsys, django_capture_on_commit_callbacks
):
    broker.down()
    with django_capture_on_commit_callbacks(execute=True):
        pending = enqueue_on_commit(order_event_notify, 7)
    old = OutboxMessage.objects.create(task=order_event_notify.name, args=[1],
                                       sent_at=timezone.now() - timedelta(days=30))
    broker.up()
    call_command("outbox_relay", "--once")
    assert "1 sent, 0 pending" in capsys.readouterr().out
    assert broker.drain("mail") == [(order_event_notify.name, [7])]
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()  # pruned
    assert OutboxMessage.objects.filter(pk=pending.pk, sent_at__isnull=False).exists()  # kept a while
    assert outbox_prune(keep=timedelta(0)) == 1

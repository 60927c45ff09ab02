"""Celery's production settings as a worker sees them: every task has a soft and a hard time
limit, a task whose worker died comes back within minutes (Redis's visibility timeout exceeds
every hard limit and retry countdown, and is far below Redis's default hour), and each task
goes to a queue the workers consume."""

from django.conf import settings

from shop.celery import app as celery_app


def tasks():
    celery_app.loader.import_default_modules()
    return {name: task for name, task in celery_app.tasks.items() if not name.startswith("celery.")}


def test_every_task_has_a_time_limit_below_the_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert 600 < visibility <= 15 * 60
    found = tasks()
    assert "catalog.tasks.make_thumbnails" in found and "shop.common.tasks.outbox_relay" in found
    for name, task in found.items():
        assert task.soft_time_limit and task.time_limit, name
        assert task.soft_time_limit < task.time_limit < visibility, name
        backoff = getattr(task, "retry_backoff_max", 0) if getattr(task, "retry_backoff", False) else 0
        assert backoff + 90 < visibility, name  # a countdown plus a short run never outlives it


def test_tasks_go_to_their_queues_and_workers_consume_them_all():
    queues = set(celery_app.amqp.queues)
    assert queues == {"celery", "mail", "images", "reports", "integrity"}
    expected = {
        "orders.tasks.order_event_notify": "mail",
        "suppliers.tasks.notify_supplier": "mail",
        "shop.accounts.tasks.invitation_send": "mail",
        "catalog.tasks.make_thumbnails": "images",
        "orders.report_tasks.report_export_run": "reports",
        "orders.tasks.ledger_reconcile_nightly": "integrity",
        "orders.tasks.orders_cancel_unpaid": "celery",
        "shop.common.tasks.outbox_relay": "celery",
    }
    for name, queue in expected.items():
        assert celery_app.amqp.router.route({}, name, [], {})["queue"].name == queue, name
    for name in tasks():
        assert celery_app.amqp.router.route({}, name, [], {})["queue"].name in queues, name
    relay = settings.CELERY_BEAT_SCHEDULE["outbox-relay"]
    assert relay["task"] == "shop.common.tasks.outbox_relay" and relay["schedule"] <= 30

"""Celery: the broker (Redis, or none: tasks run eagerly in the calling process), the beat
schedule, queues, time limits, redelivery after a lost worker, and the outbox relay."""

from celery.schedules import crontab
from kombu import Queue

from shop.settings.environment import env

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"  # embedded: tasks run eagerly; no broker is contacted
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULE: dict = {
    "orders-cancel-unpaid": {"task": "orders.tasks.orders_cancel_unpaid", "schedule": 600.0},
    "orders-auto-accept": {"task": "orders.tasks.fulfilments_auto_accept", "schedule": 3600.0},
    # Nightly: the ledger against orders, refunds and offline records, and its hash chain.
    "ledger-reconcile-nightly": {
        "task": "orders.tasks.ledger_reconcile_nightly",
        "schedule": crontab(hour=2, minute=30),
    },
}
# --- Payments outside every campaign (issue 9) ---
# Hourly; e-mails staff at most once a day (database de-dup) while no active campaign covers today.
CELERY_BEAT_SCHEDULE["campaign-coverage-daily"] = {
    "task": "orders.tasks.campaign_coverage_daily",
    "schedule": crontab(minute=5),
}

# --- Stripe catch-up and reconciliation (issue 9: every paid yuan counts) -----
# Card payments still pending after this many minutes are re-read from Stripe (missed
# webhooks); the nightly reconcile compares the last STRIPE_RECONCILE_DAYS of card money.
STRIPE_CATCH_UP_AFTER_MINUTES = env.int("STRIPE_CATCH_UP_AFTER_MINUTES", default=5)
STRIPE_RECONCILE_DAYS = env.int("STRIPE_RECONCILE_DAYS", default=180)
CELERY_BEAT_SCHEDULE["invoice-reminders-daily"] = {
    "task": "orders.tasks.invoice_reminders_daily", "schedule": crontab(hour=9, minute=30),
}
CELERY_BEAT_SCHEDULE["stripe-catch-up"] = {"task": "orders.tasks.stripe_catch_up", "schedule": 180.0}
CELERY_BEAT_SCHEDULE["stripe-reconcile-nightly"] = {
    "task": "orders.tasks.stripe_reconcile_nightly", "schedule": crontab(hour=3, minute=15),
}

# --- Celery: queues, time limits, redelivery, outbox ------------------------
# Four queues besides the default one ("celery"), so that a slow report or a burst of
# thumbnails never holds the mail back; a worker consumes all five unless given -Q.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in ("celery", "mail", "images", "reports", "integrity")]
CELERY_TASK_ROUTES = {
    "orders.tasks.order_event_notify": {"queue": "mail"},
    "suppliers.tasks.notify_supplier": {"queue": "mail"},
    "shop.accounts.tasks.invitation_send": {"queue": "mail"},
    "catalog.tasks.make_thumbnails": {"queue": "images"},
    "orders.report_tasks.report_export_run": {"queue": "reports"},
    "orders.tasks.ledger_reconcile_nightly": {"queue": "integrity"},
}
# Every task has a time limit (seconds): soft raises SoftTimeLimitExceeded in the task, hard
# kills the worker process (prefork pool); the defaults, then per task.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=150)
_TIME_LIMITS = {
    "orders.tasks.order_event_notify": (60, 90),
    "suppliers.tasks.notify_supplier": (60, 90),
    "shop.accounts.tasks.invitation_send": (60, 90),
    "catalog.tasks.make_thumbnails": (120, 150),
    "orders.report_tasks.report_export_run": (540, 600),
    "orders.tasks.ledger_reconcile_nightly": (540, 600),
    "shop.common.tasks.outbox_relay": (50, 60),
}
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": soft, "time_limit": hard} for name, (soft, hard) in _TIME_LIMITS.items()
}
# With acks_late, a task whose worker died (kill -9, lost host) is given to another worker
# once Redis's visibility timeout has passed (default there: one hour). It must exceed the
# longest hard time limit (600) plus the longest retry countdown (600): 15 minutes. Workers
# look for such messages every 10 s (kombu's default is every ~100 s).
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT // 5)),
    "unacked_restore_throttle": 1,
    "socket_connect_timeout": 5,  # a broker that is down fails fast; the outbox keeps the task
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The outbox relay publishes what a broker outage left behind (shop.common.outbox).
OUTBOX_RELAY_SECONDS = env.float("OUTBOX_RELAY_SECONDS", default=20.0)
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# How long a task's effect-once claim (an e-mail sent…) is kept; must outlive any redelivery.
EFFECT_CLAIM_KEEP_DAYS = env.int("EFFECT_CLAIM_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE["outbox-relay"] = {
    "task": "shop.common.tasks.outbox_relay",
    "schedule": OUTBOX_RELAY_SECONDS,
    "options": {"expires": OUTBOX_RELAY_SECONDS},  # a tick queued during an outage is dropped
}

# --- Supplier settlement (结算, issue 13; PLATFORM_FEE_BASIS_POINTS in shop.settings) ---------
CELERY_BEAT_SCHEDULE["settlement-reconcile-nightly"] = {
    "task": "orders.tasks.settlement_reconcile_nightly", "schedule": crontab(hour=3, minute=45),
}
CELERY_TASK_ROUTES["orders.tasks.settlement_reconcile_nightly"] = {"queue": "integrity"}
CELERY_TASK_ROUTES["orders.tasks.invoice_reminders_daily"] = {"queue": "mail"}

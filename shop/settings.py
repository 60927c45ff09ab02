"""Settings, all from environment variables.

With nothing set the shop runs embedded: SQLite file, local-memory cache and Celery tasks
executed eagerly in the calling process. Set DATABASE_URL, REDIS_URL (or CELERY_BROKER_URL)
and the Stripe keys for a real deployment; DEBUG defaults to off unless the embedded
SQLite default is in use.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

EMBEDDED = not env.str("DATABASE_URL", default="")
DEBUG = env.bool("DEBUG", default=EMBEDDED)

_DEV_SECRET = "dev-only-insecure-secret-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Public address printed in QR codes; empty: the address of the request being served.
SITE_URL = env.str("SITE_URL", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "graphene_django",
    "csp",
    "shop.common",
    "shop.regions",
    "shop.accounts",
    "suppliers",
    "catalog",
    "orders",
    "frontend",
]
# --- Safe configuration (production) ---------------------------------------------------------
# The demo seeding and benchmark commands only where asked for: in development, or SHOP_DEMO=1.
SHOP_DEMO = env.bool("SHOP_DEMO", default=DEBUG)
if SHOP_DEMO:
    INSTALLED_APPS += ["shop.demo", "bench"]  # bench/: dev-only, builds its databases with the demo
INSTALLED_APPS.append("health_check")  # /readyz (shop/common/health.py)
# Load balancers and probes reach the app over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.common.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "shop.urls"
WSGI_APPLICATION = "shop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE: a writing transaction takes the write lock when it begins, so two
            # concurrent writers queue (up to the timeout) instead of failing "database is
            # locked" when the second one tries to upgrade its read lock.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})
        if env.bool("DB_POOL", default=False):
            DATABASES["default"]["OPTIONS"]["pool"] = {"min_size": 2, "max_size": 16}
        else:
            DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# --- Cache and Celery -------------------------------------------------------
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

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "shop",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# A production process (DEBUG off) refuses to start without a cache and broker that every host
# shares (or each process would get its own cache, throttles and eager tasks) and without the
# absolute public address that e-mail links and QR codes start with.
if not DEBUG:
    import re as _re

    if not REDIS_URL or CELERY_TASK_ALWAYS_EAGER:
        raise environ.ImproperlyConfigured(
            "Production needs REDIS_URL (the shared cache; also the Celery broker unless "
            "CELERY_BROKER_URL is set). Set DEBUG=1 for a single-process trial."
        )
    if not _re.fullmatch(r"https?://[^/\s]+/?", SITE_URL):
        raise environ.ImproperlyConfigured(
            "Production needs SITE_URL, the shop's absolute public address such as "
            "https://shop.example.cn (e-mail links and QR codes start with it)."
        )

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "frontend:onboarding:login"
# Log in by e-mail (any letter case) or mobile phone; ModelBackend keeps the admin's usernames.
AUTHENTICATION_BACKENDS = [
    "shop.accounts.backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
# --- Media storage (public photos; private documents, evidence, exports) ----------------
# MEDIA_STORAGE=filesystem: MEDIA_ROOT (public, served by nginx under MEDIA_URL) and
# PRIVATE_MEDIA_ROOT (never public; default: a "private" folder beside MEDIA_ROOT), both on a
# folder every app and worker host mounts. MEDIA_STORAGE=s3: an S3-compatible bucket
# (django-storages); public objects under "public/", private ones under "private/" (or in
# AWS_PRIVATE_STORAGE_BUCKET_NAME) with URLs signed for PRIVATE_URL_SECONDS.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default="")
PRIVATE_URL_SECONDS = env.int("PRIVATE_URL_SECONDS", default=300)
MEDIA_CACHE_CONTROL = "public, max-age=31536000, immutable"
if MEDIA_STORAGE == "s3":
    _s3 = {
        "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
        "file_overwrite": False, "signature_version": "s3v4",
    }
    _s3_default: dict = {
        **_s3, "location": "public", "querystring_auth": False,
        "custom_domain": env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None,
        "default_acl": env.str("AWS_DEFAULT_ACL", default="") or None,
        "object_parameters": {"CacheControl": MEDIA_CACHE_CONTROL},
    }
    _s3_private: dict = {
        **_s3, "location": "private", "querystring_auth": True,
        "querystring_expire": PRIVATE_URL_SECONDS, "default_acl": "private",
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    _s3_private["bucket_name"] = env.str("AWS_PRIVATE_STORAGE_BUCKET_NAME", default=_s3["bucket_name"])
    _media_default = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_default}
    _media_private = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": _s3_private}
elif MEDIA_STORAGE == "filesystem":
    _media_default = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _media_private = {"BACKEND": "shop.common.storage.PrivateFileSystemStorage"}
else:
    raise environ.ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
# A separate media domain (e.g. https://media.shop.example.cn/) or the default path.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
STORAGES = {
    "default": _media_default,
    "private": _media_private,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Image uploads (see shop/common/images.py)
IMAGE_MAX_BYTES = env.int("IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=40_000_000)
IMAGE_THUMBNAIL_SIZES = (160, 480, 960)
# Supplier documents (licences, certificates; see shop/common/documents.py)
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=10 * 1024 * 1024)

# Price monitoring: a variant above this multiple of its market reference price is flagged.
PRICE_ALERT_MULTIPLE = env.str("PRICE_ALERT_MULTIPLE", default="1.3")
SUPPLIER_INVITATION_DAYS = 7

# --- Email ------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="消费帮扶平台 <noreply@xiaofei.example>")

# --- Orders -----------------------------------------------------------------
# An order not paid within this many hours is cancelled by a beat task and its stock released.
ORDER_PAYMENT_HOURS = env.int("ORDER_PAYMENT_HOURS", default=72)
# A shipped part the buyer has not accepted (验收) within this many days is accepted automatically.
ORDER_AUTO_ACCEPT_DAYS = env.int("ORDER_AUTO_ACCEPT_DAYS", default=7)
ORDER_MAX_LINES = 100
ORDER_MAX_QUANTITY = 1_000_000
# The platform's account for bank transfers (对公转账), shown on the payment page.
BANK_ACCOUNT_NAME = env.str("BANK_ACCOUNT_NAME", default="深圳市宝安区消费帮扶服务中心（示例）")
BANK_ACCOUNT_BANK = env.str("BANK_ACCOUNT_BANK", default="中国建设银行深圳宝安支行（示例）")
BANK_ACCOUNT_NUMBER = env.str("BANK_ACCOUNT_NUMBER", default="4420 1558 0000 0000 0000")
# Login throttling: failures allowed per account and per client address in the window.
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=5)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=20)
LOGIN_FAILURE_WINDOW_SECONDS = env.int("LOGIN_FAILURE_WINDOW_SECONDS", default=15 * 60)

# --- Client addresses (every throttle; see shop/common/net.py) ---------------
# Number of reverse proxies in front of the app that append to X-Forwarded-For; 0 = use
# REMOTE_ADDR. The client is the Nth entry from the right; entries further left are ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Stripe -----------------------------------------------------------------
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")

# --- GraphQL ----------------------------------------------------------------
GRAPHENE = {"SCHEMA": "shop.graphql.schema.schema"}
GRAPHQL_MAX_DEPTH = 8
GRAPHQL_MAX_TOKENS = 2000
GRAPHQL_MAX_PAGE_SIZE = 100
GRAPHQL_MAX_BODY_BYTES = 64 * 1024

# --- GraphQL: hostile clients (issue 11) -------------------------------------
# Limits measured before any other validation, with fragment spreads counted where used.
GRAPHQL_MAX_FIELDS = 500
GRAPHQL_MAX_ALIASES = 30
# __schema/__type queries and "Did you mean …?" suggestions; None follows DEBUG.
GRAPHQL_INTROSPECTION = env.bool("GRAPHQL_INTROSPECTION", default=None)

# --- Security (production) --------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Ask browsers to preload HSTS only when the operator has decided to submit the domain
    # to hstspreload.org (hard to undo): off unless SECURE_HSTS_PRELOAD=true.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # security.W021 ("not preloaded") is this deliberate default, not an oversight.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Content-Security-Policy (django-csp 4; every page) ---------------------
# Scripts and styles only from our own static files, or inline with the request's nonce
# ({{ CSP_NONCE }}); no inline style attributes. The card-payment page adds Stripe's origins
# (frontend.buying.pay_views); served private files carry their own `sandbox` policy
# (shop.common.serving). Images may also come from the media/static host when it is
# another origin (MEDIA_URL/STATIC_URL with a scheme).
_CSP_ASSET_ORIGINS = sorted({
    f"{_u.scheme}://{_u.netloc}"
    for _u in (urlsplit(str(MEDIA_URL)), urlsplit(str(STATIC_URL)))
    if _u.scheme and _u.netloc
})
CONTENT_SECURITY_POLICY = {
    # GraphiQL (DEBUG only) loads its editor from a CDN with inline script: no policy there.
    "EXCLUDE_URL_PREFIXES": ["/graphql/"] if DEBUG else [],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_CSP_ASSET_ORIGINS],
        "style-src": [SELF, NONCE, *_CSP_ASSET_ORIGINS],
        "img-src": [SELF, "data:", *_CSP_ASSET_ORIGINS],
        "font-src": [SELF, *_CSP_ASSET_ORIGINS],
        "connect-src": [SELF],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# --- Logging, errors and metrics (see shop/common/observability.py) ---------------------------
# LOG_FORMAT=json (the production default): one JSON object a line with time, level, logger,
# message, request_id and user_id, plus method, path, status and duration_ms for each request.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "shop.common.observability.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # One line per request; off in development (runserver prints its own).
        "shop.request": {"level": env.str("REQUEST_LOG_LEVEL", default="WARNING" if DEBUG else "INFO")},
    },
}
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from shop.common.observability import sentry_init

    sentry_init(
        dsn=SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
# Prometheus (django-prometheus): /metrics with "Authorization: Bearer $METRICS_TOKEN" only.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Celery workers serve their task metrics on this port (0: off); monitoring network only.
CELERY_METRICS_PORT = env.int("CELERY_METRICS_PORT", default=0)
CELERY_METRICS_ADDRESS = env.str("CELERY_METRICS_ADDRESS", default="127.0.0.1")
INSTALLED_APPS.append("django_prometheus")
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "shop.common.observability.RequestLogMiddleware",
    *MIDDLEWARE,
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"

# --- Supplier settlement (结算, issue 13) ----------------------------------------------
# The platform's fee on each statement, in basis points of its amount (0 = zero commission,
# as on 832平台). Rounding: fee_fen = (amount_fen * bp + 5000) // 10000, i.e. half up to the
# fen in integer arithmetic, once per statement; payout = amount - fee.
PLATFORM_FEE_BASIS_POINTS = env.int("PLATFORM_FEE_BASIS_POINTS", default=0)
CELERY_BEAT_SCHEDULE["settlement-reconcile-nightly"] = {
    "task": "orders.tasks.settlement_reconcile_nightly", "schedule": crontab(hour=3, minute=45),
}
CELERY_TASK_ROUTES["orders.tasks.settlement_reconcile_nightly"] = {"queue": "integrity"}
CELERY_TASK_ROUTES["orders.tasks.invoice_reminders_daily"] = {"queue": "mail"}

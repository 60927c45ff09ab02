"""Settings, all from environment variables.

With nothing set the shop runs embedded: SQLite file, local-memory cache and Celery tasks
executed eagerly in the calling process. Set DATABASE_URL, REDIS_URL (or CELERY_BROKER_URL)
and the Stripe keys for a real deployment; DEBUG defaults to off unless the embedded
SQLite default is in use.
"""

import environ

from shop.settings.environment import BASE_DIR, DEBUG, EMBEDDED, env

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
            # Off by default: with it on, every request's first query is preceded by a
            # ``SELECT 1`` round trip (issue 15). Django still tests a persistent connection
            # at the end of any request in which a database error occurred and drops it if
            # unusable, so a connection is only reused unchecked when it last worked.
            DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

# --- Cache and Celery (Celery in shop/settings/celery_config.py) -----------------
from shop.settings.celery_config import *  # noqa: E402, F403
from shop.settings.celery_config import CELERY_TASK_ALWAYS_EAGER, REDIS_URL  # noqa: E402

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
# Sessions read from the cache (Redis in production), written through to the database: a
# signed-in request costs no session query (issue 15) and sessions survive a cache flush.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
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

# --- Static files, media storage and uploads (shop/settings/media.py) -----------
from shop.settings.media import *  # noqa: E402, F403

# Price monitoring: a variant above this multiple of its market reference price is flagged.
PRICE_ALERT_MULTIPLE = env.str("PRICE_ALERT_MULTIPLE", default="1.3")
SUPPLIER_INVITATION_DAYS = 7

# --- Catalog pages (issue 15) -----------------------------------------------
# The rendered catalog and product pages are kept this many seconds in the shared cache, keyed
# by the listing version that every listing change moves (shop/common/listing_version.py);
# the lifetime bounds only what changes outside the services and the admin. 0 turns it off.
LISTING_PAGE_CACHE_SECONDS = env.int("LISTING_PAGE_CACHE_SECONDS", default=300)

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

# --- Content-Security-Policy (shop/settings/csp.py) -------------------------------
from shop.settings.csp import *  # noqa: E402, F403

# --- Logging, errors and metrics (shop/settings/observability.py) ----------------
from shop.settings.observability import *  # noqa: E402, F403

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
# Its nightly reconciliation is scheduled in shop/settings/celery_config.py.

"""Logging, errors (Sentry) and metrics (Prometheus); see shop/common/observability.py. The
Prometheus app, middleware and database wrapper are added in ``shop.settings``."""

from shop.settings.environment import DEBUG, env

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

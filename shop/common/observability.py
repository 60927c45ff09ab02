"""Logs, errors and metrics for operators.

- Every log line carries the request id (``X-Request-ID`` from nginx, or a new one) and the
  user id through :class:`RequestContextFilter`; :class:`RequestLogMiddleware` writes one line
  per request (method, path, status, duration) to the ``shop.request`` logger. The JSON
  formatting itself is python-json-logger's (see LOGGING in the settings).
- Sentry (sentry-sdk, Django and Celery integrations) when ``SENTRY_DSN`` is set.
- Prometheus: django-prometheus counts requests, the database and the cache; Celery task
  outcomes and durations are counted here from Celery's signals. ``/metrics`` answers only
  with ``Authorization: Bearer <METRICS_TOKEN>`` (404 when no token is configured).
"""

from __future__ import annotations

import contextvars
import hmac
import logging
import os
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from celery.signals import task_postrun, task_prerun, worker_ready
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    start_http_server,
)

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_user_id: contextvars.ContextVar[str] = contextvars.ContextVar("user_id", default="")
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
request_logger = logging.getLogger("shop.request")


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _request_id.get()
        record.user_id = _user_id.get()
        return True


class RequestLogMiddleware:
    """One log line per request; the request id is echoed in the ``X-Request-ID`` header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        sent = request.headers.get("X-Request-ID", "")
        request_id = sent if _VALID_ID.fullmatch(sent) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        user_token = _user_id.set("")
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                _user_id.set(str(user.pk))
            response["X-Request-ID"] = request_id
            request_logger.info(
                "%s %s %s", request.method, request.path, response.status_code,
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
            )
            return response
        finally:
            _request_id.reset(token)
            _user_id.reset(user_token)


def metrics(request: HttpRequest) -> HttpResponse:
    """django-prometheus's export, behind a bearer token (and denied by nginx publicly)."""
    # Lazy on purpose: the settings import this module (LOGGING, sentry_init), and
    # django_prometheus.exports needs configured settings when it is imported.
    from django_prometheus.exports import ExportToDjangoView

    expected = getattr(settings, "METRICS_TOKEN", "")
    sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Http404
    return ExportToDjangoView(request)


# --- Celery task metrics --------------------------------------------------------------------
TASKS = Counter("shop_celery_tasks_total", "Celery tasks finished, by task and state", ["task", "state"])
TASK_SECONDS = Histogram("shop_celery_task_seconds", "Celery task run time", ["task"])
_started: dict[str, float] = {}


def _task_prerun(task_id: str = "", **kwargs: Any) -> None:
    _started[task_id] = time.perf_counter()


def _task_postrun(task_id: str = "", task: Any = None, state: str = "", **kwargs: Any) -> None:
    name = getattr(task, "name", "unknown")
    TASKS.labels(task=name, state=state or "UNKNOWN").inc()
    began = _started.pop(task_id, None)
    if began is not None:
        TASK_SECONDS.labels(task=name).observe(time.perf_counter() - began)


def _worker_metrics_serve(**kwargs: Any) -> None:
    """A worker host has no web process: with ``CELERY_METRICS_PORT`` the worker serves its own
    /metrics there (bind it to the monitoring network with ``CELERY_METRICS_ADDRESS``)."""
    port = getattr(settings, "CELERY_METRICS_PORT", 0)
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # prefork children write there
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=settings.CELERY_METRICS_ADDRESS, registry=registry)


def connect_celery_metrics() -> None:
    task_prerun.connect(_task_prerun, weak=False, dispatch_uid="shop-metrics-prerun")
    task_postrun.connect(_task_postrun, weak=False, dispatch_uid="shop-metrics-postrun")
    worker_ready.connect(_worker_metrics_serve, weak=False, dispatch_uid="shop-metrics-worker")


def sentry_init(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    # Lazy on purpose: only a deployment with SENTRY_DSN loads sentry-sdk and its
    # integrations (called from the settings, before Django is set up).
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn, environment=environment, traces_sample_rate=traces_sample_rate,
        send_default_pii=False, integrations=[DjangoIntegration(), CeleryIntegration()],
    )

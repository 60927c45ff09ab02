"""``/healthz``: the process answers (for a restart policy). ``/readyz``: it can serve, i.e. the
database, the shared cache, the Celery broker and both media storages work (for the load
balancer), with django-health-check; 503 when one of them does not."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from health_check.views import HealthCheckView
from redis.asyncio import Redis


def _checks() -> list[Any]:
    checks: list[Any] = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        ("health_check.checks.Storage", {"alias": "default"}),
        ("health_check.checks.Storage", {"alias": "private"}),
    ]
    broker = settings.CELERY_BROKER_URL
    if not settings.CELERY_TASK_ALWAYS_EAGER and broker.startswith(("redis://", "rediss://")):
        checks.append((
            "health_check.contrib.redis.Redis",
            {"client_factory": lambda: Redis.from_url(broker, socket_connect_timeout=2, socket_timeout=2)},
        ))
    return checks


class ReadinessView(HealthCheckView):
    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:  # a check failed: not ready (the process itself is fine)
            response.status_code = 503
        return response


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


async def readyz(request: HttpRequest) -> HttpResponse:
    """The checks are read from the settings at each call (tests and probes swap them)."""
    return await ReadinessView.as_view(checks=_checks())(request)

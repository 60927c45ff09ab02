"""Operators' view: JSON log lines with time, level, request id, user, path, status and
duration; errors sent to Sentry when SENTRY_DSN is set; Prometheus metrics behind a token."""

import gzip
import io
import json
import logging
import logging.config
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from catalog.tasks import make_thumbnails
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


@pytest.fixture
def json_log():
    """The production formatter and filter (LOGGING["formatters"]["json"]) on a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    formatter = logging.config.DictConfigurator({}).configure_formatter(
        dict(django_settings.LOGGING["formatters"]["json"])
    )
    handler.setFormatter(formatter)
    handler.addFilter(logging.config.DictConfigurator({}).configure_filter(
        dict(django_settings.LOGGING["filters"]["request"])
    ))
    logger = logging.getLogger("shop.request")
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(previous)


def test_each_request_writes_one_json_line_with_who_what_and_how_long(json_log):
    user = UserFactory()
    client = Client()
    client.force_login(user)
    response = client.get("/products/", HTTP_X_REQUEST_ID="req-1234abcd")
    assert response["X-Request-ID"] == "req-1234abcd"
    (line,) = [json.loads(raw) for raw in json_log.getvalue().splitlines()]
    assert line["level"] == "INFO" and line["logger"] == "shop.request"
    assert line["time"][:2] == "20"  # 2026-…
    assert line["request_id"] == "req-1234abcd" and line["user_id"] == str(user.pk)
    assert line["method"] == "GET" and line["path"] == "/products/" and line["status"] == 200
    assert line["duration_ms"] > 0

    json_log.truncate(0)
    json_log.seek(0)
    anonymous = Client().get("/nowhere/", HTTP_X_REQUEST_ID="bad id with spaces")
    line = json.loads(json_log.getvalue().splitlines()[0])
    assert line["status"] == 404 and line["user_id"] == ""
    assert line["request_id"] == anonymous["X-Request-ID"] != "bad id with spaces"


def test_metrics_need_the_token_and_count_requests_database_and_tasks(settings):
    client = Client()
    assert client.get("/metrics").status_code == 404  # no token configured: not there at all
    settings.METRICS_TOKEN = "m-token-123"
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    client.get("/products/")
    make_thumbnails.delay(0)  # a task (eager here) for the task counters
    page = client.get("/metrics", HTTP_AUTHORIZATION="Bearer m-token-123")
    assert page.status_code == 200
    body = page.content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert "django_http_requests_latency_seconds_by_view_method" in body
    assert 'shop_celery_tasks_total{state="SUCCESS",task="catalog.tasks.make_thumbnails"}' in body
    if settings.DATABASES["default"]["ENGINE"].startswith("django_prometheus"):
        assert "django_db_execute_total" in body


class _Collector(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_an_error_reaches_sentry_when_sentry_dsn_is_set():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
    script = (
        "import django, sentry_sdk; django.setup()\n"
        "from django.test import Client\n"
        "from django.urls import path\n"
        "import shop.urls\n"
        "def boom(request): raise RuntimeError('boom-for-sentry')\n"
        "shop.urls.urlpatterns.insert(0, path('boom/', boom))\n"
        "Client(raise_request_exception=False).get('/boom/')\n"
        "sentry_sdk.flush(5)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "shop.settings",
           "SENTRY_DSN": dsn, "ALLOWED_HOSTS": "testserver"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    server.shutdown()
    assert out.returncode == 0, out.stderr
    assert any(b"boom-for-sentry" in body for body in _Collector.received)

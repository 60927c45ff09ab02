"""/healthz answers while the process lives; /readyz answers 503 as soon as a service the app
needs is gone: here a private Redis server (never the shared one) that the test stops."""

import json
import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [shutil.which("redis-server"), "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield server, f"redis://127.0.0.1:{port}/0"
    if server.poll() is None:
        server.terminate()
        server.wait(10)


def test_readyz_checks_the_database_cache_broker_and_storages_and_fails_with_redis(settings, private_redis):
    server, url = private_redis
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = Client(HTTP_ACCEPT="application/json")

    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.content
    checks = json.loads(ready.content)
    assert set(checks.values()) == {"OK"}
    assert any(name.startswith("Database") for name in checks)
    assert any(name.startswith("Cache") for name in checks)
    assert sum(name.startswith("Storage") for name in checks) == 2
    assert any(name.startswith("Redis") for name in checks)
    assert ready["Cache-Control"].startswith("max-age=0")

    server.terminate()
    server.wait(10)
    down = client.get("/readyz")
    assert down.status_code == 503
    failing = {name for name, status in json.loads(down.content).items() if status != "OK"}
    assert any(name.startswith("Redis") for name in failing)
    assert any(name.startswith("Cache") for name in failing)
    assert client.get("/healthz").status_code == 200  # alive, only not ready

"""Real processes for the Celery fault tests: a private ``redis-server`` on a free port (never
the shared one) that a test may stop and start again, and ``celery worker`` subprocesses on
it that read and write the test database (PostgreSQL: the test's data is committed).

The tests run where these parts exist: PostgreSQL (as in CI's PostgreSQL leg) and a
``redis-server`` binary. On the embedded SQLite default they are skipped, since a second
process cannot see an in-memory test database.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from email import message_from_string
from email import policy as email_policy
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from shop.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
QUEUES = "celery,mail,images,reports,integrity"  # as in the README's worker command
VISIBILITY_TIMEOUT = 4  # seconds: a killed worker's task comes back quickly in these tests

# PostgreSQL whatever the wrapper (production settings use django_prometheus's backend).
CAN_RUN = bool(shutil.which("redis-server")) and settings.DATABASES["default"]["ENGINE"].endswith(".postgresql")
requires_postgresql_and_redis = pytest.mark.skipif(
    not CAN_RUN, reason="needs PostgreSQL (DATABASE_URL) and a redis-server binary"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, *, timeout: float, interval: float = 0.2, what: str = "condition"):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


class RedisServer:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=15, what="redis-server to answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None
        assert not self.ping()


class Worker:
    """``celery -A <app> worker`` (prefork, one child) in a process group of its own."""

    def __init__(self, *, app: str, env: dict[str, str], log: Path):
        self.log = log
        self.handle = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", app, "worker", "-P", "prefork", "-c", "1",
             "-Q", QUEUES, "-l", "info", "-n", f"{log.stem}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"the worker exited:\n{self.output()[-3000:]}")
            return " ready." in self.output()

        wait_for(ready, timeout=timeout, what=f"the worker to be ready\n{self.output()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool child), as a lost host would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=15)
        self.handle.close()


def current_database_url() -> str:
    """The URL of the database this test uses (pytest-django's ``test_<name>``)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"



def forget_broker_connections() -> None:
    """Drop the cached connection and producer pools built for the previous broker URL."""
    celery_app.pool.force_close_all()
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def publish_to(redis_server):
    """This test process publishes to the private Redis for real (not eagerly)."""
    conf = celery_app.conf
    previous = {key: conf[key] for key in ("task_always_eager", "broker_url")}
    conf.task_always_eager = False
    conf.broker_url = redis_server.url
    forget_broker_connections()
    yield redis_server
    conf.update(previous)
    forget_broker_connections()


@pytest.fixture
def start_worker(redis_server, mail_dir, tmp_path, settings):
    """Start a worker subprocess on the private Redis and the test database; all are stopped
    at the end of the test."""
    started: list[Worker] = []

    def start(*, app: str = "shop", **extra_env: str) -> Worker:
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "shop.settings",
            "DATABASE_URL": current_database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": redis_server.url,
            "REDIS_URL": redis_server.url,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "EMAIL_URL": f"filemail:///{mail_dir}",  # an absolute path after the three slashes
            "SITE_URL": "https://xiaofei.example",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "fault-test-secret-key-" + "x" * 40,
            **extra_env,
        }
        env.pop("DB_POOL", None)
        worker = Worker(app=app, env=env, log=tmp_path / f"worker{len(started) + 1}.log")
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.stop()


def delivered_mail(mail_dir: Path) -> list[tuple[str, str, str]]:
    """(to, subject, body) of every message the workers' file e-mail backend wrote."""
    found = []
    separator = "-" * 79
    for path in sorted(mail_dir.iterdir()):
        for chunk in path.read_text().split(separator):
            if not chunk.strip():
                continue
            message = message_from_string(chunk.strip() + "\n", policy=email_policy.default)
            body = message.get_body(preferencelist=("plain",))
            found.append((str(message["To"]), str(message["Subject"]), body.get_content() if body else ""))
    return found

"""The shop under gunicorn on 127.0.0.1 for the throughput phase of ``bench_catalog``.

gunicorn runs ``shop.settings`` from the environment, as in production (DEBUG off, no SSL
redirect, ALLOWED_HOSTS=127.0.0.1) against the database the latency phase just measured.
One thing differs: STATIC_ROOT points at a temporary ``collectstatic``, because with DEBUG
off the manifest storage cannot render a page without one and the benchmark must not
write into the checkout. The server is always stopped: ``finally``, ``atexit``, and on
Linux a parent-death signal in case the benchmark itself is killed.
"""

import atexit
import ctypes
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

HOST = "127.0.0.1"
SETTINGS_MODULE = "bench_server_settings"


@dataclass(frozen=True)
class Server:
    """A running shop: where it answers, its gunicorn master and its collected static files."""

    port: int
    pid: int
    static_root: Path

    def worker_pids(self) -> list[int]:
        return child_pids(self.pid)

    def static_path(self) -> str | None:
        """The URL path of one collected stylesheet (the cheapest answer the server gives)."""
        try:
            paths = json.loads((self.static_root / "staticfiles.json").read_text())["paths"]
        except (OSError, ValueError, KeyError):
            return None
        css = sorted((name.startswith("admin/"), hashed) for name, hashed in paths.items() if name.endswith(".css"))
        return f"{settings.STATIC_URL.rstrip('/')}/{quote(css[0][1])}" if css else None


def child_pids(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers, for its master)."""
    try:
        return sorted(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except OSError:
        pass
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def rss_mb(pid: int) -> float | None:
    """Resident memory of a process (VmRSS of /proc/<pid>/status) in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


class ServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _database_env() -> dict[str, str]:
    """SQLITE_PATH or DATABASE_URL naming the database the default connection now points at."""
    connection = connections[DEFAULT_DB_ALIAS]
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(name)}
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        raise ServerError("the throughput phase needs DATABASE_URL to reach PostgreSQL")
    return {"DATABASE_URL": urlsplit(url)._replace(path="/" + quote(str(name))).geturl()}


@contextmanager
def shared_redis() -> Iterator[str]:
    """The Redis a production server needs (it refuses to start without a shared cache):
    REDIS_URL when set, else a private ``redis-server`` on a free port that keeps nothing on
    disk and stops with the benchmark."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None)
    if binary is None:
        raise ServerError("a production server needs Redis: set REDIS_URL or install redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as sock:
                if sock.connect_ex((HOST, port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerError("the private redis-server did not start")
            time.sleep(0.05)
        yield f"redis://{HOST}:{port}/0"
    finally:
        _stop(process)


def server_env(*, workdir: Path, media_root: str, redis_url: str, secret_key: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}}
    env.update(_database_env())
    env.update(
        REDIS_URL=redis_url, SITE_URL=f"http://{HOST}",
        SECRET_KEY=secret_key or os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        DEBUG="0", ALLOWED_HOSTS=HOST, SECURE_SSL_REDIRECT="0", MEDIA_ROOT=media_root,
        LOG_LEVEL="WARNING", DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join(p for p in (str(workdir), env.get("PYTHONPATH", "")) if p),
    )
    return env


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # gunicorn: graceful shutdown of the master and its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    try:  # workers left behind by a killed master share its new session's process group
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _log_tail(path: Path, lines: int = 8) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


@contextmanager
def gunicorn(*, workers: int, media_root: str, port: int = 0, secret_key: str | None = None,
             timeout: float = 90.0) -> Iterator[Server]:
    """Serve the shop on 127.0.0.1 (``port``, or a free one when 0); yields it once it answers HTTP."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    (workdir / f"{SETTINGS_MODULE}.py").write_text(
        "from shop.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
    )
    log_path = workdir / "gunicorn.log"
    process: subprocess.Popen | None = None
    stack = ExitStack()
    try:
        env = server_env(workdir=workdir, media_root=media_root, redis_url=stack.enter_context(shared_redis()),
                         secret_key=secret_key)
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
        )
        if collected.returncode != 0:
            raise ServerError(f"collectstatic failed: {collected.stderr.strip()[-300:]}")
        port = port or free_port()
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "shop.wsgi", "--bind", f"{HOST}:{port}",
                 "--workers", str(workers), "--graceful-timeout", "5", "--no-control-socket",
                 "--log-level", "warning"],
                cwd=settings.BASE_DIR, env=env, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        atexit.register(_stop, process)
        _wait_until_answering(process, port, timeout=timeout, log_path=log_path)
        yield Server(port=port, pid=process.pid, static_root=workdir / "static")
    finally:
        if process is not None:
            _stop(process)
            atexit.unregister(_stop)
        stack.close()
        shutil.rmtree(workdir, ignore_errors=True)


def _wait_until_answering(process: subprocess.Popen, port: int, *, timeout: float, log_path: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerError(f"gunicorn exited with {process.returncode}: {_log_tail(log_path)}")
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        try:
            conn.request("GET", "/products/")
            conn.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            conn.close()
    raise ServerError(f"gunicorn did not answer within {timeout:.0f} s: {_log_tail(log_path)}")


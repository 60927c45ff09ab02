"""The throughput phase of ``bench_catalog``: the shop under gunicorn on 127.0.0.1, loaded by
a pool of HTTP clients (standard library only).

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
import itertools
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

HOST = "127.0.0.1"
SETTINGS_MODULE = "bench_server_settings"


@dataclass(frozen=True)
class LoadOptions:
    concurrency: int = 8
    requests: int = 400  # per endpoint
    workers: int = 2


@dataclass(frozen=True)
class Target:
    endpoint: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Throughput:
    size: int
    endpoint: str
    requests: int = 0
    non_200: int = 0
    seconds: float = 0.0
    median_ms: float | None = None
    p95_ms: float | None = None
    note: str = ""  # first non-200 status, or why nothing was measured

    @property
    def per_second(self) -> float | None:
        return self.requests / self.seconds if self.seconds > 0 else None


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


def server_env(*, workdir: Path, media_root: str, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "DJANGO_SETTINGS_MODULE"}}
    env.update(_database_env())
    env.update(
        REDIS_URL=redis_url, SITE_URL=f"http://{HOST}",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
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
def gunicorn(*, workers: int, media_root: str, timeout: float = 90.0) -> Iterator[int]:
    """Serve the shop on a free 127.0.0.1 port; yields the port once it answers HTTP."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-server-"))
    (workdir / f"{SETTINGS_MODULE}.py").write_text(
        "from shop.settings import *  # noqa: F403\n\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n"
    )
    log_path = workdir / "gunicorn.log"
    process: subprocess.Popen | None = None
    stack = ExitStack()
    try:
        env = server_env(workdir=workdir, media_root=media_root, redis_url=stack.enter_context(shared_redis()))
        collected = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300,
        )
        if collected.returncode != 0:
            raise ServerError(f"collectstatic failed: {collected.stderr.strip()[-300:]}")
        port = free_port()
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
        yield port
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


def _send(conn: http.client.HTTPConnection, target: Target) -> int:
    conn.request(target.method, target.path, body=target.body, headers=target.headers)
    response = conn.getresponse()
    response.read()
    return response.status


def _graphql_errors(port: int, target: Target) -> str:
    """A 200 from GraphQL may still carry errors: look at one answer before the load."""
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        conn.request(target.method, target.path, body=target.body, headers=target.headers)
        response = conn.getresponse()
        payload = response.read()
        if response.status != 200:
            return ""
        errors = json.loads(payload).get("errors")
        return f"200 with errors: {errors[0].get('message', '')[:60]}" if errors else ""
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return f"probe failed: {type(exc).__name__}"
    finally:
        conn.close()


def hammer(port: int, target: Target, *, requests: int, concurrency: int) -> tuple[list[float], Counter, float]:
    """``requests`` requests from ``concurrency`` clients, each on its own keep-alive
    connection (reopened when the server closes it, as gunicorn's sync workers do).
    Returns answer latencies in ms, a count of statuses (0: no answer) and the wall time."""
    tickets = itertools.count()
    lock = threading.Lock()
    stop = threading.Event()  # set when the caller is interrupted (Ctrl-C)

    def client() -> tuple[list[float], Counter]:
        samples: list[float] = []
        statuses: Counter = Counter()
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        try:
            while not stop.is_set():
                with lock:
                    if next(tickets) >= requests:
                        break
                started = time.perf_counter()
                try:
                    try:
                        status = _send(conn, target)
                    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                        conn.close()  # a kept-alive connection closed under us: once more
                        status = _send(conn, target)
                except (OSError, http.client.HTTPException):
                    conn.close()
                    statuses[0] += 1
                    continue
                samples.append((time.perf_counter() - started) * 1000)
                statuses[status] += 1
        finally:
            conn.close()
        return samples, statuses

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bench-client") as pool:
        futures = [pool.submit(client) for _ in range(concurrency)]
        try:
            results = [future.result() for future in futures]
        except BaseException:
            stop.set()  # the clients finish their current request; then the pool shuts down
            raise
    elapsed = time.perf_counter() - started
    samples = [s for part, _ in results for s in part]
    return samples, sum((c for _, c in results), Counter()), elapsed


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def targets(*, graphql_query: str | None, product_slug: str) -> list[Target]:
    found = []
    if graphql_query is not None:
        body = json.dumps({"query": graphql_query}).encode()
        found.append(Target("graphql", "POST", "/graphql/", body, {"Content-Type": "application/json"}))
    found.append(Target("catalog", "GET", "/products/"))
    found.append(Target("product", "GET", f"/products/{quote(product_slug)}/"))
    return found


def load_endpoint(port: int, target: Target, *, size: int, options: LoadOptions) -> Throughput:
    warmup = min(options.requests, 2 * max(options.workers, options.concurrency))
    hammer(port, target, requests=warmup, concurrency=options.concurrency)
    samples, statuses, seconds = hammer(port, target, requests=options.requests,
                                        concurrency=options.concurrency)
    failed = {s: n for s, n in statuses.items() if s != 200}
    notes = [f"{n}x {s or 'no answer'}" for s, n in sorted(failed.items())]
    if target.endpoint == "graphql" and (errors := _graphql_errors(port, target)):
        notes.append(errors)
    return Throughput(
        size, target.endpoint, requests=options.requests, non_200=sum(failed.values()),
        seconds=seconds, median_ms=statistics.median(samples) if samples else None,
        p95_ms=_p95(samples) if samples else None, note=", ".join(notes),
    )


def measure_throughput(*, size: int, options: LoadOptions, media_root: str, graphql_query: str | None,
                       product_slug: str, log: Callable[[str], None] = print) -> list[Throughput]:
    endpoints = targets(graphql_query=graphql_query, product_slug=product_slug)
    try:
        with gunicorn(workers=options.workers, media_root=media_root) as port:
            log(f"size {size}: gunicorn answering on http://{HOST}:{port}/ ({options.workers} workers; "
                f"1-minute load average before the load: {os.getloadavg()[0]:.2f})")
            results = [load_endpoint(port, t, size=size, options=options) for t in endpoints]
        log(f"size {size}: gunicorn on {HOST}:{port} stopped")
        return results
    except (ServerError, OSError, subprocess.SubprocessError) as exc:
        log(f"size {size}: throughput not measured: {exc}"[:400])
        return [Throughput(size, t.endpoint, note="not measured (see above)") for t in endpoints]

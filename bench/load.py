"""Load from a pool of HTTP clients (standard library only).

An operation is what one client does once on its keep-alive connection: a request, or for
order placement several. ``hammer`` runs an operation ``requests`` times from ``concurrency``
clients and returns the latencies of the good answers, the count of bad ones and the wall time.
"""

import http.client
import itertools
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

Op = Callable[[http.client.HTTPConnection], str | None]  # None when the answer is good, else why not
MakeOp = Callable[[int], Op]  # the operation of client number n
RETRYABLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass(frozen=True)
class Address:
    host: str
    port: int
    path: str = "/graphql/"

    @classmethod
    def from_url(cls, url: str) -> "Address":
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"expected an http:// URL, not {url!r}")
        return cls(parts.hostname, parts.port or 80, parts.path or "/")

    def connect(self, timeout: float = 60) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


@dataclass
class Figures:
    """One side of one workload, summed over its rounds."""

    ops: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    problems: Counter = field(default_factory=Counter)

    def add(self, other: "Figures") -> None:
        self.ops += other.ops
        self.failed += other.failed
        self.seconds += other.seconds
        self.latencies_ms += other.latencies_ms
        self.problems += other.problems

    def note(self) -> str:
        return ", ".join(f"{n}x {why}" for why, n in self.problems.most_common(2))

    @property
    def per_second(self) -> float | None:
        """Good answers per second of wall time."""
        return (self.ops - self.failed) / self.seconds if self.seconds > 0 and self.ops > self.failed else None

    def percentile(self, share: float) -> float | None:
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


def send(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One request; a kept-alive connection the server closed under us is reopened once."""
    for attempt in (1, 2):
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        except RETRYABLE:
            conn.close()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def graphql_body(query: str, variables: dict | None = None) -> bytes:
    return json.dumps({"query": query, **({"variables": variables} if variables else {})}).encode()


def graphql_problem(status: int, payload: bytes, mutation: str | None = None) -> str | None:
    """Why a GraphQL answer is not a success (None when it is): a status, top-level errors, no
    data, or, for ``mutation``, a non-empty ``errors`` list in its payload."""
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(payload)
    except ValueError:
        return "not JSON"
    if answer.get("errors"):
        return f"error: {str(answer['errors'][0].get('message', ''))[:80]}"
    data = answer.get("data") or {}
    if not data:
        return "no data"
    if mutation is not None:
        errors = (data.get(mutation) or {}).get("errors")
        if errors:
            first = errors[0]
            return f"{mutation}: {first.get('code')} {first.get('field')} {str(first.get('message'))[:60]}"
    return None


def request_op(address: Address, *, method: str = "GET", path: str | None = None, body: bytes | None = None,
               headers: dict[str, str] | None = None, check_graphql: bool = False) -> MakeOp:
    """The same request from every client; good when it answers 200 (without GraphQL errors)."""
    target = path or address.path

    def make(_client: int) -> Op:
        def op(conn: http.client.HTTPConnection) -> str | None:
            status, payload = send(conn, method, target, body, headers)
            if check_graphql:
                return graphql_problem(status, payload)
            return None if status == 200 else f"HTTP {status}"
        return op

    return make


def hammer(address: Address, make_op: MakeOp, *, requests: int, concurrency: int) -> Figures:
    """``requests`` operations from ``concurrency`` clients, each on its own connection."""
    tickets = itertools.count()
    lock = threading.Lock()
    stop = threading.Event()  # set when the caller is interrupted (Ctrl-C)

    def client(n: int) -> Figures:
        figures, op, conn = Figures(), make_op(n), address.connect()
        try:
            while not stop.is_set():
                with lock:
                    if next(tickets) >= requests:
                        break
                started = time.perf_counter()
                try:
                    problem = op(conn)
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    problem = f"no answer ({type(exc).__name__})"
                figures.ops += 1
                if problem is None:
                    figures.latencies_ms.append((time.perf_counter() - started) * 1000)
                else:
                    figures.failed += 1
                    figures.problems[problem] += 1
        finally:
            conn.close()
        return figures

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="bench-client") as pool:
        futures = [pool.submit(client, n) for n in range(concurrency)]
        try:
            parts = [future.result() for future in futures]
        except BaseException:
            stop.set()  # the clients finish their current request; then the pool shuts down
            raise
    total = Figures()
    for part in parts:
        total.add(part)
    total.seconds = time.perf_counter() - started
    return total

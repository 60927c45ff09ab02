"""``manage.py bench_catalog [--sizes 100,10000] [--repeat 30] [--no-throughput]``: catalog
latency and SQL query counts at several catalog sizes (see ``bench.catalog``), then requests
per second under gunicorn at the largest size (``bench.load``). A benchmark, not a test."""

import logging
import os

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.catalog import Measurement, run_benchmark
from bench.load import LoadOptions, Throughput

ENDPOINTS = ("catalog", "product", "graphql")
# From the project brief, printed for comparison only.
SALEOR_REFERENCE = "Saleor reference: 23 req/s at 14 queries; target 5x = 115 req/s"


def _sizes(raw: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in raw.split(",") if part.strip()})
    except ValueError:
        raise CommandError("--sizes takes comma-separated whole numbers, e.g. 100,10000.") from None
    if not sizes or sizes[0] < 1:
        raise CommandError("--sizes takes positive numbers of products, e.g. 100,10000.")
    return sizes


class Command(BaseCommand):
    help = "Time the catalog page, a product page and the GraphQL product list at several catalog sizes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="100,10000", help="visible products per run (default 100,10000)")
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per endpoint (default 30)")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--no-throughput", action="store_true",
                            help="skip the gunicorn throughput phase at the largest size")
        parser.add_argument("--concurrency", type=int, default=8, help="simultaneous clients (default 8)")
        parser.add_argument("--requests", type=int, default=400,
                            help="requests per endpoint in the throughput phase (default 400)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")

    def handle(self, *args, sizes: str, repeat: int, warmup: int, seed: int, no_throughput: bool,
               concurrency: int, requests: int, workers: int, **options) -> None:
        size_list = _sizes(sizes)
        if repeat < 1 or warmup < 0:
            raise CommandError("--repeat must be at least 1 and --warmup at least 0.")
        if min(concurrency, requests, workers) < 1:
            raise CommandError("--concurrency, --requests and --workers must each be at least 1.")
        load = None if no_throughput else LoadOptions(concurrency=concurrency, requests=requests,
                                                      workers=workers)
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 404/500 are reported below
        self.stdout.write(
            f"Catalog benchmark on {connection.vendor}: sizes {size_list}, {repeat} timed requests "
            f"after {warmup} warm-up, seed {seed}"
        )
        report = run_benchmark(sizes=size_list, repeat=repeat, warmup=warmup, seed=seed, load=load,
                               load_sizes=frozenset(size_list[-1:]), log=self.stdout.write)
        self._table(report.latency)
        self._summary(report.latency, size_list)
        if load is not None:
            self._throughput(report.throughput, report.latency, load)

    def _table(self, results: list[Measurement]) -> None:
        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}"

        self.stdout.write("")
        self.stdout.write(f"{'size':>7}  {'endpoint':<8}  {'status':<10}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}")
        for r in results:
            queries = "-" if r.queries is None else str(r.queries)
            self.stdout.write(
                f"{r.size:>7}  {r.endpoint:<8}  {r.status:<10}  {ms(r.median_ms):>9}  {ms(r.p95_ms):>8}  {queries:>7}"
            )

    def _summary(self, results: list[Measurement], sizes: list[int]) -> None:
        smallest, largest = sizes[0], sizes[-1]
        by = {(r.size, r.endpoint): r for r in results}
        ratios, same = [], []
        for endpoint in ENDPOINTS:
            low, high = by.get((smallest, endpoint)), by.get((largest, endpoint))
            if low and high and low.median_ms and high.median_ms is not None:
                ratios.append(f"{endpoint} {high.median_ms / low.median_ms:.2f}x")
            else:
                ratios.append(f"{endpoint} n/a")
            counts = [by[(s, endpoint)].queries for s in sizes if (s, endpoint) in by]
            if counts and None not in counts:
                verdict = "yes" if len(set(counts)) == 1 else "NO"
                same.append(f"{endpoint} {verdict} ({' / '.join(str(c) for c in counts)})")
            else:
                same.append(f"{endpoint} n/a")
        self.stdout.write("")
        self.stdout.write(f"Median latency at {largest} vs {smallest} products: " + ", ".join(ratios))
        self.stdout.write("Query counts identical across sizes: " + ", ".join(same))

    def _throughput(self, results: list[Throughput], latency: list[Measurement], load: LoadOptions) -> None:
        def num(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}"

        self.stdout.write("")
        self.stdout.write(
            f"Throughput under gunicorn: {load.workers} sync workers, {load.concurrency} clients, "
            f"{load.requests} requests per endpoint, 127.0.0.1, clients and server sharing "
            f"{os.cpu_count()} CPU cores"
        )
        self.stdout.write(f"{'size':>7}  {'endpoint':<8}  {'requests':>8}  {'non-200':>7}  {'req/s':>7}  "
                          f"{'median ms':>9}  {'p95 ms':>8}  note")
        for r in results:
            self.stdout.write(
                f"{r.size:>7}  {r.endpoint:<8}  {r.requests:>8}  {r.non_200:>7}  {num(r.per_second):>7}  "
                f"{num(r.median_ms):>9}  {num(r.p95_ms):>8}  {r.note}".rstrip()
            )
        graphql = next((r for r in results if r.endpoint == "graphql"), None)
        measured = "not measured"
        if graphql is not None and graphql.per_second is not None:
            queries = next((m.queries for m in latency
                            if m.size == graphql.size and m.endpoint == "graphql"), None)
            measured = f"{graphql.per_second:.1f} req/s" + ("" if queries is None else f" at {queries} queries")
        self.stdout.write("")
        self.stdout.write(f"GraphQL products(first: 24): {measured} measured; {SALEOR_REFERENCE}")

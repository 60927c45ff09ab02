"""``manage.py bench_catalog [--sizes 100,10000] [--repeat 30]``: catalog latency and SQL
query counts at several catalog sizes (see ``shop.demo.bench``). A benchmark, not a test."""

import logging

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from shop.demo.bench import Measurement, run_benchmark

ENDPOINTS = ("catalog", "product", "graphql")


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

    def handle(self, *args, sizes: str, repeat: int, warmup: int, seed: int, **options) -> None:
        size_list = _sizes(sizes)
        if repeat < 1 or warmup < 0:
            raise CommandError("--repeat must be at least 1 and --warmup at least 0.")
        logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 404/500 are reported below
        self.stdout.write(
            f"Catalog benchmark on {connection.vendor}: sizes {size_list}, {repeat} timed requests "
            f"after {warmup} warm-up, seed {seed}"
        )
        results = run_benchmark(sizes=size_list, repeat=repeat, warmup=warmup, seed=seed,
                                log=self.stdout.write)
        self._table(results)
        self._summary(results, size_list)

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

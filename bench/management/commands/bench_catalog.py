"""``manage.py bench_catalog [--sizes 100,10000] [--repeat 30] [--no-throughput] [--port N]
[--against URL] [--rounds 4] [--concurrency 8] [--requests 400]``: catalog latency and SQL query
counts at several catalog sizes (see ``bench.catalog``), then, at the largest size, the shop
under gunicorn in interleaved rounds against Saleor's GraphQL endpoint (``--against``) or a
static file from the same server: list, detail, order placement and the HTML pages, with
their rates and ratio, the load average and each worker's RSS (``bench.compare``). A
benchmark, not a test."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.catalog import Measurement, run_benchmark
from bench.compare import Comparison, LoadOptions
from bench.report import comparison_lines

ENDPOINTS = ("catalog", "product", "catalog filtered", "catalog rendered", "product rendered", "graphql")
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
    help = ("Time the catalog page, a product page and the GraphQL product list at several catalog sizes, then "
            "compare the shop under gunicorn with Saleor (--against URL) or a static file.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--sizes", default="100,10000", help="visible products per run (default 100,10000)")
        parser.add_argument("--repeat", type=int, default=30, help="timed requests per endpoint (default 30)")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests first (default 3)")
        parser.add_argument("--seed", type=int, default=2020)
        parser.add_argument("--no-throughput", action="store_true",
                            help="skip the gunicorn throughput phase at the largest size")
        parser.add_argument("--concurrency", type=int, default=8, help="simultaneous clients (default 8)")
        parser.add_argument("--requests", type=int, default=400,
                            help="operations (requests; orders) per workload and side in the throughput phase (default 400)")
        parser.add_argument("--rounds", type=int, default=4,
                            help="interleaved rounds (shop, other, shop, ...) the requests are split into (default 4)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
        parser.add_argument("--port", type=int, default=0,
                            help="port of the shop's gunicorn on 127.0.0.1 (default: a free one)")
        parser.add_argument("--against", metavar="URL",
                            help="a Saleor GraphQL endpoint (e.g. http://127.0.0.1:8190/graphql/) to compare with; "
                                 "without it (or when it does not answer) the shop is compared with a static file")

    def handle(self, *args, sizes: str, repeat: int, warmup: int, seed: int, no_throughput: bool,
               concurrency: int, requests: int, workers: int, rounds: int, port: int, against: str | None,
               **options) -> None:
        size_list = _sizes(sizes)
        if repeat < 1 or warmup < 0:
            raise CommandError("--repeat must be at least 1 and --warmup at least 0.")
        if min(concurrency, requests, workers, rounds) < 1:
            raise CommandError("--concurrency, --requests, --rounds and --workers must each be at least 1.")
        if not 0 <= port <= 65535:
            raise CommandError("--port takes a port number (0: a free one).")
        load = None if no_throughput else LoadOptions(concurrency=concurrency, requests=requests, workers=workers,
                                                      rounds=rounds, port=port, against=against)
        self.stdout.write(
            f"Catalog benchmark on {connection.vendor}: sizes {size_list}, {repeat} timed requests "
            f"after {warmup} warm-up, seed {seed}"
        )
        report = run_benchmark(sizes=size_list, repeat=repeat, warmup=warmup, seed=seed, load=load,
                               load_sizes=frozenset(size_list[-1:]), log=self.stdout.write)
        self._table(report.latency)
        self._summary(report.latency, size_list)
        if load is not None:
            self._throughput(report.throughput, report.latency)

    def _table(self, results: list[Measurement]) -> None:
        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}"

        self.stdout.write("")
        self.stdout.write(f"{'size':>7}  {'endpoint':<16}  {'status':<10}  {'median ms':>9}  {'p95 ms':>8}  {'queries':>7}")
        for r in results:
            queries = "-" if r.queries is None else str(r.queries)
            self.stdout.write(
                f"{r.size:>7}  {r.endpoint:<16}  {r.status:<10}  {ms(r.median_ms):>9}  {ms(r.p95_ms):>8}  {queries:>7}"
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

    def _throughput(self, results: list[Comparison], latency: list[Measurement]) -> None:
        for comparison in results:
            self.stdout.write("")
            for line in comparison_lines(comparison, vendor=connection.vendor):
                self.stdout.write(line)
            list_row = next((r for r in comparison.rows if r.name.startswith("list")), None)
            if comparison.other_label == "static":
                measured = "not measured"
                if list_row is not None and list_row.shop.per_second is not None:
                    queries = next((m.queries for m in latency
                                    if m.size == comparison.size and m.endpoint == "graphql"), None)
                    measured = f"{list_row.shop.per_second:.1f} req/s" + (
                        "" if queries is None else f" at {queries} queries")
                self.stdout.write(f"GraphQL products(first: 24): {measured} measured; {SALEOR_REFERENCE}")

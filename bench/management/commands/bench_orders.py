"""``manage.py bench_orders [--buyers 8] [--seconds 10] [--orders N] [--lines 2] [--shared-stock 200]``:
order placement throughput with concurrent buyers on distinct and on shared variants, in a
throwaway database (see ``bench.orders``). Prints figures; asserts nothing about timing."""

import os
import tempfile

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from bench.database import bench_database
from bench.orders import PhaseReport, build_world, run_phase

# From the project brief, printed for comparison only.
SALEOR_REFERENCE = "Saleor reference: 13.6 checkouts/s on this kind of machine; target 5x = 68/s"


class Command(BaseCommand):
    help = "Measure order placement with concurrent buyers (distinct and shared variants) and count oversold units."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--buyers", type=int, default=8, help="concurrent buyer processes (default 8)")
        parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase (default 10)")
        parser.add_argument("--orders", type=int, default=1_000_000,
                            help="stop a buyer after this many orders (default: no limit)")
        parser.add_argument("--lines", type=int, default=2, help="order lines (variants) per order (default 2)")
        parser.add_argument("--shared-stock", type=int, default=200,
                            help="units of each shared variant (default 200: sold out during the phase)")

    def handle(self, *args, buyers: int, seconds: float, orders: int, lines: int, shared_stock: int,
               **options) -> None:
        if buyers < 1 or orders < 1 or lines < 1 or seconds <= 0 or shared_stock < 0:
            raise CommandError("--buyers, --orders and --lines must be at least 1, --seconds above 0, "
                               "--shared-stock 0 or more.")
        self.stdout.write(
            f"Order benchmark on {connection.vendor}: {buyers} buyer processes, {lines} lines per order, "
            f"{seconds:g} s or {orders} orders per buyer per phase; buyers and database share "
            f"{os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f})"
        )
        reports: list[PhaseReport] = []
        # SQLite writers must take the lock at BEGIN to queue behind each other; deferred
        # transactions fail with "database is locked" when a reader turns writer.
        scratch = bench_database(command="bench_orders", suffix="_bench_orders", log=self.stdout.write,
                                 sqlite_options={"transaction_mode": "IMMEDIATE"},
                                 note="migrating and seeding a small demo")
        with tempfile.TemporaryDirectory(prefix="bench-orders-media-") as media, scratch:
            world = build_world(buyers=buyers, lines=lines, shared_stock=shared_stock, media_root=media)
            reports.append(run_phase(name="distinct", world=world, variants_per_buyer=world.distinct,
                                     seconds=seconds, orders=orders))
            reports.append(run_phase(name="shared", world=world, variants_per_buyer=[world.shared] * buyers,
                                     seconds=seconds, orders=orders))
        self._table(reports)
        self.stdout.write(f"Load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)")

    def _table(self, reports: list[PhaseReport]) -> None:
        def ms(value: float | None) -> str:
            return "-" if value is None else f"{value:.1f}"

        self.stdout.write("")
        self.stdout.write(f"{'phase':<9} {'buyers':>6} {'orders':>7} {'seconds':>7} {'orders/s':>8} "
                          f"{'p50 ms':>7} {'p95 ms':>7} {'stock':>7} {'sold':>7} {'left':>7} {'oversell':>8}  rejected")
        for r in reports:
            rejected = ", ".join(f"{code} {n}" for code, n in sorted(r.rejected.items())) or "-"
            self.stdout.write(
                f"{r.name:<9} {r.buyers:>6} {r.placed:>7} {r.seconds:>7.2f} {r.per_second:>8.1f} "
                f"{ms(r.p50_ms):>7} {ms(r.p95_ms):>7} {r.initial_stock:>7} {r.sold:>7} {r.stock_left:>7} "
                f"{r.oversell:>8}  {rejected}"
            )
        self.stdout.write("")
        self.stdout.write(f"Oversell (units sold beyond the initial stock): {sum(r.oversell for r in reports)}")
        self.stdout.write(f"Units unaccounted for (stock - sold - left): {sum(r.unaccounted for r in reports)}")
        self.stdout.write("Buyer-process CPU per order (cart adds included, database server not counted): " + ", ".join(
            f"{r.name} {ms(r.client_cpu_ms_per_order)} ms" for r in reports))
        self.stdout.write(f"Order placement: {reports[0].per_second:.1f} orders/s on distinct variants, "
                          f"{reports[1].per_second:.1f} orders/s on shared variants; {SALEOR_REFERENCE}")
        errors = sum(n for r in reports for code, n in r.rejected.items() if code.startswith("error"))
        if errors:
            self.stderr.write(f"{errors} order attempts failed with an unexpected error (see 'rejected').")

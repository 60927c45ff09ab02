"""Reconcile the ledger with paid orders, refunds and approved offline records, and the
tally's aggregates with the ledger; prints every difference and exits non-zero on any.
Payments recorded outside every campaign are reported on a line of their own: they are
not differences. The products' sales and rating counters are checked too;
``--rebuild-product-stats`` recomputes them first."""

import sys
import time

from django.core.management.base import BaseCommand

from orders.integrity import reconcile_report
from orders.services.product_stats import product_stats_rebuild
from shop.common.money import format_yuan


class Command(BaseCommand):
    help = "Compare the ledger with its sources and the tally with the ledger."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild-product-stats", action="store_true",
            help="First recompute the products' sales and rating counters from the orders "
                 "(after a bulk load, or to repair a reported difference).",
        )

    def handle(self, *args, **options):
        if options["rebuild_product_stats"]:
            changed = product_stats_rebuild()
            self.stdout.write(f"Product sales and rating counters rebuilt: {changed} product(s) changed")
        started = time.perf_counter()
        report = reconcile_report()
        elapsed = time.perf_counter() - started
        for problem in report.differences:
            self.stdout.write(f"DIFF  {problem}")
        if report.uncovered:
            self.stdout.write(
                f"NOTE  outside every campaign: {format_yuan(report.uncovered.amount_fen)} in "
                f"{report.uncovered.payments} payments (recorded, counted in no campaign; not a difference)"
            )
        if report.differences:
            self.stdout.write(f"{len(report.differences)} difference(s) ({elapsed:.2f} s)")
            sys.exit(1)
        self.stdout.write(f"OK  the ledger reconciles ({elapsed:.2f} s)")

"""Reconcile the ledger with paid orders, refunds and approved offline records, and the
tally's aggregates with the ledger; prints every difference and exits non-zero on any."""

import sys
import time

from django.core.management.base import BaseCommand

from orders.integrity import tally_reconcile


class Command(BaseCommand):
    help = "Compare the ledger with its sources and the tally with the ledger."

    def handle(self, *args, **options):
        started = time.perf_counter()
        problems = tally_reconcile()
        elapsed = time.perf_counter() - started
        for problem in problems:
            self.stdout.write(f"DIFF  {problem}")
        if problems:
            self.stdout.write(f"{len(problems)} difference(s) ({elapsed:.2f} s)")
            sys.exit(1)
        self.stdout.write(f"OK  the ledger reconciles ({elapsed:.2f} s)")

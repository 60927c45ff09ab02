"""Verify the ledger's hash chain; exits non-zero on any edited, inserted or deleted entry."""

import sys
import time

from django.core.management.base import BaseCommand

from orders.integrity import ledger_verify
from orders.models import LedgerEntry


class Command(BaseCommand):
    help = "Recompute the ledger's hash chain and report every break."

    def handle(self, *args, **options):
        started = time.perf_counter()
        problems = ledger_verify()
        elapsed = time.perf_counter() - started
        for problem in problems:
            self.stdout.write(f"BROKEN  {problem}")
        count = LedgerEntry.objects.count()
        if problems:
            self.stdout.write(f"{len(problems)} problem(s) in {count} entries ({elapsed:.2f} s)")
            sys.exit(1)
        self.stdout.write(f"OK  {count} entries chained ({elapsed:.2f} s)")

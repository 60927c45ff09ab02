"""Check the settlement identity: money received = refunded + settled + held (pending and
available), to the fen, overall and per supplier; exits non-zero on any difference."""

import sys

from django.core.management.base import BaseCommand

from orders.selectors.settlement import settlement_reconcile
from shop.common.money import format_yuan


class Command(BaseCommand):
    help = "Reconcile supplier settlement: received = refunded + settled + held, per supplier."

    def handle(self, *args, **options):
        report = settlement_reconcile()
        for problem in report.differences:
            self.stdout.write(f"DIFF  {problem}")
        summary = (
            f"received {format_yuan(report.received_fen)} = refunded {format_yuan(report.refunded_fen)}"
            f" + settled {format_yuan(report.settled_fen)} + held {format_yuan(report.held_fen)}"
            f" ({report.suppliers} suppliers, {report.statements} statements)"
        )
        if report.differences:
            self.stdout.write(f"{len(report.differences)} difference(s); {summary}")
            sys.exit(1)
        self.stdout.write(f"OK  {summary}")

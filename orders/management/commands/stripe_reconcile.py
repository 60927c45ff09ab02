"""Compare the shop's card payments, refunds and disputes with Stripe's objects, to the
fen; prints every difference and exits 1 on any (2 when Stripe cannot be reached)."""

import sys
import time

from django.core.management.base import BaseCommand

from orders.stripe.client import card_payments_enabled
from orders.stripe.payments import StripeUnavailable
from orders.stripe.reconcile import stripe_reconcile


class Command(BaseCommand):
    help = "Compare card payments, refunds and disputes with Stripe's, to the fen."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Only payments made in the last N days.")

    def handle(self, *args, **options):
        if not card_payments_enabled():
            self.stdout.write("Stripe is not configured: nothing to compare.")
            return
        started = time.perf_counter()
        try:
            problems = stripe_reconcile(days=options["days"])
        except StripeUnavailable as exc:
            self.stderr.write(f"Stripe could not be asked: {exc}")
            sys.exit(2)
        elapsed = time.perf_counter() - started
        for problem in problems:
            self.stdout.write(f"DIFF  {problem}")
        if problems:
            self.stdout.write(f"{len(problems)} difference(s) ({elapsed:.2f} s)")
            sys.exit(1)
        self.stdout.write(f"OK  card payments, refunds and disputes match Stripe ({elapsed:.2f} s)")

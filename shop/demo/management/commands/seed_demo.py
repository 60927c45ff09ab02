"""``manage.py seed_demo [--if-empty] [--scale N] [--seed 2020]``: the demo shop.

With ``--if-empty`` on a database that has products, only this year's campaign (when it is
missing) and the demo orders are added."""

import logging

from django.core.management.base import BaseCommand, CommandParser
from django.test.utils import override_settings

from catalog.models import Product
from shop.demo.data_buyers import DEMO_PASSWORD
from shop.demo.orders import seed_demo_orders
from shop.demo.seed_buyers import DemoLogin, demo_logins
from shop.demo.services import demo_campaign_seed, demo_seed
from shop.demo.settlement import demo_statement_states


class Command(BaseCommand):
    help = "Load the regions and a deterministic demo shop (suppliers, products, buyers, campaign, logins)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
        parser.add_argument("--scale", type=int, default=0, metavar="N",
                            help="also make sure N extra products exist (for benchmarks)")
        parser.add_argument("--if-empty", action="store_true",
                            help="do nothing when products already exist")
        parser.add_argument("--limit", type=int, default=None, metavar="N",
                            help="create at most N of the planned demo products")

    def handle(self, *args, seed: int, scale: int, if_empty: bool, limit: int | None, **options) -> None:
        if scale < 0 or (limit is not None and limit < 0):
            self.stderr.write("--scale and --limit take a number of products, 0 or more.")
            raise SystemExit(2)
        if if_empty and Product.objects.exists():
            self.stdout.write(
                f"Demo data is already there ({Product.objects.count()} products); nothing to do."
            )
            if demo_logins():  # the demo's database: in a new year, that year's campaign is added
                self._campaign(*demo_campaign_seed())
            self._print_logins(None)
            self._orders()
            return
        # The eager thumbnail task logs every run at INFO; keep the output to the summary.
        logging.getLogger("celery").setLevel(logging.WARNING)
        # The demo's invented applicants would get real notification e-mails (printed to the
        # console by default): keep them in memory instead.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            summary = demo_seed(seed=seed, scale=scale, product_limit=limit)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data (seed {summary.seed}) ready in {summary.seconds:.1f} s: "
            f"{summary.suppliers_created} suppliers, {summary.products_created} products, "
            f"{summary.organizations_created} buyer organizations and {summary.scale_created} "
            f"scale products created; {summary.products_visible} of {summary.products_total} "
            f"products visible."
        ))
        self._campaign(summary.campaign, summary.offline_records_created)
        self._print_logins(summary.logins)
        self._orders()

    def _campaign(self, name: str, offline_added: int) -> None:
        if not name:
            self.stdout.write("\nNo demo campaign for this year: another campaign already covers the three counties.")
            return
        added = f" ({offline_added} offline records of ¥10,900,000 approved)" if offline_added else ""
        self.stdout.write(f"\nCampaign {name} covers this year{added}: orders paid now count in /tally/.")

    def _orders(self) -> None:
        """Demo orders in each state (idempotent: a second run creates none)."""
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            orders = seed_demo_orders()
        if orders.skipped:
            self.stdout.write(f"\nNo demo orders: {orders.skipped}.")
            return
        states = ", ".join(f"{status} {n}" for status, n in sorted(orders.by_status.items()))
        self.stdout.write(
            f"\nDemo orders: {orders.created} created ({states}). purchaser@demo.cn sees and accepts them, "
            "approver@demo.cn approves the pending one, supplier@demo.cn ships the paid one, "
            "admin@demo.cn records bank receipts in /admin/."
        )
        for refused in orders.refused:
            self.stdout.write(f"  left as it is: {refused}")
        states = ", ".join(f"{status} {n}" for status, n in sorted(demo_statement_states().items()))
        if states:
            self.stdout.write(
                f"Demo settlement statements ({states}): supplier@demo.cn confirms or objects at "
                "/portal/settlement/, admin@demo.cn approves and marks paid (staff@demo.cn generated them)."
            )

    def _print_logins(self, logins: list[DemoLogin] | None) -> None:
        logins = demo_logins() if logins is None else logins
        if not logins:
            return
        width = max(len(login.email) for login in logins)
        self.stdout.write(f"\nDemo logins (password {DEMO_PASSWORD}):")
        self.stdout.write(f"  {'email'.ljust(width)}  {'role'.ljust(20)}  where")
        for login in logins:
            self.stdout.write(f"  {login.email.ljust(width)}  {login.role.ljust(20)}  {login.where}")

"""Order placement under concurrency, behind ``manage.py bench_orders`` (a measurement, not a test).

It builds a throwaway database (a temporary SQLite file, or ``<name>_bench_orders`` on
PostgreSQL), seeds a small demo into it, adds bench variants and one purchaser per buyer, and
forks one process per buyer, each with its own connection. Two phases:

- distinct: every buyer orders its own variants (no lock is shared between buyers);
- shared: every buyer orders the same variants, whose stock runs out during the phase.

Each order goes through the real services (``cart_line_add`` then ``order_place``); only
``order_place`` is timed. The oversell count is the units sold beyond a variant's initial
stock, summed over the variants (it must be 0). Children queue the order e-mails on an
in-memory broker that nobody reads: the e-mails are a worker's job, not the request's.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import statistics
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Sum
from django.test.utils import override_settings

from catalog.models import Product, ProductVariant
from catalog.services.listings import product_refresh_summary
from orders.models import OrderLine
from orders.services.cart import cart_clear, cart_line_add
from orders.services.checkout import order_place
from shop.accounts.models import BuyerOrganization, DeliveryAddress, MemberRole, Membership, User
from shop.celery import app
from shop.demo.services import demo_seed

FORK = mp.get_context("fork")
WAIT = 120  # seconds: the longest any parent or child waits for the others


def child_setup(settings_dict: dict | None = None) -> None:
    """In a freshly forked child: forget the parent's connection object (without closing a
    handle the parent may still use), optionally point at another database, and send task
    messages to an in-memory broker instead of running them here."""

    wrapper = connections[DEFAULT_DB_ALIAS]
    _inherited.append(wrapper.connection)
    wrapper.connection = None
    if settings_dict is not None:
        wrapper.settings_dict["NAME"] = settings_dict["NAME"]
        wrapper.settings_dict["OPTIONS"] = dict(settings_dict.get("OPTIONS") or {})
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://localhost/"  # type: ignore[misc]  # celery-types: read-only (a host: kombu warns without one)


_inherited: list = []


def error_codes(exc: BaseException) -> str:
    """``insufficient_stock`` (etc.) for a ValidationError, ``error: …`` for anything else."""

    if isinstance(exc, ValidationError):
        found = exc.error_dict.values() if hasattr(exc, "error_dict") else [exc.error_list]
        return ",".join(sorted({str(e.code) for errors in found for e in errors}))
    return f"error: {type(exc).__name__}: {exc}"[:300]


# --- data ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchWorld:
    organization_id: int
    address_id: int
    user_ids: list[int]
    distinct: list[list[int]]  # variant ids per buyer
    shared: list[int]


def build_world(*, buyers: int, lines: int, shared_stock: int, media_root: str) -> BenchWorld:
    """A small demo, then ``add_buyers``: one product per bench variant, each from another
    supplier (the demo takes one product per supplier in turn), so that on distinct variants
    no two buyers share a row."""


    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend", MEDIA_ROOT=media_root):
        demo_seed(seed=2020, product_limit=buyers * lines + lines)
    return add_buyers(buyers=buyers, lines=lines, shared_stock=shared_stock)


def add_buyers(*, buyers: int, lines: int, shared_stock: int) -> BenchWorld:
    """On a seeded demo: one bench purchaser per buyer in an organization without an approval
    threshold, ``lines`` variants per buyer with ample stock and ``lines`` shared variants with
    ``shared_stock`` units each."""

    organization = BuyerOrganization.objects.filter(approval_threshold__isnull=True).order_by("pk").first()
    if organization is None:
        raise CommandError("The demo has no organization without an approval threshold.")
    address = DeliveryAddress.objects.filter(organization=organization).order_by("pk").first()
    assert address is not None  # made with the organization
    users = []
    for n in range(buyers):
        user = User.objects.create_user(username=f"bench-buyer-{n}", email=f"bench-buyer-{n}@bench.invalid",
                                        password=None)
        Membership.objects.create(user=user, organization=organization, role=MemberRole.PURCHASER)
        users.append(user.pk)
    products = list(Product.objects.visible().order_by("pk"))

    def variant(n: int, stock: int) -> int:
        product = products[n % len(products)]
        return ProductVariant.objects.create(
            product=product, sku=f"BENCH-{n}", spec=f"bench {n}", unit="件", price=Decimal("12.50"),
            market_price=Decimal("15.00"), stock=stock,
        ).pk

    distinct = [[variant(b * lines + i, 1_000_000) for i in range(lines)] for b in range(buyers)]
    shared = [variant(buyers * lines + i, shared_stock) for i in range(lines)]
    for product in {products[n % len(products)] for n in range((buyers + 1) * lines)}:
        product_refresh_summary(product=product)
    return BenchWorld(organization.pk, address.pk, users, distinct, shared)


# --- buyers -------------------------------------------------------------------------------

@dataclass
class BuyerResult:
    placed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    started: float = 0.0
    finished: float = 0.0
    cpu_seconds: float = 0.0  # this buyer process's own CPU time in the loop (not the server's)


def _buyer(phase: str, user_id: int, organization_id: int, address_id: int, variant_ids: list[int],
           seconds: float, orders: int, barrier, results) -> None:
    """Child: order one unit of each variant, again and again, until ``seconds`` pass,
    ``orders`` are placed, or the stock is gone."""
    child_setup()

    user = User.objects.get(pk=user_id)
    organization = BuyerOrganization.objects.get(pk=organization_id)
    result = BuyerResult()
    barrier.wait(WAIT)
    result.started = time.monotonic()
    cpu = time.process_time()
    deadline = result.started + seconds
    n = 0
    while time.monotonic() < deadline and result.placed < orders:
        n += 1
        try:
            for variant_id in variant_ids:
                cart_line_add(user=user, organization=organization, variant_id=variant_id, quantity=1)
        except Exception as exc:
            code = error_codes(exc)
            result.rejected["sold out at cart" if code == "insufficient_stock" else code] = 1
            break  # sold out (or broken): this buyer is done
        began = time.perf_counter()
        try:
            order_place(user=user, organization=organization, address_id=address_id,
                        funding_channel="canteen", idempotency_key=f"bench-{phase}-{user_id}-{n}")
            result.latencies_ms.append((time.perf_counter() - began) * 1000)
            result.placed += 1
        except Exception as exc:
            code = error_codes(exc)
            result.rejected[code] = result.rejected.get(code, 0) + 1
            cart_clear(user=user, organization=organization)
    result.finished = time.monotonic()
    result.cpu_seconds = time.process_time() - cpu
    results.put(result)
    connections.close_all()


@dataclass
class PhaseReport:
    name: str
    buyers: int
    placed: int
    seconds: float
    p50_ms: float | None
    p95_ms: float | None
    rejected: dict[str, int]
    initial_stock: int
    sold: int
    oversell: int
    stock_left: int
    client_cpu_seconds: float

    @property
    def client_cpu_ms_per_order(self) -> float | None:
        """Python time of the buyer processes per placed order (cart adds included)."""
        return self.client_cpu_seconds * 1000 / self.placed if self.placed else None

    @property
    def unaccounted(self) -> int:
        """Units neither sold nor left on sale (must be 0)."""
        return self.initial_stock - self.sold - self.stock_left

    @property
    def per_second(self) -> float:
        return self.placed / self.seconds if self.seconds > 0 else 0.0


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def run_phase(*, name: str, world: BenchWorld, variants_per_buyer: list[list[int]],
              seconds: float, orders: int) -> PhaseReport:
    """Fork one buyer per list of variants, start them together, gather their figures and
    check the stock of every variant they bought."""


    ids = sorted({v for vs in variants_per_buyer for v in vs})
    initial = dict(ProductVariant.objects.filter(pk__in=ids).values_list("pk", "stock"))
    connections.close_all()  # never fork a live database socket
    barrier = FORK.Barrier(len(variants_per_buyer))
    results = FORK.Queue()
    processes = [
        FORK.Process(target=_buyer, daemon=True, args=(
            name, user_id, world.organization_id, world.address_id, variant_ids, seconds, orders, barrier, results))
        for user_id, variant_ids in zip(world.user_ids, variants_per_buyer, strict=True)
    ]
    for process in processes:
        process.start()
    gathered: list[BuyerResult] = []
    try:
        for _ in processes:
            gathered.append(results.get(timeout=seconds + WAIT))
    except queue.Empty:
        raise CommandError(f"{name}: a buyer did not finish within {seconds + WAIT:.0f} s") from None
    finally:
        for process in processes:
            process.join(WAIT)
            if process.is_alive():
                process.kill()
    latencies = sorted(x for r in gathered for x in r.latencies_ms)
    rejected: dict[str, int] = {}
    for r in gathered:
        for code, count in r.rejected.items():
            rejected[code] = rejected.get(code, 0) + count
    sold = dict(OrderLine.objects.filter(variant_id__in=ids).values("variant_id")
                .annotate(n=Sum("quantity")).values_list("variant_id", "n"))
    stock = dict(ProductVariant.objects.filter(pk__in=ids).values_list("pk", "stock"))
    return PhaseReport(
        name=name, buyers=len(processes), placed=sum(r.placed for r in gathered),
        seconds=max(r.finished for r in gathered) - min(r.started for r in gathered),
        p50_ms=percentile(latencies, 0.50), p95_ms=percentile(latencies, 0.95), rejected=rejected,
        initial_stock=sum(initial.values()), sold=sum(sold.values()),
        oversell=sum(max(0, sold.get(v, 0) - initial[v]) for v in ids),
        stock_left=sum(stock.values()), client_cpu_seconds=sum(r.cpu_seconds for r in gathered),
    )

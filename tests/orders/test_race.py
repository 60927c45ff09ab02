"""Races on order placement with real operating-system processes and real database connections.

Twenty buyers (each its own member with its own cart, in its own forked process with its own
connection) try to buy one of the last five units of a variant at the same moment, ten rounds
in a row: exactly five orders succeed each round, the other fifteen get ``insufficient_stock``,
the stock ends at 0 with 5 reserved, and nobody deadlocks. Two carts holding the same
variants, filled in opposite order, are then placed concurrently many times: both succeed
every time while stock allows.

On PostgreSQL the children connect to the test database by name (taken from the parent's
``connection.settings_dict``). SQLite's test database lives in the parent's memory, so there
it is copied to a file first, the children work on the file, and the result is copied back
for the assertions: a true multi-process run there too (SQLite serialises the writers).
Children queue their order e-mails on an in-memory broker (``bench.orders.child_setup``):
the e-mails are not what is raced here.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection, connections
from django.db.models import Sum

from bench.orders import child_setup, error_codes
from catalog.models import Product, ProductVariant
from catalog.services.listings import product_refresh_summary
from orders.models import Order, OrderLine
from shop.accounts.models import MemberRole
from tests.factories import MembershipFactory, ProductFactory
from tests.world import OrderWorld, key

pytestmark = pytest.mark.django_db(transaction=True)

CTX = mp.get_context("fork")
TIMEOUT = 90  # seconds any one wait may take; a deadlock shows up as a timeout or a DB error
BUYERS, UNITS, ROUNDS = 20, 5, 10


@dataclass(frozen=True)
class Buyer:
    user_id: int
    organization_id: int
    address_id: int


# --- database plumbing ------------------------------------------------------------------

class SharedDatabase:
    """What the children connect to. PostgreSQL: the test database itself. SQLite: a file
    copy of the parent's (in-memory) test database, copied back by ``collect``."""

    def __init__(self, tmp_path: Path):
        connections.close_all()  # never fork a live PostgreSQL socket
        self.settings = dict(connection.settings_dict)
        self.file = None
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            self.file = tmp_path / "race.sqlite3"
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)
            self.settings["NAME"] = str(self.file)
            # Writers must queue for SQLite's lock from BEGIN on: with the default deferred
            # transactions a reader that then writes gets "database is locked" at once
            # instead of waiting out the busy timeout. The embedded settings need the same.
            self.settings["OPTIONS"] = {**self.settings.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE"}

    def collect(self) -> None:
        if self.file is not None:
            source = sqlite3.connect(self.file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


def _buy_rounds(settings_dict, buyer: Buyer, rounds: list[list[int]], barrier, results) -> None:
    """Child: each round put the round's variants (one unit each, in the given order) in the
    cart, wait for everybody, place the order, report, empty the cart."""
    child_setup(settings_dict)
    from orders.services.cart import cart_clear, cart_line_add
    from orders.services.checkout import order_place
    from shop.accounts.models import BuyerOrganization, User

    user = User.objects.get(pk=buyer.user_id)
    organization = BuyerOrganization.objects.get(pk=buyer.organization_id)
    for number, variant_ids in enumerate(rounds):
        outcome = ""
        try:
            for variant_id in variant_ids:
                cart_line_add(user=user, organization=organization, variant_id=variant_id, quantity=1)
        except Exception as exc:  # reported to the parent, which fails the test
            outcome = "cart " + error_codes(exc)
        try:
            barrier.wait(TIMEOUT)
        except Exception as exc:
            results.put((number, buyer.user_id, "barrier " + error_codes(exc)))
            return
        if not outcome:
            try:
                order = order_place(
                    user=user, organization=organization, address_id=buyer.address_id,
                    funding_channel="canteen", idempotency_key=key(),
                )
                outcome = f"ok {order.pk}"
            except Exception as exc:
                outcome = error_codes(exc)
        cart_clear(user=user, organization=organization)
        results.put((number, buyer.user_id, outcome))
    connections.close_all()


def _run(db: SharedDatabase, plan: dict[Buyer, list[list[int]]]) -> dict[int, list[str]]:
    """Start one process per buyer, collect every round's outcomes, then copy back."""
    rounds = len(next(iter(plan.values())))
    barrier = CTX.Barrier(len(plan))
    results = CTX.Queue()
    processes = [
        CTX.Process(target=_buy_rounds, args=(db.settings, buyer, buyer_rounds, barrier, results), daemon=True)
        for buyer, buyer_rounds in plan.items()
    ]
    for process in processes:
        process.start()
    outcomes: dict[int, list[str]] = {n: [] for n in range(rounds)}
    try:
        for _ in range(rounds * len(plan)):
            number, _user, outcome = results.get(timeout=TIMEOUT)
            outcomes[number].append(outcome)
            if outcome.startswith("barrier"):
                break
    except queue.Empty:
        pytest.fail(f"no answer within {TIMEOUT} s (deadlock?); so far: {outcomes}")
    finally:
        for process in processes:
            process.join(TIMEOUT)
        for process in processes:
            if process.is_alive():
                process.kill()
        db.collect()
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]
    return outcomes


# --- fixtures -----------------------------------------------------------------------------

def _buyers(world: OrderWorld, count: int) -> list[Buyer]:
    """``count`` purchasers of organization B (no approval threshold), each with a cart."""
    users = [
        MembershipFactory(organization=world.org_b, role=MemberRole.PURCHASER, user__username=f"racer-{n}").user
        for n in range(count)
    ]
    return [Buyer(u.pk, world.org_b.pk, world.address_b.pk) for u in users]


def _variant(world: OrderWorld, *, stock: int, supplier=None) -> ProductVariant:
    product = ProductFactory(supplier=supplier or world.supplier_a)
    variant = product.variants.get()
    variant.stock = stock
    variant.save(update_fields=["stock"])
    product_refresh_summary(product=product)
    return variant


# --- tests --------------------------------------------------------------------------------

def test_twenty_processes_race_for_the_last_five_units_ten_times(world, tmp_path):
    variants = [_variant(world, stock=UNITS) for _ in range(ROUNDS)]
    buyers = _buyers(world, BUYERS)
    db = SharedDatabase(tmp_path)

    outcomes = _run(db, {b: [[v.pk] for v in variants] for b in buyers})

    for number, variant in enumerate(variants):
        got = sorted(o.split()[0] for o in outcomes[number])
        assert got == ["insufficient_stock"] * (BUYERS - UNITS) + ["ok"] * UNITS, (number, outcomes[number])
        variant.refresh_from_db()
        assert (variant.stock, variant.reserved) == (0, UNITS)
        assert OrderLine.objects.filter(variant=variant).aggregate(n=Sum("quantity"))["n"] == UNITS
        assert Product.objects.get(pk=variant.product_id).total_stock == 0
    assert Order.objects.filter(organization=world.org_b).count() == UNITS * ROUNDS
    assert not ProductVariant.objects.filter(stock__lt=0).exists()


def test_two_carts_with_the_same_variants_in_opposite_order_never_deadlock(world, tmp_path):
    rounds = 30
    # Two suppliers: each order has two fulfilments, two lines and two locked variant rows.
    first = _variant(world, stock=2 * rounds)
    second = _variant(world, stock=2 * rounds, supplier=world.supplier_b)
    forward, backward = _buyers(world, 2)
    db = SharedDatabase(tmp_path)

    outcomes = _run(db, {
        forward: [[first.pk, second.pk]] * rounds,
        backward: [[second.pk, first.pk]] * rounds,
    })

    for number in range(rounds):
        assert [o.split()[0] for o in outcomes[number]] == ["ok", "ok"], (number, outcomes[number])
    for variant in (first, second):
        variant.refresh_from_db()
        assert (variant.stock, variant.reserved) == (0, 2 * rounds)
    assert Order.objects.filter(placed_by_id__in=[forward.user_id, backward.user_id]).count() == 2 * rounds
    assert all(o.fulfilments.count() == 2 for o in Order.objects.filter(placed_by_id=forward.user_id))


def test_opposite_carts_when_stock_allows_only_one_of_them(world, tmp_path):
    """The last unit of each variant: one order takes both, the other is told the stock is
    short; nothing is half-reserved."""
    rounds = 5
    firsts = [_variant(world, stock=1) for _ in range(rounds)]
    seconds = [_variant(world, stock=1, supplier=world.supplier_b) for _ in range(rounds)]
    forward, backward = _buyers(world, 2)
    db = SharedDatabase(tmp_path)

    outcomes = _run(db, {
        forward: [[a.pk, b.pk] for a, b in zip(firsts, seconds, strict=True)],
        backward: [[b.pk, a.pk] for a, b in zip(firsts, seconds, strict=True)],
    })

    for number in range(rounds):
        assert sorted(o.split()[0] for o in outcomes[number]) == ["insufficient_stock", "ok"], outcomes[number]
    for variant in (*firsts, *seconds):
        variant.refresh_from_db()
        assert (variant.stock, variant.reserved) == (0, 1)

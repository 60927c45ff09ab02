"""Buyers' payments of the same product recorded at the same moment, from threads with their
own database connections: the product's sales counter gains every order's units, none lost
(the counter is incremented in each payment's transaction, not recomputed and written back).
On SQLite, which serialises writers, a payment that met "database is locked" is retried
after the race; the counter must still end exact."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connections

from catalog.models import Product
from orders.models import PaymentMethod
from orders.selectors.product_stats import product_stats_differences
from orders.services.payments import order_mark_paid
from tests.world import place

pytestmark = pytest.mark.django_db(transaction=True)
BUYERS = 4


def test_simultaneous_payments_of_one_product_count_every_unit(world):
    orders = [place(world, items=[(world.variant_a, 1 + i)]) for i in range(BUYERS)]
    barrier = threading.Barrier(BUYERS)
    failed: list[int] = []

    def pay(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            order_mark_paid(order_id=orders[i].pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=orders[i].total_fen)
        except OperationalError:
            failed.append(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(BUYERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for i in failed:  # SQLite only: "database is locked"
        assert connections["default"].vendor == "sqlite"
        order_mark_paid(order_id=orders[i].pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=orders[i].total_fen)
    product = Product.objects.get(pk=world.variant_a.product_id)
    assert product.sales_units == sum(1 + i for i in range(BUYERS))
    assert product_stats_differences() == []

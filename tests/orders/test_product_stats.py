"""Sales count and ratings shown on catalog cards and the product page come from paid order
lines and from the rating a member of the buying organization gives once at acceptance.
They are stored counters kept in step by the order services; the reconcile checks them."""

import importlib
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection

from catalog.models import Product
from catalog.selectors import ProductFilter, product_detail, product_list
from orders.integrity import tally_reconcile
from orders.models import OrderStatus, PaymentMethod
from orders.selectors.product_stats import product_stats_differences
from orders.services.fulfilment import fulfilment_accept, fulfilment_ship, order_accept
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from tests.world import place

pytestmark = pytest.mark.django_db


def paid(world):
    order = place(world)
    return order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen).order


def stats(variant):
    p = product_detail(slug=variant.product.slug)
    return p.sales_units, p.rating_average, p.rating_count


def test_only_paid_orders_count_as_sales(world):
    place(world)  # placed, not paid: not a sale
    assert stats(world.variant_a) == (0, None, 0)
    order = paid(world)
    units_a = order.lines.get(variant=world.variant_a).quantity
    assert stats(world.variant_a) == (units_a, None, 0)


def test_rating_by_a_member_of_the_buying_organization_once(world):
    order = paid(world)
    part_a, _ = order.fulfilments.order_by("id")
    fulfilment_ship(actor=world.owner_a, fulfilment=part_a, carrier="顺丰", tracking_number="SF1")
    with pytest.raises((PermissionDenied, ValidationError)):
        fulfilment_accept(actor=world.purchaser_b, fulfilment=part_a, rating=1)  # another organization
    with pytest.raises((PermissionDenied, ValidationError)):
        fulfilment_accept(actor=world.owner_a, fulfilment=part_a, rating=5)  # the supplier itself
    assert stats(world.variant_a)[1:] == (None, 0)
    fulfilment_accept(actor=world.purchaser_a, fulfilment=part_a, rating=4, comment="新鲜")
    fulfilment_accept(actor=world.purchaser_a, fulfilment=part_a, rating=1)  # once: ignored
    assert stats(world.variant_a)[1:] == (4.0, 1)
    assert stats(world.variant_b)[1:] == (None, 0)  # the other supplier's part is not rated


def test_sales_sort_puts_the_best_seller_first(world):
    paid(world)
    paid(world)
    ids = [p.pk for p in product_list(filters=ProductFilter(sort="sales"))]
    sold = {world.variant_a.product_id, world.variant_b.product_id}
    assert set(ids[: len(sold)]) == sold


def test_a_full_refund_takes_the_units_away_and_a_partial_one_does_not(world):
    order = paid(world)
    units_a = order.lines.get(variant=world.variant_a).quantity
    order_refund(actor=world.staff, order=order, reason="少发一件", amount_fen=100, idempotency_key="p1")
    assert stats(world.variant_a)[0] == units_a  # still a sale
    order_refund(actor=world.staff, order=order, reason="整单退款", idempotency_key="full", bank_reference="B1")
    assert stats(world.variant_a)[0] == 0
    order_refund(actor=world.staff, order=order, reason="整单退款", idempotency_key="full", bank_reference="B1")
    assert stats(world.variant_a)[0] == 0  # a retried refund takes nothing twice


def test_shipping_and_accepting_a_sale_do_not_count_it_again(world):
    order = paid(world)
    units_a = order.lines.get(variant=world.variant_a).quantity
    for part in order.fulfilments.order_by("id"):
        owner = world.owner_a if part.supplier_id == world.supplier_a.pk else world.owner_b
        fulfilment_ship(actor=owner, fulfilment=part, carrier="顺丰", tracking_number=f"SF{part.pk}")
    order_accept(actor=world.purchaser_a, order=order, rating=5)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert stats(world.variant_a) == (units_a, 5.0, 1)
    assert stats(world.variant_b)[1:] == (5.0, 1)


def test_reconcile_reports_a_wrong_counter_and_the_rebuild_repairs_it(world):
    order = paid(world)
    units_a = order.lines.get(variant=world.variant_a).quantity
    assert product_stats_differences() == []
    Product.objects.filter(pk=world.variant_a.product_id).update(sales_units=units_a + 7, rating_count=2)
    differences = tally_reconcile()
    assert any(f"product {world.variant_a.product_id}:" in d for d in differences)
    out = StringIO()
    call_command("tally_reconcile", "--rebuild-product-stats", stdout=out)
    assert "1 product(s) changed" in out.getvalue() and "OK" in out.getvalue()
    assert stats(world.variant_a) == (units_a, None, 0)


def test_the_migration_fills_the_counters_from_existing_orders(world):
    order = paid(world)
    part_a, _ = order.fulfilments.order_by("id")
    fulfilment_ship(actor=world.owner_a, fulfilment=part_a, carrier="顺丰", tracking_number="SF1")
    fulfilment_accept(actor=world.purchaser_a, fulfilment=part_a, rating=3)
    expected = stats(world.variant_a)
    Product.objects.update(sales_units=0, rating_sum=0, rating_count=0)
    backfill = importlib.import_module("orders.migrations.0012_product_stats_backfill").backfill
    backfill(django_apps, SimpleNamespace(connection=connection))  # it needs only the connection
    assert stats(world.variant_a) == expected and expected[0] > 0 and expected[2] == 1

"""Sales count and ratings shown on catalog cards and the product page come from paid order
lines and from the rating a member of the buying organization gives once at acceptance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from catalog.selectors import ProductFilter, product_detail, product_list
from orders.models import PaymentMethod
from orders.services.fulfilment import fulfilment_accept, fulfilment_ship
from orders.services.payments import order_mark_paid
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

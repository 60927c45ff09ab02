"""Keep the products' sales and rating counters in step with orders, inside the
transaction that changes them (the order row is locked by the caller):

- ``product_stats_order_status``: called by ``order_transition``; an order entering the
  paid statuses adds its lines' units, leaving them (cancelled, fully refunded) takes them
  away. Moving between paid statuses (paid → shipped → accepted) changes nothing.
- ``product_stats_rating``: a rating given at acceptance counts once for each product of
  the part.
- ``product_stats_rebuild``: recompute every counter from the orders (after a bulk load,
  or to repair a difference ``tally_reconcile`` reports).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction

from catalog.services.stats import product_rating_add, product_sales_add, product_stats_store
from orders.models import PAID_ORDER_STATUSES, Fulfilment, Order, OrderLine
from orders.selectors.product_stats import product_stats_expected


def product_stats_order_status(*, order: Order, old_status: str, new_status: str) -> None:
    was_sale, is_sale = old_status in PAID_ORDER_STATUSES, new_status in PAID_ORDER_STATUSES
    if was_sale == is_sale:
        return
    sign = 1 if is_sale else -1
    units: dict[int, int] = defaultdict(int)
    for product_id, quantity in OrderLine.objects.filter(order=order).values_list("variant__product_id", "quantity"):
        units[product_id] += sign * quantity
    product_sales_add(units_by_product=units)


def product_stats_rating(*, fulfilment: Fulfilment, rating: int | None) -> None:
    if rating is None:
        return
    product_ids = OrderLine.objects.filter(fulfilment=fulfilment).values_list("variant__product_id", flat=True)
    product_rating_add(product_ids=list(product_ids), rating=rating)


@transaction.atomic
def product_stats_rebuild() -> int:
    """Set every product's counters from the orders; returns how many changed."""
    return product_stats_store(compute=product_stats_expected)

"""The products' sales and rating figures recomputed from their sources, to check (and
rebuild) the counters stored on ``catalog.Product``:

- units sold: quantities of the lines of orders in ``PAID_ORDER_STATUSES`` (a fully
  refunded or cancelled order does not count);
- ratings: the 1–5 stars a buyer gives once when accepting (验收) a supplier's part of an
  order; the part rates every product it delivered, once per product.

Two GROUP BY queries whatever the data size; the (small) results are rolled up in Python.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Sum

from catalog.models import Product
from orders.models import PAID_ORDER_STATUSES, OrderLine

MAX_LISTED = 50


def product_stats_expected() -> dict[int, tuple[int, int, int]]:
    """Product id → (units sold, rating sum, rating count), products with any."""
    stats: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    sold = (
        OrderLine.objects.filter(order__status__in=PAID_ORDER_STATUSES)
        .order_by().values("variant__product_id").annotate(units=Sum("quantity"))
        .values_list("variant__product_id", "units")
    )
    for product_id, units in sold:
        stats[product_id][0] = int(units or 0)
    rated = (
        OrderLine.objects.filter(fulfilment__rating__isnull=False)
        .order_by().values_list("variant__product_id", "fulfilment_id", "fulfilment__rating").distinct()
    )
    for product_id, _part, rating in rated:
        stats[product_id][1] += rating or 0  # never None: rated parts only
        stats[product_id][2] += 1
    return {pk: (v[0], v[1], v[2]) for pk, v in stats.items()}


def product_stats_differences() -> list[str]:
    """Products whose stored counters disagree with their sources (empty: consistent)."""
    expected = product_stats_expected()
    problems: list[str] = []
    stored = Product.objects.order_by("pk").values_list("pk", "sales_units", "rating_sum", "rating_count")
    for product_id, *got in stored.iterator(chunk_size=2000):
        want = expected.get(product_id, (0, 0, 0))
        if tuple(got) != want and len(problems) < MAX_LISTED:
            problems.append(
                f"product {product_id}: stored sold/rating sum/ratings {tuple(got)}, from orders {want}"
            )
    return problems

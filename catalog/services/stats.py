"""Writes of the products' sales and rating counters (``Product.sales_units``,
``rating_sum``, ``rating_count``).

The orders app calls these inside the transaction that changes what they count (see
``orders.services.product_stats``). Changes are increments (``UPDATE ... SET n = n + k``),
one row at a time in primary-key order, so concurrent payments of the same product never
lose a count and never wait on each other in a cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from django.db.models import F

from catalog.models import Product
from shop.common.listing_version import listings_changed


def product_sales_add(*, units_by_product: Mapping[int, int]) -> None:
    """Add (or, with negative numbers, take away) sold units per product id."""
    for product_id in sorted(units_by_product):
        units = units_by_product[product_id]
        if units:
            Product.objects.filter(pk=product_id).update(sales_units=F("sales_units") + units)
    if any(units_by_product.values()):
        listings_changed()  # the cards show the units sold, and the sales sort uses them


def product_rating_add(*, product_ids: Iterable[int], rating: int) -> None:
    """Count one 1–5 star rating for each of ``product_ids``."""
    for product_id in sorted(set(product_ids)):
        Product.objects.filter(pk=product_id).update(
            rating_sum=F("rating_sum") + rating, rating_count=F("rating_count") + 1
        )
    listings_changed()


def product_stats_store(*, compute: Callable[[], Mapping[int, tuple[int, int, int]]]) -> int:
    """Set every product's counters to what ``compute()`` returns (product id → units sold,
    rating sum, rating count; a product absent from it has none). Returns how many products
    changed. Used to rebuild the counters after a bulk load or to repair them after a
    reported difference.

    Call it inside a transaction: every product row is locked (in primary-key order) before
    ``compute`` runs, so a payment committing meanwhile either is in the figures or waits and
    then adds its increment on top; none is lost or counted twice."""
    list(Product.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    expected = compute()
    changed = 0
    rows = Product.objects.order_by("pk").values_list("pk", "sales_units", "rating_sum", "rating_count")
    for product_id, *stored in rows.iterator(chunk_size=2000):
        want = expected.get(product_id, (0, 0, 0))
        if tuple(stored) != tuple(want):
            Product.objects.filter(pk=product_id).update(
                sales_units=want[0], rating_sum=want[1], rating_count=want[2]
            )
            changed += 1
    if changed:
        listings_changed()
    return changed

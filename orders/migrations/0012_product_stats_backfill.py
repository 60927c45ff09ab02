"""Fill the products' new sales and rating counters (catalog 0007) from the orders.

Self-contained (no application code): the same figures as
``orders.selectors.product_stats.product_stats_expected``, by two GROUP BY queries.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Sum

PAID = ("paid", "shipped", "accepted")


def backfill(apps, schema_editor):
    OrderLine = apps.get_model("orders", "OrderLine")
    Product = apps.get_model("catalog", "Product")
    db = schema_editor.connection.alias
    stats = defaultdict(lambda: [0, 0, 0])
    sold = (
        OrderLine.objects.using(db).filter(order__status__in=PAID).order_by()
        .values("variant__product_id").annotate(units=Sum("quantity"))
        .values_list("variant__product_id", "units")
    )
    for product_id, units in sold:
        stats[product_id][0] = int(units or 0)
    rated = (
        OrderLine.objects.using(db).filter(fulfilment__rating__isnull=False).order_by()
        .values_list("variant__product_id", "fulfilment_id", "fulfilment__rating").distinct()
    )
    for product_id, _part, rating in rated:
        stats[product_id][1] += rating
        stats[product_id][2] += 1
    for product_id, (units, rating_sum, rating_count) in stats.items():
        Product.objects.using(db).filter(pk=product_id).update(
            sales_units=units, rating_sum=rating_sum, rating_count=rating_count
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0011_settlement"),
        ("catalog", "0007_product_stats_counters"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

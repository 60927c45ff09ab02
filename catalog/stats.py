"""Sales and ratings of products, as annotations computed in the listing's own query.

Both come from the orders app, which sits above catalog in the import graph: the models are
looked up by name so that catalog imports no orders code. Nothing is denormalised, so the
numbers are always exact:

- ``sales_units``: units in lines of paid orders (paid, shipped or accepted; a fully
  refunded or cancelled order does not count).
- ``rating_average`` / ``rating_count``: the 1–5 star ratings buyers give when they accept
  (验收) a supplier's part of an order (``orders.Fulfilment.rating``, one per part and
  given once); a part rates every product it delivered.
"""

from typing import Any, TypeVar

from django.apps import apps
from django.db.models import F, FloatField, Func, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

PAID_ORDER_STATUSES = ("paid", "shipped", "accepted")

_QS = TypeVar("_QS", bound=QuerySet[Any, Any])


def _scalar(queryset: QuerySet, function: str, field: str, output) -> Subquery:
    """``SELECT function(field) FROM ...`` without GROUP BY: one row for the whole set."""
    return Subquery(
        queryset.order_by().annotate(v=Func(F(field), function=function, output_field=output)).values("v")[:1],
        output_field=output,
    )


def sales_units_expression() -> Coalesce:
    order_line = apps.get_model("orders", "OrderLine")
    lines = order_line.objects.filter(
        variant__product_id=OuterRef("pk"), order__status__in=PAID_ORDER_STATUSES
    )
    return Coalesce(_scalar(lines, "SUM", "quantity", IntegerField()), 0)


def _rated_parts():
    order_line = apps.get_model("orders", "OrderLine")
    fulfilment = apps.get_model("orders", "Fulfilment")
    return fulfilment.objects.filter(
        rating__isnull=False,
        pk__in=order_line.objects.filter(variant__product_id=OuterRef(OuterRef("pk"))).values("fulfilment_id"),
    )


def with_stats(queryset: _QS) -> _QS:
    """Annotate ``sales_units``, ``rating_average`` (None when unrated) and ``rating_count``."""
    return queryset.annotate(
        sales_units=sales_units_expression(),
        rating_average=_scalar(_rated_parts(), "AVG", "rating", FloatField()),
        rating_count=Coalesce(_scalar(_rated_parts(), "COUNT", "rating", IntegerField()), 0),
    )

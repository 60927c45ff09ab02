"""Reads of orders. Per-object permission lives here: a member reads only its own
organizations' orders, a supplier only its own fulfilments (its part of an order)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from orders.models import Fulfilment, Order, OrderEvent, OrderLine, OrderStatus
from shop.accounts.models import BuyerOrganization, User
from shop.accounts.selectors import memberships_of

if TYPE_CHECKING:
    from suppliers.models import Supplier


def _pk(value: object) -> int | None:
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**31 else None


def orders_for_organization(
    *, organization: BuyerOrganization, status: str = "", number: str = "",
    placed_from: date | None = None, placed_until: date | None = None, supplier: str = "",
) -> QuerySet[Order]:
    """The organization's orders, newest first, narrowed by status, part of the order
    number, placing date range (inclusive, local dates) and supplier name."""
    qs = Order.objects.filter(organization=organization).select_related("placed_by")
    if status:
        qs = qs.filter(status=status)
    if number:
        qs = qs.filter(number__icontains=number)
    if placed_from:
        qs = qs.filter(created_at__date__gte=placed_from)
    if placed_until:
        qs = qs.filter(created_at__date__lte=placed_until)
    if supplier:
        qs = qs.filter(
            pk__in=Fulfilment.objects.filter(
                Q(supplier__short_name__icontains=supplier) | Q(supplier__legal_name__icontains=supplier)
            ).values("order_id")
        )
    return qs.order_by("-id")


def pending_approval_count(*, organization_id: int) -> int:
    """Orders of the organization waiting for an approver (one COUNT query)."""
    return Order.objects.filter(organization_id=organization_id, status=OrderStatus.PENDING_APPROVAL).count()


def order_detail_queryset() -> QuerySet[Order]:
    """An order with everything its page shows, in a fixed number of queries."""
    return Order.objects.select_related("organization", "placed_by", "approved_by").prefetch_related(
        Prefetch(
            "fulfilments",
            queryset=Fulfilment.objects.select_related("supplier").prefetch_related(
                Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
            ),
        ),
        Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("id")),
        "payments",
    )


def order_for_member(*, user: User | AnonymousUser, order_id: object) -> Order | None:
    """The order, if ``user`` is a member of the organization that placed it (staff read
    every order). ``None`` otherwise, so callers answer 404 and never confirm it exists."""
    pk = _pk(order_id)
    if pk is None or not user.is_authenticated:
        return None
    qs = order_detail_queryset().filter(pk=pk)
    if not user.is_staff:
        qs = qs.filter(organization_id__in=memberships_of(user=user).values("organization_id"))
    return qs.first()


def order_timeline(*, order: Order) -> list[OrderEvent]:
    return list(order.events.select_related("actor", "fulfilment__supplier").order_by("id"))


def fulfilments_for_supplier(*, supplier: Supplier, status: str = "") -> QuerySet[Fulfilment]:
    qs = (
        Fulfilment.objects.filter(supplier=supplier)
        .select_related("order", "order__organization")
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.order_by("id")))
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-id")


def fulfilment_for_supplier(*, supplier: Supplier, fulfilment_id: object) -> Fulfilment | None:
    pk = _pk(fulfilment_id)
    if pk is None:
        return None
    return fulfilments_for_supplier(supplier=supplier).filter(pk=pk).first()

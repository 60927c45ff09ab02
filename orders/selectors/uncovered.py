"""Payments outside every campaign: recorded in the ledger with no campaign, counted in no
tally, shown apart ("¥X in N payments outside every campaign") until a campaign takes
them over (``orders.services.takeover``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, Sum

from orders.models import Campaign, EntryKind, LedgerEntry


@dataclass(frozen=True)
class Uncovered:
    amount_fen: int  # net: paid lines and their refunds, less what campaigns took over
    payments: int  # paid orders with a line outside every campaign, not taken over

    def __bool__(self) -> bool:
        return bool(self.amount_fen or self.payments)


def uncovered_summary() -> Uncovered:
    """One query over the entries with no campaign (an index on the campaign column)."""
    moved = LedgerEntry.objects.filter(takes_over=OuterRef("pk"))
    row = LedgerEntry.objects.filter(campaign__isnull=True).aggregate(
        amount=Sum("amount_fen"),
        payments=Count(
            "order_line__order_id", distinct=True,
            filter=Q(kind=EntryKind.ORDER_LINE) & ~Q(Exists(moved)),
        ),
    )
    return Uncovered(amount_fen=int(row["amount"] or 0), payments=int(row["payments"] or 0))


@dataclass(frozen=True)
class OrderCounting:
    campaigns: list[str]  # names of the campaigns its paid lines count in
    uncovered: bool  # some paid line counts in no campaign


def order_counted_in(*, order_ids: list[int]) -> dict[int, OrderCounting]:
    """Where each order's paid lines count (missing: nothing recorded, e.g. not paid).
    One query whatever the number of orders and lines."""
    rows = (
        LedgerEntry.objects.filter(
            Q(kind=EntryKind.ORDER_LINE) | Q(kind=EntryKind.TAKEOVER_IN, takes_over__kind=EntryKind.ORDER_LINE),
            order_line__order_id__in=order_ids,
        )
        .values_list("order_line__order_id", "pk", "campaign__name", "takes_over_id")
        .order_by("order_line__order_id", "campaign__name", "pk")
    )
    names: dict[int, list[str]] = {}
    outside: dict[int, set[int]] = {}
    moved: set[int] = set()
    for order_id, pk, name, original in rows:
        found = names.setdefault(order_id, [])
        if name is None:
            outside.setdefault(order_id, set()).add(pk)
        elif name not in found:
            found.append(name)
        if original is not None:
            moved.add(original)
    return {
        order_id: OrderCounting(campaigns=found, uncovered=bool(outside.get(order_id, set()) - moved))
        for order_id, found in names.items()
    }


def campaign_covering(*, on: date) -> bool:
    """Whether an active campaign covers the day (in any county)."""
    return Campaign.objects.filter(is_active=True, start_date__lte=on, end_date__gte=on).exists()

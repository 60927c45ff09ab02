"""A campaign takes over the entries recorded outside every campaign (staff action, audited).

A payment made while no campaign covered its date and county is recorded with no campaign
(see ``orders.services.ledger``). When staff later create (or extend) a campaign covering
it, ``campaign_take_over_uncovered`` moves it into that campaign without editing the
ledger: for each such entry (a paid line, with the refunds of that line) it appends a pair,
both referencing the original: a negative ``takeover_out`` entry outside every campaign and
a positive ``takeover_in`` entry in the campaign with the original's dimensions and time.
The ``ledger_takeover_once`` constraint makes a second takeover of the same entry fail, so
an entry moves once, into one campaign. The campaign's aggregates (and its accepted figure
for orders already accepted) move in the same transaction, under the ledger head's lock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from orders.models import Campaign, EntryKind, LedgerEntry, OrderLine
from orders.services.ledger import ledger_append, ledger_lock_head, tally_apply
from shop.accounts.models import User
from shop.common.audit import audit_record

COPIED = ("county_id", "supplier_id", "organization_id", "organization_parent_id", "buyer_type",
          "funding_channel", "category_id", "occurred_at", "order_line_id", "note")


@dataclass(frozen=True)
class TakeoverPreview:
    payments: int  # paid lines moved
    refunds: int  # refund entries of those lines moved with them
    amount_fen: int  # net amount the campaign gains


def _bounds(campaign: Campaign) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(campaign.start_date, time.min))
    end = timezone.make_aware(datetime.combine(campaign.end_date + timedelta(days=1), time.min))
    return start, end


def takeover_candidates(*, campaign: Campaign) -> QuerySet[LedgerEntry]:
    """Entries outside every campaign, not yet taken over, that the campaign covers: paid
    lines dated within its dates in one of its counties, and the refunds of those lines."""
    start, end = _bounds(campaign)
    not_moved = ~Exists(LedgerEntry.objects.filter(takes_over=OuterRef("pk")))
    paid = LedgerEntry.objects.filter(
        campaign__isnull=True, kind=EntryKind.ORDER_LINE, occurred_at__gte=start, occurred_at__lt=end,
        county__in=campaign.counties.values("code"),
    )
    return (
        LedgerEntry.objects.filter(campaign__isnull=True, kind__in=[EntryKind.ORDER_LINE, EntryKind.REFUND])
        .filter(not_moved)
        .filter(Q(pk__in=paid.values("pk")) | Q(kind=EntryKind.REFUND, order_line_id__in=paid.values("order_line_id")))
        .order_by("seq", "id")
    )


def takeover_preview(*, campaign: Campaign) -> TakeoverPreview:
    rows = {
        kind: (n, total) for kind, n, total in takeover_candidates(campaign=campaign).order_by().values("kind")
        .annotate(n=Count("id"), s=Sum("amount_fen")).values_list("kind", "n", "s")
    }
    paid, refunds = rows.get(EntryKind.ORDER_LINE, (0, 0)), rows.get(EntryKind.REFUND, (0, 0))
    return TakeoverPreview(payments=paid[0], refunds=refunds[0], amount_fen=int(paid[1] or 0) + int(refunds[1] or 0))


def _pair(original: LedgerEntry, campaign: Campaign) -> tuple[LedgerEntry, LedgerEntry]:
    values = {name: getattr(original, name) for name in COPIED}
    out = LedgerEntry(campaign=None, kind=EntryKind.TAKEOVER_OUT, amount_fen=-original.amount_fen,
                      takes_over=original, **values)
    into = LedgerEntry(campaign=campaign, kind=EntryKind.TAKEOVER_IN, amount_fen=original.amount_fen,
                       takes_over=original, **values)
    return out, into


def _orders_counted_in(campaign: Campaign, order_ids: set[int]) -> set[int]:
    """Orders that already count in the campaign (an order is counted once per campaign)."""
    return set(
        OrderLine.objects.filter(order_id__in=order_ids).filter(
            Q(ledger_entries__campaign=campaign, ledger_entries__kind=EntryKind.ORDER_LINE)
            | Q(ledger_entries__campaign=campaign, ledger_entries__kind=EntryKind.TAKEOVER_IN,
                ledger_entries__takes_over__kind=EntryKind.ORDER_LINE)
        ).values_list("order_id", flat=True)
    )


@transaction.atomic
def campaign_take_over_uncovered(*, actor: User, campaign: Campaign, reason: str = "") -> TakeoverPreview:
    """Move every entry outside every campaign that ``campaign`` covers into it (see the
    module docstring). Returns what moved; a rerun moves nothing more."""
    ledger_lock_head()  # no payment, refund or other takeover appends while the candidates are chosen
    originals = list(takeover_candidates(campaign=campaign).select_related("order_line__order"))
    if not originals:
        return TakeoverPreview(payments=0, refunds=0, amount_fen=0)
    order_of = {e.pk: e.order_line.order_id for e in originals if e.order_line is not None}  # select_related: no query
    paid_orders = {order_of[e.pk] for e in originals if e.kind == EntryKind.ORDER_LINE and e.pk in order_of}
    counting = paid_orders - _orders_counted_in(campaign, paid_orders)
    entries, accepted = [], 0
    for original in originals:
        out, into = _pair(original, campaign)
        if original.kind == EntryKind.ORDER_LINE:
            into._order_id = order_of.get(original.pk)
        if original.order_line is not None and original.order_line.order.accepted_at is not None:
            accepted += original.amount_fen
        entries += [out, into]
    ledger_append(entries=entries, counted_orders=counting)
    if accepted:
        tally_apply(deltas={(campaign.pk, "accepted", "", ""): [accepted, 0, 0, ""]})
    moved = TakeoverPreview(
        payments=sum(1 for e in originals if e.kind == EntryKind.ORDER_LINE),
        refunds=sum(1 for e in originals if e.kind == EntryKind.REFUND),
        amount_fen=sum(e.amount_fen for e in originals),
    )
    audit_record(
        actor=actor, instance=campaign, action="campaign.take_over_uncovered",
        changes={"payments": [0, moved.payments], "refunds": [0, moved.refunds], "amount_fen": [0, moved.amount_fen]},
        reason=reason,
    )
    return moved

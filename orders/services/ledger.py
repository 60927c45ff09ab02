"""The procurement ledger's only writer. Entries are appended, never updated or deleted.

A paid order line appends one positive entry (the ``ledger_one_entry_per_paid_line``
constraint makes a second attempt fail rather than double count); a refund line appends
one negative entry into the same campaign as the line it refunds. An entry belongs to the
campaign whose dates cover the moment of payment and whose counties include the line's
county. A line outside every campaign is still recorded, with no campaign ("outside every
campaign"), and so is its refund: no paid yuan vanishes, and a campaign created later can
take it over (``orders.services.takeover``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from orders.chain import aggregate_deltas, entry_hash, entry_values
from orders.models import (
    Campaign,
    EntryKind,
    LedgerEntry,
    LedgerHead,
    Order,
    Refund,
    TallyAggregate,
)
from shop.accounts.models import BuyerOrganization


def campaign_for(*, county_id: str, on: date) -> Campaign | None:
    return (
        Campaign.objects.filter(start_date__lte=on, end_date__gte=on, counties__code=county_id)
        .order_by("-start_date", "-id")
        .first()
    )


def ledger_lock_head() -> LedgerHead:
    head = LedgerHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        try:
            with transaction.atomic():
                LedgerHead.objects.create(pk=1)
        except IntegrityError:
            pass  # created by a concurrent append
        head = LedgerHead.objects.select_for_update().get(pk=1)
    return head


def ledger_append(*, entries: list[LedgerEntry], counted_orders: set[int] | None = None) -> list[LedgerEntry]:
    """Append entries in the caller's transaction: chain them (sequence number and hash
    over the previous entry's hash) under the head's row lock, then add them to the
    running aggregates in the same transaction, so the tally never disagrees with the
    ledger. The head lock serialises appends; aggregate rows are upserted in one statement."""
    if not entries:
        return []
    head = ledger_lock_head()
    for entry in entries:
        if entry.organization_id and entry.organization_parent_id is None:
            entry.organization_parent_id = _parent_of(entry.organization_id)
        head.seq += 1
        entry.seq = head.seq
        entry.prev_hash = head.last_hash
        entry.entry_hash = entry_hash(entry_values(entry), head.last_hash)
        head.last_hash = entry.entry_hash
    created = LedgerEntry.objects.bulk_create(entries)
    head.save(update_fields=["seq", "last_hash"])
    tally_apply(deltas=aggregate_deltas(entries, counted_orders=counted_orders))
    return created


def _parent_of(organization_id: int) -> int | None:
    return BuyerOrganization.objects.filter(pk=organization_id).values_list("parent_id", flat=True).first()


def tally_apply(*, deltas: dict[tuple[int, str, str, str], list[Any]]) -> None:
    """Add the deltas to the aggregate rows (insert or increment), in key order."""
    if not deltas:
        return
    qn = connection.ops.quote_name
    table = qn(TallyAggregate._meta.db_table)
    cols = ", ".join(qn(c) for c in ("campaign_id", "dimension", "period", "key", "group", "amount_fen", "entry_count", "order_count"))
    rows = sorted(deltas.items())
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for (campaign_id, dimension, period, key), (amount, count, orders, group) in rows:
        params += [campaign_id, dimension, period, key, group, amount, count, orders]
    conflict = ", ".join(qn(c) for c in ("campaign_id", "dimension", "period", "key"))
    sql = (
        f"INSERT INTO {table} ({cols}) VALUES {values} ON CONFLICT ({conflict}) DO UPDATE SET "
        f"{qn('amount_fen')} = {table}.{qn('amount_fen')} + excluded.{qn('amount_fen')}, "
        f"{qn('entry_count')} = {table}.{qn('entry_count')} + excluded.{qn('entry_count')}, "
        f"{qn('order_count')} = {table}.{qn('order_count')} + excluded.{qn('order_count')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def ledger_record_order_paid(*, order: Order) -> list[LedgerEntry]:
    """One entry per line of a just-paid order, at the time it was paid."""
    paid_at = order.paid_at or timezone.now()
    on = timezone.localdate(paid_at)
    campaigns: dict[str, Campaign | None] = {}
    organization = order.organization
    entries = []
    for line in order.lines.order_by("id"):
        if line.county_id not in campaigns:
            campaigns[line.county_id] = campaign_for(county_id=line.county_id, on=on)
        campaign = campaigns[line.county_id]  # None: outside every campaign, recorded all the same
        entries.append(
            LedgerEntry(
                campaign=campaign, kind=EntryKind.ORDER_LINE, amount_fen=line.total_fen,
                county_id=line.county_id, supplier_id=line.supplier_id, organization=organization,
                buyer_type=organization.org_type, funding_channel=order.funding_channel,
                occurred_at=paid_at, order_line=line, note=order.number,
                category_id=line.category_id, organization_parent_id=organization.parent_id,
            )
        )
        entries[-1]._order_id = order.pk
    return ledger_append(entries=entries, counted_orders={order.pk})


def tally_record_accepted(*, order: Order) -> None:
    """The buyer accepted the whole order (验收): its counted amount so far joins the
    "accepted" figure of each campaign it counts in (refunds after acceptance leave it
    again in ``ledger_record_refund``)."""
    sums = (
        LedgerEntry.objects.filter(order_line__order=order, campaign__isnull=False)
        .values("campaign_id")
        .annotate(total=Sum("amount_fen"))
        .values_list("campaign_id", "total")
    )
    tally_apply(deltas={(campaign_id, "accepted", "", ""): [int(total), 0, 1, ""] for campaign_id, total in sums})


def _campaign_counting(paid_entry: LedgerEntry) -> int | None:
    """The campaign a paid line's entry counts in now: its own, or the one that took it over."""
    if paid_entry.campaign_id is not None:
        return paid_entry.campaign_id
    return (
        LedgerEntry.objects.filter(takes_over=paid_entry, kind=EntryKind.TAKEOVER_IN)
        .values_list("campaign_id", flat=True).first()
    )


def ledger_record_refund(*, refund: Refund) -> list[LedgerEntry]:
    """One negative entry per refund line, in the campaign the refunded line counts in
    (none when it is outside every campaign). The head is locked first so that a takeover
    cannot move the line between this choice and the append."""
    when = refund.completed_at or timezone.now()
    entries = []
    ledger_lock_head()
    for rline in refund.lines.select_related("order_line").order_by("id"):
        paid_entry = LedgerEntry.objects.filter(order_line=rline.order_line, kind=EntryKind.ORDER_LINE).first()
        if paid_entry is None:
            continue  # a line paid before every payment was recorded: nothing to take back
        entries.append(
            LedgerEntry(
                campaign_id=_campaign_counting(paid_entry), kind=EntryKind.REFUND, amount_fen=-rline.amount_fen,
                county_id=paid_entry.county_id, supplier_id=paid_entry.supplier_id,
                organization_id=paid_entry.organization_id, buyer_type=paid_entry.buyer_type,
                funding_channel=paid_entry.funding_channel, occurred_at=when,
                order_line_id=rline.order_line_id, refund_line=rline, note=refund.order.number,
                category_id=paid_entry.category_id, organization_parent_id=paid_entry.organization_parent_id,
            )
        )
    created = ledger_append(entries=entries)
    if refund.order.accepted_at is not None and entries:
        accepted: dict[tuple[int, str, str, str], list[Any]] = {}
        for entry in entries:
            if entry.campaign_id is None:
                continue
            accepted.setdefault((entry.campaign_id, "accepted", "", ""), [0, 0, 0, ""])[0] += entry.amount_fen
        tally_apply(deltas=accepted)
    return created

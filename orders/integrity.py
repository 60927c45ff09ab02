"""Integrity checks of the procurement ledger.

- ``ledger_verify``: recompute the hash chain; any edited, inserted or deleted entry breaks
  it (a changed hash, a gap or a repeat in the sequence, a wrong previous hash, a head that
  does not match the last entry).
- ``tally_reconcile``: the ledger against its sources (paid order lines, succeeded refund
  lines, approved offline records) and the running aggregates against the ledger.
Both return a list of human-readable differences; empty means consistent.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Sum
from django.utils import timezone

from orders.chain import CHAIN_FIELDS, aggregate_deltas, entry_hash
from orders.models import (
    Campaign,
    EntryKind,
    LedgerEntry,
    LedgerHead,
    OfflineRecord,
    OfflineRecordStatus,
    OrderLine,
    RefundLine,
    RefundStatus,
    TallyAggregate,
)

CHUNK = 20_000


def ledger_verify() -> list[str]:
    problems: list[str] = []
    prev_hash = ""
    expected_seq = 1
    unchained = LedgerEntry.objects.filter(seq__isnull=True).count()
    if unchained:
        problems.append(f"{unchained} entries are outside the chain (no sequence number)")
    fields = ["id", "prev_hash", "entry_hash", *[f for f in CHAIN_FIELDS if f != "seq"], "seq"]
    last_seq = 0
    qs = LedgerEntry.objects.filter(seq__isnull=False).order_by("seq").values_list(*fields)
    for row in qs.iterator(chunk_size=CHUNK):
        values = dict(zip(fields, row, strict=True))
        seq = values["seq"]
        if seq != expected_seq:
            problems.append(f"sequence jumps from {expected_seq - 1} to {seq}: entries deleted or inserted")
        if values["prev_hash"] != prev_hash:
            problems.append(f"entry #{seq} (id {values['id']}) does not follow the previous entry's hash")
        if entry_hash(values, values["prev_hash"]) != values["entry_hash"]:
            problems.append(f"entry #{seq} (id {values['id']}) was changed after it was written")
        prev_hash = values["entry_hash"]
        expected_seq = seq + 1
        last_seq = seq
    head = LedgerHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.last_hash != prev_hash):
        problems.append(f"the chain head (#{head.seq}) does not match the last entry (#{last_seq}): entries deleted at the end")
    return problems


def _campaign_index() -> list[tuple[date, date, set[str], int]]:
    return [
        (c.start_date, c.end_date, {r.code for r in c.counties.all()}, c.pk)
        for c in Campaign.objects.prefetch_related("counties").order_by("-start_date", "-id")
    ]


def _campaign_of(index, county: str, on: date) -> int | None:
    for start, end, counties, pk in index:
        if start <= on <= end and county in counties:
            return pk
    return None


def tally_reconcile() -> list[str]:
    problems: list[str] = []
    index = _campaign_index()
    # 1. Paid order lines: one entry each, for the line's total, when a campaign covers it.
    ledger_lines = dict(
        LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE).values_list("order_line_id", "amount_fen")
    )
    for line_id, total, county, paid_at, number in (
        OrderLine.objects.filter(order__paid_fen__gt=0)
        .values_list("pk", "total_fen", "county_id", "order__paid_at", "order__number")
        .iterator(chunk_size=CHUNK)
    ):
        counted = _campaign_of(index, county, timezone.localdate(paid_at)) is not None if paid_at else False
        amount = ledger_lines.pop(line_id, None)
        if counted and amount is None:
            problems.append(f"order {number} line {line_id}: paid ¥{total / 100:.2f} but not in the ledger")
        elif counted and amount != total:
            problems.append(f"order {number} line {line_id}: ledger {amount} fen, line total {total} fen")
        elif not counted and amount is not None:
            problems.append(f"order {number} line {line_id}: in the ledger outside every campaign")
    for line_id in ledger_lines:
        problems.append(f"ledger entry for order line {line_id}, whose order was never paid")
    # 2. Refund lines of succeeded refunds: one negative entry each (when the line counted).
    ledger_refunds = dict(
        LedgerEntry.objects.filter(kind=EntryKind.REFUND).values_list("refund_line_id", "amount_fen")
    )
    counted_lines = set(
        LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE).values_list("order_line_id", flat=True)
    )
    for rline_id, amount, line_id, status in RefundLine.objects.values_list(
        "pk", "amount_fen", "order_line_id", "refund__status"
    ).iterator(chunk_size=CHUNK):
        entry = ledger_refunds.pop(rline_id, None)
        should = status == RefundStatus.SUCCEEDED and line_id in counted_lines
        if should and entry != -amount:
            problems.append(f"refund line {rline_id}: ledger {entry} fen, refunded −{amount} fen")
        elif not should and entry is not None:
            problems.append(f"refund line {rline_id}: in the ledger but the refund did not succeed")
    for rline_id in ledger_refunds:
        problems.append(f"refund entry without a refund line ({rline_id})")
    # 3. Offline records: approved ones count once, others never.
    ledger_offline = dict(
        LedgerEntry.objects.filter(kind=EntryKind.OFFLINE, offline_record__isnull=False)
        .values_list("offline_record_id", "amount_fen")
    )
    for record_id, amount, status in OfflineRecord.objects.values_list("pk", "amount_fen", "status"):
        entry = ledger_offline.pop(record_id, None)
        if status == OfflineRecordStatus.APPROVED and entry != amount:
            problems.append(f"offline record {record_id}: approved ¥{amount / 100:.2f}, ledger {entry}")
        elif status != OfflineRecordStatus.APPROVED and entry is not None:
            problems.append(f"offline record {record_id}: not approved but in the ledger")
    loose = LedgerEntry.objects.filter(kind=EntryKind.OFFLINE, offline_record__isnull=True).count()
    if loose:
        problems.append(f"{loose} offline entries have no offline record")
    # 4. The aggregates against a recomputation from the ledger.
    problems += _reconcile_aggregates()
    return problems


def _reconcile_aggregates() -> list[str]:
    problems = []
    order_of_line = dict(OrderLine.objects.values_list("pk", "order_id"))
    expected: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, ""])
    seen_orders: set[tuple[int, int]] = set()
    fields = ("campaign_id", "kind", "amount_fen", "county_id", "supplier_id", "organization_id",
              "organization_parent_id", "buyer_type", "funding_channel", "category_id", "occurred_at", "order_line_id")
    batch = []

    class _E:
        __slots__ = (*fields, "_order_id")

    def flush():
        counted = set()
        for e in batch:
            if e.kind == EntryKind.ORDER_LINE and e._order_id and (e.campaign_id, e._order_id) not in seen_orders:
                seen_orders.add((e.campaign_id, e._order_id))
                counted.add(e._order_id)
        for key, (amount, count, orders, group) in aggregate_deltas(
            [e for e in batch], counted_orders=counted
        ).items():
            row = expected[key]
            row[0] += amount
            row[1] += count
            row[2] += orders
            row[3] = group
        batch.clear()

    for values in LedgerEntry.objects.order_by("seq", "id").values_list(*fields).iterator(chunk_size=CHUNK):
        e = _E()
        for name, value in zip(fields, values, strict=True):
            setattr(e, name, value)
        e._order_id = order_of_line.get(e.order_line_id) if e.kind == EntryKind.ORDER_LINE else None
        batch.append(e)
        if len(batch) >= CHUNK:
            flush()
    flush()
    actual = {
        (r[0], r[1], r[2], r[3]): (r[4], r[5], r[6])
        for r in TallyAggregate.objects.exclude(dimension="accepted").values_list(
            "campaign_id", "dimension", "period", "key", "amount_fen", "entry_count", "order_count"
        ).iterator(chunk_size=CHUNK)
    }
    for key, (amount, count, orders, _group) in expected.items():
        got = actual.pop(key, None)
        if got is None or got[0] != amount or got[1] != count:
            problems.append(f"aggregate {key}: {got} but the ledger gives amount {amount}, entries {count}")
        elif got[2] != orders:
            problems.append(f"aggregate {key}: {got[2]} orders but the ledger gives {orders}")
    for key, got in actual.items():
        if got[0] or got[1]:
            problems.append(f"aggregate {key}: {got} without ledger entries")
    problems += _reconcile_accepted()
    totals = dict(LedgerEntry.objects.values("campaign_id").annotate(s=Sum("amount_fen")).values_list("campaign_id", "s"))
    for campaign_id, total in totals.items():
        got = TallyAggregate.objects.filter(campaign_id=campaign_id, dimension="total", period="").values_list("amount_fen", flat=True).first()
        if got != total:
            problems.append(f"campaign {campaign_id}: tally {got} fen, ledger sum {total} fen")
    return problems


def _reconcile_accepted() -> list[str]:
    """The accepted (验收) figure: the net ledger amount of orders the buyer accepted."""
    expected = dict(
        LedgerEntry.objects.filter(order_line__order__accepted_at__isnull=False)
        .values("campaign_id").annotate(s=Sum("amount_fen")).values_list("campaign_id", "s")
    )
    actual = dict(
        TallyAggregate.objects.filter(dimension="accepted", period="", key="").values_list("campaign_id", "amount_fen")
    )
    problems = []
    for campaign_id in set(expected) | set(actual):
        if int(expected.get(campaign_id) or 0) != int(actual.get(campaign_id) or 0):
            problems.append(
                f"campaign {campaign_id}: accepted {actual.get(campaign_id)} fen, ledger of accepted orders {expected.get(campaign_id)} fen"
            )
    return problems

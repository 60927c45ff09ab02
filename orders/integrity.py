"""Integrity checks of the procurement ledger.

- ``ledger_verify``: recompute the hash chain; any edited, inserted or deleted entry breaks
  it (a changed hash, a gap or a repeat in the sequence, a wrong previous hash, a head that
  does not match the last entry). The chain is streamed in sequence order (a server-side
  cursor on PostgreSQL), only the hashed columns, hashing as rows arrive.
- ``tally_reconcile``: the ledger against its sources (paid order lines, succeeded refund
  lines, approved offline records, takeover pairs) and the running aggregates against the
  ledger. The heavy work is done by the database: anti-joins return only the rows that
  disagree, and the aggregates are recomputed by two GROUP BY queries whose (small) result
  is rolled up in Python. It also checks the products' sales and rating counters
  (``orders.selectors.product_stats``).
Both return a list of human-readable differences; empty means consistent. Entries outside
every campaign are not differences: ``reconcile_report`` returns them apart.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from orders.chain import CHAIN_FIELDS, OPTIONAL_CHAIN_FIELDS, entry_preimage
from orders.models import (
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
from orders.selectors.product_stats import product_stats_differences
from orders.selectors.uncovered import Uncovered, uncovered_summary

CHUNK = 20_000
MAX_ROWS_LISTED = 1000  # per check: a broken ledger is reported, not listed in full


@dataclass(frozen=True)
class ReconcileReport:
    differences: list[str]
    uncovered: Uncovered  # entries outside every campaign: reported, not a difference


def _pg_rows():
    """(id, prev_hash, entry_hash, seq, pre-image) in seq order, the pre-image (what
    ``orders.chain.entry_hash`` hashes) built by PostgreSQL: Python only hashes it."""
    def text(name: str) -> str:
        if name == "occurred_at":
            return """to_char("occurred_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')"""
        return f'COALESCE("{name}"::text, \'\')'
    parts = " || E'\\x1f' || ".join(f"'{name}=' || {text(name)}" for name in CHAIN_FIELDS)
    optional = " || ".join(
        f"""CASE WHEN "{name}" IS NULL THEN '' ELSE E'\\x1f{name}=' || "{name}"::text END""" for name in OPTIONAL_CHAIN_FIELDS
    )
    table = LedgerEntry._meta.db_table
    sql = (f'SELECT "id", "prev_hash", "entry_hash", "seq", {parts} || {optional} || E\'\\x1fprev=\' || "prev_hash" '
           f'FROM "{table}" WHERE "seq" IS NOT NULL ORDER BY "seq"')
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(sql)
        while rows := cursor.fetchmany(CHUNK):
            yield from rows


def _python_rows():
    names = (*CHAIN_FIELDS, *OPTIONAL_CHAIN_FIELDS)
    fields = ["id", "prev_hash", "entry_hash", *names]
    qs = LedgerEntry.objects.filter(seq__isnull=False).order_by("seq").values_list(*fields)
    for row in qs.iterator(chunk_size=CHUNK):
        values = dict(zip(names, row[3:], strict=True))
        yield row[0], row[1], row[2], values["seq"], entry_preimage(values, row[1])


def ledger_verify() -> list[str]:
    problems: list[str] = []
    unchained = LedgerEntry.objects.filter(seq__isnull=True).count()
    if unchained:
        problems.append(f"{unchained} entries are outside the chain (no sequence number)")
    prev_hash, expected_seq, last_seq = "", 1, 0
    sha256 = hashlib.sha256
    for pk, stored_prev, stored_hash, seq, preimage in (_pg_rows() if connection.vendor == "postgresql" else _python_rows()):
        if seq != expected_seq:
            problems.append(f"sequence jumps from {expected_seq - 1} to {seq}: entries deleted or inserted")
        if stored_prev != prev_hash:
            problems.append(f"entry #{seq} (id {pk}) does not follow the previous entry's hash")
        if sha256(preimage.encode()).hexdigest() != stored_hash:
            problems.append(f"entry #{seq} (id {pk}) was changed after it was written")
        prev_hash, expected_seq, last_seq = stored_hash, seq + 1, seq
    head = LedgerHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != last_seq or head.last_hash != prev_hash):
        problems.append(f"the chain head (#{head.seq}) does not match the last entry (#{last_seq}): entries deleted at the end")
    return problems


def tally_reconcile() -> list[str]:
    return reconcile_report().differences


def reconcile_report() -> ReconcileReport:
    problems = [
        *_paid_lines(), *_refund_lines(), *_offline_records(), *_takeovers(), *_aggregates(), *_accepted(),
        *product_stats_differences(),
    ]
    return ReconcileReport(differences=problems, uncovered=uncovered_summary())


def _first(qs) -> list:
    """The first rows of a check's answer, streamed: a LIMIT would make PostgreSQL choose
    row-by-row nested loops for what is a single hash anti-join when nothing is wrong."""
    return list(islice(qs.iterator(chunk_size=CHUNK), MAX_ROWS_LISTED))


def _paid_lines() -> list[str]:
    """Every paid order line has one entry for its total, inside a campaign or not."""
    problems = []
    matching = LedgerEntry.objects.filter(order_line=OuterRef("pk"), kind=EntryKind.ORDER_LINE, amount_fen=OuterRef("total_fen"))
    bad = _first(
        OrderLine.objects.filter(order__paid_fen__gt=0).filter(~Exists(matching))
        .order_by().values_list("pk", "total_fen", "order__number")
    )
    amounts = dict(
        LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE, order_line_id__in=[b[0] for b in bad])
        .values_list("order_line_id", "amount_fen")
    )
    for line_id, total, number in bad:
        amount = amounts.get(line_id)
        if amount is None:
            problems.append(f"order {number} line {line_id}: paid ¥{total / 100:.2f} but not in the ledger")
        else:
            problems.append(f"order {number} line {line_id}: ledger {amount} fen, line total {total} fen")
    never_paid = _first(
        LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE, order_line__order__paid_fen__lte=0)
        .order_by().values_list("order_line_id", flat=True)
    ) + _first(LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE, order_line__isnull=True).values_list("order_line_id", flat=True))
    for line_id in never_paid:
        problems.append(f"ledger entry for order line {line_id}, whose order was never paid")
    return problems


def _refund_lines() -> list[str]:
    """Every line of a succeeded refund has one negative entry (when its line was recorded)."""
    problems = []
    recorded_line = LedgerEntry.objects.filter(order_line=OuterRef("order_line_id"), kind=EntryKind.ORDER_LINE)
    matching = LedgerEntry.objects.filter(refund_line=OuterRef("pk"), amount_fen=OuterRef("amount_fen") * -1)
    bad = _first(
        RefundLine.objects.filter(refund__status=RefundStatus.SUCCEEDED).filter(Exists(recorded_line))
        .filter(~Exists(matching)).order_by().values_list("pk", "amount_fen")
    )
    amounts = dict(LedgerEntry.objects.filter(refund_line_id__in=[b[0] for b in bad]).values_list("refund_line_id", "amount_fen"))
    for rline_id, amount in bad:
        problems.append(f"refund line {rline_id}: ledger {amounts.get(rline_id)} fen, refunded −{amount} fen")
    for rline_id in _first(
        LedgerEntry.objects.filter(refund_line__isnull=False).exclude(refund_line__refund__status=RefundStatus.SUCCEEDED)
        .order_by().values_list("refund_line_id", flat=True)
    ):
        problems.append(f"refund line {rline_id}: in the ledger but the refund did not succeed")
    for entry_id in _first(LedgerEntry.objects.filter(kind=EntryKind.REFUND, refund_line__isnull=True).values_list("pk", flat=True)):
        problems.append(f"refund entry {entry_id} without a refund line")
    return problems


def _offline_records() -> list[str]:
    problems = []
    ledger_offline = dict(
        LedgerEntry.objects.filter(kind=EntryKind.OFFLINE, offline_record__isnull=False)
        .values_list("offline_record_id", "amount_fen")
    )
    for record_id, amount, status in OfflineRecord.objects.values_list("pk", "amount_fen", "status").iterator(chunk_size=CHUNK):
        entry = ledger_offline.pop(record_id, None)
        if status == OfflineRecordStatus.APPROVED and entry != amount:
            problems.append(f"offline record {record_id}: approved ¥{amount / 100:.2f}, ledger {entry}")
        elif status != OfflineRecordStatus.APPROVED and entry is not None:
            problems.append(f"offline record {record_id}: not approved but in the ledger")
    loose = LedgerEntry.objects.filter(kind=EntryKind.OFFLINE, offline_record__isnull=True).count()
    if loose:
        problems.append(f"{loose} offline entries have no offline record")
    return problems


def _takeovers() -> list[str]:
    """A takeover is a complete pair: minus the original outside every campaign, plus the
    original in a campaign; the original itself is outside every campaign."""
    problems = []
    pairs: dict[int, dict[str, tuple]] = defaultdict(dict)
    rows = (
        LedgerEntry.objects.filter(kind__in=[EntryKind.TAKEOVER_OUT, EntryKind.TAKEOVER_IN])
        .values_list("pk", "kind", "amount_fen", "campaign_id", "takes_over_id",
                     "takes_over__amount_fen", "takes_over__campaign_id", "takes_over__kind")
    )
    for pk, kind, amount, campaign_id, original_id, original_amount, original_campaign, original_kind in rows.iterator(chunk_size=CHUNK):
        if original_id is None:
            problems.append(f"takeover entry {pk} does not name the entry it takes over")
            continue
        pairs[original_id][kind] = (pk, amount, campaign_id)
        sign, want_campaign = (-1, False) if kind == EntryKind.TAKEOVER_OUT else (1, True)
        if original_campaign is not None or original_kind not in (EntryKind.ORDER_LINE, EntryKind.REFUND):
            problems.append(f"takeover entry {pk}: entry {original_id} was not outside every campaign")
        if amount != sign * original_amount or (campaign_id is not None) != want_campaign:
            problems.append(f"takeover entry {pk}: {amount} fen does not mirror entry {original_id} ({original_amount} fen)")
    for original_id, sides in pairs.items():
        if len(sides) != 2:
            problems.append(f"entry {original_id}: takeover is half done ({', '.join(sides)})")
    return problems


def _month_key(value) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _expected_aggregates() -> dict[tuple, list]:
    """The aggregates recomputed from the ledger: {(campaign, dimension, period, key): [amount,
    entries, orders, group]}. Orders count once per campaign, at their paid lines (or the
    takeover of one); an order's lines share its organization and time of payment, so the
    distinct counts per group add up."""
    month = TruncMonth("occurred_at", tzinfo=ZoneInfo(settings.TIME_ZONE))
    counted = LedgerEntry.objects.filter(campaign__isnull=True, kind=EntryKind.ORDER_LINE).values("pk")
    counting = Q(kind=EntryKind.ORDER_LINE) | Q(kind=EntryKind.TAKEOVER_IN, takes_over_id__in=counted)
    ledger = LedgerEntry.objects.filter(campaign__isnull=False).order_by()
    buyers = ledger.values("campaign_id", "buyer_type", "organization_id", "organization_parent_id", m=month).annotate(
        s=Sum("amount_fen"), n=Count("id"), o=Count("order_line__order_id", distinct=True, filter=counting)
    ).values_list("campaign_id", "m", "buyer_type", "organization_id", "organization_parent_id", "s", "n", "o")
    goods = ledger.values("campaign_id", "county_id", "supplier_id", "category_id", "funding_channel", m=month).annotate(
        s=Sum("amount_fen"), n=Count("id")
    ).values_list("campaign_id", "m", "county_id", "supplier_id", "category_id", "funding_channel", "s", "n")
    expected: dict[tuple, list] = defaultdict(lambda: [0, 0, 0, ""])

    def add(campaign_id, dimension, key, period, amount, count, orders=0, group="", *, whole=True):
        for p in (("", period) if whole else (period,)):
            row = expected[(campaign_id, dimension, p, key)]
            row[0] += amount
            row[1] += count
            row[2] += orders
            row[3] = group

    for campaign_id, m, buyer_type, org, parent, amount, count, orders in buyers.iterator(chunk_size=CHUNK):
        period, amount = _month_key(m), int(amount)
        add(campaign_id, "total", "", period, amount, count, orders)
        add(campaign_id, "month", period, "", amount, count, whole=False)
        if buyer_type:
            add(campaign_id, "buyer_type", buyer_type, period, amount, count, orders)
        if org is not None:
            add(campaign_id, "organization", str(org), period, amount, count, orders, buyer_type)
        if parent is not None:
            add(campaign_id, "parent", str(parent), period, amount, count, orders)
    for campaign_id, m, county, supplier, category, channel, amount, count in goods.iterator(chunk_size=CHUNK):
        period, amount = _month_key(m), int(amount)
        for dimension, key in (("county", county), ("supplier", supplier), ("category", category), ("channel", channel)):
            if key not in (None, ""):
                add(campaign_id, dimension, str(key), period, amount, count)
    return expected


def _aggregates() -> list[str]:
    problems = []
    expected = _expected_aggregates()
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
            if key[1] == "total" and key[2] == "":
                problems.append(f"campaign {key[0]}: tally {got and got[0]} fen, ledger sum {amount} fen")
        elif got[2] != orders:
            problems.append(f"aggregate {key}: {got[2]} orders but the ledger gives {orders}")
    for key, got in actual.items():
        if got[0] or got[1]:
            problems.append(f"aggregate {key}: {got} without ledger entries")
    return problems


def _accepted() -> list[str]:
    """The accepted (验收) figure: the net ledger amount of orders the buyer accepted."""
    expected = dict(
        LedgerEntry.objects.filter(campaign__isnull=False, order_line__order__accepted_at__isnull=False)
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

"""The tally at scale, behind ``manage.py bench_tally`` (a measurement, not a test).

It builds a throwaway database (``<name>_bench_tally`` on PostgreSQL; a temporary SQLite
file only with ``--allow-sqlite``), seeds a small demo into it (suppliers, products, the
current year's campaign and its approved offline records), adds buyer organizations up to
``organizations``, then writes ``entries`` ledger entries in bulk:

- most are paid order lines, with their orders, fulfilments and lines (paid, in the
  campaign's counties and dates), so that ``tally_reconcile`` checks them against real rows;
- a few are partial refunds (a succeeded refund with one refund line);
- a few are approved offline records (with their ``OfflineRecord`` rows).

Rows are inserted with COPY on PostgreSQL (multi-row INSERT on SQLite) rather than through
the services: a million ``ledger_append`` calls would take hours. The chain and the running
aggregates are still built by the ledger's own functions (``orders.chain.entry_hash``,
``aggregate_deltas``, ``orders.services.ledger.tally_apply``), continuing the demo's chain,
so the result passes ``ledger_verify`` and ``tally_reconcile`` — the benchmark checks both.

The timed reads are in ``bench.tally_measure``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone

from bench.bulk import bulk_insert, next_id, reset_sequences
from catalog.models import ProductVariant
from orders.chain import aggregate_deltas, entry_hash, entry_values
from orders.models import (
    Campaign,
    Fulfilment,
    LedgerEntry,
    LedgerHead,
    OfflineRecord,
    Order,
    OrderLine,
    Refund,
    RefundLine,
    TallyAggregate,
)
from orders.services.ledger import tally_apply
from orders.services.product_stats import product_stats_rebuild
from shop.accounts.models import BuyerOrganization, OrganizationType

Log = Callable[[str], None]


# --- the data ------------------------------------------------------------------------------

@dataclass(slots=True)
class _Entry:
    """What the chain and the aggregates need of an entry (``aggregate_deltas`` reads attributes)."""

    campaign_id: int
    kind: str
    amount_fen: int
    county_id: str
    supplier_id: int | None
    organization_id: int | None
    organization_parent_id: int | None
    buyer_type: str
    funding_channel: str
    category_id: int | None
    occurred_at: datetime
    order_line_id: int | None = None
    refund_line_id: int | None = None
    offline_record_id: int | None = None
    note: str = ""
    _order_id: int | None = None
    seq: int = 0


@dataclass
class BuildReport:
    entries: int = 0
    ledger_total: int = 0  # with the demo's entries
    orders: int = 0
    order_lines: int = 0
    refunds: int = 0
    offline_records: int = 0
    organizations: int = 0
    aggregates: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _organizations(target: int, rng: random.Random) -> list[tuple[int, str, int | None]]:
    """Buyer organizations up to ``target`` (the demo's plus bench ones, some under a street
    or department); returns (id, type, parent id) of those that buy."""

    types = [t for t in OrganizationType.values]
    existing = BuyerOrganization.objects.count()
    groups = list(BuyerOrganization.objects.filter(is_group=True).values_list("pk", flat=True))
    if not groups:
        groups = [BuyerOrganization.objects.create(name="基准测试街道", slug="bench-street", org_type="government",
                                                   is_group=True, status="verified").pk]
    new = [
        BuyerOrganization(
            name=f"基准测试单位{n:05d}", slug=f"bench-org-{n}", org_type=types[n % len(types)],
            parent_id=rng.choice(groups) if n % 3 == 0 else None, status="verified",
        )
        for n in range(max(0, target - existing))
    ]
    BuyerOrganization.objects.bulk_create(new, batch_size=2000)
    return list(BuyerOrganization.objects.filter(is_group=False).values_list("pk", "org_type", "parent_id"))


@dataclass
class _Sources:
    """What the generated rows are drawn from: the demo's campaign, its counties' variants
    grouped by supplier, and the buying organizations."""

    campaign: Campaign
    counties: set[str]
    by_supplier: dict[int, list[tuple]]
    orgs: list[tuple[int, str, int | None]]
    start: datetime
    span: int  # seconds in the campaign
    now: datetime

    @property
    def suppliers(self) -> list[int]:
        return sorted(self.by_supplier)


def _sources(*, organizations: int, rng: random.Random) -> _Sources:

    campaign = Campaign.objects.filter(is_active=True).order_by("-start_date", "-pk").first()  # the pages' one
    if campaign is None:
        raise CommandError("The demo has no campaign.")
    counties = set(campaign.counties.values_list("code", flat=True))
    variants = list(
        ProductVariant.objects.filter(product__supplier__county_id__in=counties)
        .values_list("pk", "product__supplier_id", "product__supplier__county_id", "product__category_id",
                     "product__name", "spec", "unit", "sku", "price")
    )
    if not variants:
        raise CommandError("The demo has no products in the campaign's counties.")
    by_supplier: dict[int, list[tuple]] = {}
    for v in variants:
        by_supplier.setdefault(v[1], []).append(v)
    tz = timezone.get_current_timezone()
    start = datetime.combine(campaign.start_date, datetime.min.time(), tz)
    span = int((datetime.combine(campaign.end_date, datetime.min.time(), tz) - start).total_seconds()) + 86_399
    return _Sources(campaign, counties, by_supplier, _organizations(organizations, rng), start, span, timezone.now())


class _Rows:
    """The rows to insert, with the next free primary key of each table; ``ledger`` holds
    the entries in the order they were generated (the chain sorts them by time)."""

    REFUND_SHARE, OFFLINE_SHARE = 0.03, 0.04
    CHANNELS = ["canteen", "union", "personal"]

    def __init__(self, src: _Sources, rng: random.Random) -> None:

        self.src, self.rng = src, rng
        self.order_id, self.fulfilment_id, self.line_id = next_id(Order), next_id(Fulfilment), next_id(OrderLine)
        self.refund_id, self.rline_id = next_id(Refund), next_id(RefundLine)
        self.record_id = next_id(OfflineRecord)
        self.orders: list[tuple] = []
        self.fulfilments: list[tuple] = []
        self.lines: list[tuple] = []
        self.refunds: list[tuple] = []
        self.refund_lines: list[tuple] = []
        self.records: list[tuple] = []
        self.ledger: list[_Entry] = []

    def add(self) -> None:
        """One buying organization's purchase: an offline record, or a paid order."""
        org = self.rng.choice(self.src.orgs)
        if self.rng.random() < self.OFFLINE_SHARE:
            self._offline(*org)
        else:
            self._paid_order(*org)

    def _offline(self, org_id: int, org_type: str, parent_id: int | None) -> None:
        src, rng, campaign = self.src, self.rng, self.src.campaign
        county = rng.choice(sorted(src.counties))
        on = campaign.start_date + timedelta(days=rng.randrange((campaign.end_date - campaign.start_date).days + 1))
        supplier = next((s for s in src.suppliers if src.by_supplier[s][0][2] == county), None)
        amount = rng.randrange(10_000, 50_000_000)
        channel = rng.choice(["canteen", "union", "personal", "other"])
        self.records.append((self.record_id, campaign.pk, org_id, county, supplier, amount, on, channel,
                             "基准测试线下采购", "approved", None, src.now, None, src.now, ""))
        noon = datetime.combine(on, datetime.min.time().replace(hour=12), src.start.tzinfo)
        self.ledger.append(_Entry(campaign.pk, "offline", amount, county, supplier, org_id, parent_id, org_type,
                                  channel, None, noon, offline_record_id=self.record_id, note="基准测试线下采购"))
        self.record_id += 1

    def _paid_order(self, org_id: int, org_type: str, parent_id: int | None) -> None:
        src, rng, order_id, campaign_id = self.src, self.rng, self.order_id, self.src.campaign.pk
        paid_at = src.start + timedelta(seconds=rng.randrange(src.span), microseconds=rng.randrange(1_000_000))
        channel = rng.choice(self.CHANNELS)
        picked = rng.sample(src.suppliers, k=min(len(src.suppliers), rng.choice((1, 1, 1, 2, 2, 3))))
        total, order_lines, entries = 0, [], []
        for supplier in picked:
            subtotal = 0
            for v in rng.sample(src.by_supplier[supplier], k=1):
                qty = rng.randrange(1, 20)
                unit_fen = int(v[8] * 100)
                line_total = unit_fen * qty
                subtotal += line_total
                order_lines.append((self.line_id, order_id, self.fulfilment_id, v[0], supplier, v[2], v[3],
                                    v[4][:128], v[5][:64], v[6][:16], v[7][:64], qty, unit_fen, line_total, 0))
                entries.append(_Entry(campaign_id, "order_line", line_total, v[2], supplier, org_id, parent_id,
                                      org_type, channel, v[3], paid_at, order_line_id=self.line_id,
                                      note=f"B{order_id}", _order_id=order_id))
                self.line_id += 1
            self.fulfilments.append((self.fulfilment_id, order_id, supplier, "pending", subtotal, "", "", None, None,
                                     None, None, False, None, ""))
            self.fulfilment_id += 1
            total += subtotal
        self.ledger += entries
        refunded = 0
        if rng.random() < self.REFUND_SHARE / (1 - self.OFFLINE_SHARE) and order_lines[0][13] > 1:
            refunded = self._partial_refund(entries[0], order_lines[0], paid_at)
            order_lines[0] = (*order_lines[0][:-1], refunded)
        self.lines += order_lines
        number = f"{timezone.localtime(paid_at):%Y%m%d}{order_id}"
        self.orders.append((
            order_id, number, org_id, None, f"bench-{order_id}", "paid", channel, None, "食堂", "基准", "13800000000",
            "深圳市宝安区基准路1号", "", "", "", total, total, refunded, f"XB{order_id:08d}", "bank_transfer", None,
            None, None, paid_at, None, None, None, "", paid_at - timedelta(hours=1), paid_at,
        ))
        self.order_id += 1

    def _partial_refund(self, first: _Entry, line: tuple, paid_at: datetime) -> int:
        """Half of the order's first line, refunded by bank transfer some days later."""
        refunded = line[13] // 2
        when = paid_at + timedelta(days=self.rng.randrange(1, 20))
        self.refunds.append((self.refund_id, first._order_id, "bank_transfer", "succeeded", refunded,
                             "基准测试部分退款", f"bench-refund-{self.refund_id}", None, f"BR{self.refund_id}", "shop",
                             None, when, when))
        self.refund_lines.append((self.rline_id, self.refund_id, line[0], refunded))
        self.ledger.append(_Entry(first.campaign_id, "refund", -refunded, first.county_id, first.supplier_id,
                                  first.organization_id, first.organization_parent_id, first.buyer_type,
                                  first.funding_channel, first.category_id, when, order_line_id=line[0],
                                  refund_line_id=self.rline_id, note=first.note))
        self.refund_id += 1
        self.rline_id += 1
        return refunded


@dataclass
class _Chain:
    entry_rows: list[tuple]
    seq: int
    last_hash: str
    deltas: dict


def _chain(ledger: list[_Entry], *, now: datetime) -> _Chain:
    """The hash chain in time order (a refund after its line), continuing the demo's head,
    and the aggregates' deltas, by the ledger's own functions."""

    ledger.sort(key=lambda e: e.occurred_at)
    head = LedgerHead.objects.filter(pk=1).first()
    seq, prev = (head.seq, head.last_hash) if head else (0, "")
    entry_rows = []
    for e in ledger:
        seq += 1
        e.seq = seq
        h = entry_hash(entry_values(e), prev)
        entry_rows.append((e.campaign_id, e.kind, e.amount_fen, e.county_id, e.supplier_id, e.organization_id,
                           e.buyer_type, e.funding_channel, e.occurred_at, e.note, e.order_line_id, e.refund_line_id,
                           e.offline_record_id, e.category_id, e.organization_parent_id, seq, prev, h, now))
        prev = h
    counted = {e._order_id for e in ledger if e._order_id}
    return _Chain(entry_rows, seq, prev, aggregate_deltas(ledger, counted_orders=counted))


def _insert(rows: _Rows, chain: _Chain, report: BuildReport) -> None:
    """Every row in one transaction with the ledger head locked, then the running tally."""

    with transaction.atomic():
        LedgerHead.objects.select_for_update().filter(pk=1).first()
        report.orders = bulk_insert(Order, [
            "id", "number", "organization_id", "placed_by_id", "idempotency_key", "status", "funding_channel",
            "delivery_address_id", "ship_label", "ship_recipient", "ship_phone", "ship_address", "invoice_title",
            "tax_number", "note", "total_fen", "paid_fen", "refunded_fen", "payment_reference", "payment_method",
            "payment_due_at", "approved_by_id", "approved_at", "paid_at", "shipped_at", "accepted_at", "cancelled_at",
            "cancel_reason", "created_at", "updated_at"], rows.orders)
        bulk_insert(Fulfilment, [
            "id", "order_id", "supplier_id", "status", "subtotal_fen", "carrier", "tracking_number", "confirmed_at",
            "shipped_at", "accepted_at", "accepted_by_id", "auto_accepted", "rating", "comment"], rows.fulfilments)
        report.order_lines = bulk_insert(OrderLine, [
            "id", "order_id", "fulfilment_id", "variant_id", "supplier_id", "county_id", "category_id", "product_name",
            "spec", "unit", "sku", "quantity", "unit_price_fen", "total_fen", "refunded_fen"], rows.lines)
        report.refunds = bulk_insert(Refund, [
            "id", "order_id", "method", "status", "amount_fen", "reason", "idempotency_key", "stripe_refund_id",
            "bank_reference", "source", "created_by_id", "created_at", "completed_at"], rows.refunds)
        bulk_insert(RefundLine, ["id", "refund_id", "order_line_id", "amount_fen"], rows.refund_lines)
        report.offline_records = bulk_insert(OfflineRecord, [
            "id", "campaign_id", "organization_id", "county_id", "supplier_id", "amount_fen", "occurred_on",
            "funding_channel", "description", "status", "created_by_id", "created_at", "reviewed_by_id", "reviewed_at",
            "review_reason"], rows.records)
        report.entries = bulk_insert(LedgerEntry, [
            "campaign_id", "kind", "amount_fen", "county_id", "supplier_id", "organization_id", "buyer_type",
            "funding_channel", "occurred_at", "note", "order_line_id", "refund_line_id", "offline_record_id",
            "category_id", "organization_parent_id", "seq", "prev_hash", "entry_hash", "created_at"], chain.entry_rows)
        LedgerHead.objects.update_or_create(pk=1, defaults={"seq": chain.seq, "last_hash": chain.last_hash})
        items = sorted(chain.deltas.items())
        for n in range(0, len(items), 2000):
            tally_apply(deltas=dict(items[n:n + 2000]))
        reset_sequences([Order, Fulfilment, OrderLine, Refund, RefundLine, OfflineRecord, LedgerEntry])


def build_ledger(*, entries: int, organizations: int, seed: int, log: Log) -> BuildReport:
    """Write ``entries`` entries (about 93% paid order lines, 3% partial refunds, 4% offline
    records) continuing the current chain; the aggregates follow in the same transaction."""

    rng = random.Random(seed)
    report = BuildReport()
    started = time.monotonic()
    src = _sources(organizations=organizations, rng=rng)
    report.organizations = len(src.orgs)
    rows = _Rows(src, rng)
    while len(rows.ledger) < entries:
        rows.add()
    report.seconds["generate"] = time.monotonic() - started

    t = time.monotonic()
    chain = _chain(rows.ledger, now=src.now)
    report.seconds["chain and aggregates"] = time.monotonic() - t

    t = time.monotonic()
    _insert(rows, chain, report)
    report.seconds["insert"] = time.monotonic() - t

    # The products' stored sales and rating counters, from the order lines and fulfilments
    # just bulk-inserted (the bulk insert bypasses the services that maintain them).
    t = time.monotonic()
    product_stats_rebuild()
    report.seconds["product stats"] = time.monotonic() - t

    if connection.vendor == "postgresql":
        t = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        report.seconds["analyze"] = time.monotonic() - t
    report.aggregates = TallyAggregate.objects.count()
    report.ledger_total = LedgerEntry.objects.count()
    report.seconds["total"] = time.monotonic() - started
    log(f"Built {report.entries} entries ({report.order_lines} paid lines of {report.orders} orders, "
        f"{report.refunds} partial refunds, {report.offline_records} offline records), "
        f"{report.organizations} buying organizations, {report.aggregates} aggregate rows in "
        f"{report.seconds['total']:.1f} s (" + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()
                                                        if k != "total") + ")")
    return report

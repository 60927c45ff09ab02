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

Then it times the tally, the leaderboard, the public pages that exist, reconciliation and
verification, and prints median and p95. Timings are printed, never asserted.
"""

from __future__ import annotations

import cProfile
import io
import math
import os
import pstats
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

Log = Callable[[str], None]
CHUNK = 50_000


# --- the throwaway database -------------------------------------------------------------

def _pg_admin(settings_dict: dict, *statements: str) -> None:
    import psycopg

    with psycopg.connect(
        dbname="postgres", host=settings_dict.get("HOST") or None,
        port=settings_dict.get("PORT") or None, user=settings_dict.get("USER") or None,
        password=settings_dict.get("PASSWORD") or None, autocommit=True,
    ) as conn:
        for statement in statements:
            conn.execute(statement)


@contextmanager
def bench_database(log: Log, *, keep: bool = False) -> Iterator[str]:
    """Point the default connection at a new, migrated database; drop it afterwards (unless
    ``keep``). The developer's database is never written."""
    conn = connections[DEFAULT_DB_ALIAS]
    settings_dict = conn.settings_dict
    original_name, original_options = settings_dict["NAME"], dict(settings_dict.get("OPTIONS") or {})
    pool = original_options.pop("pool", None)
    if pool is not None and hasattr(conn, "close_pool"):
        conn.close_pool()
    conn.close()
    tmpdir = None
    if conn.vendor == "sqlite":
        tmpdir = tempfile.mkdtemp(prefix="bench-tally-")
        name = os.path.join(tmpdir, "bench.sqlite3")
    elif conn.vendor == "postgresql":
        name = f"{original_name}_bench_tally"
        _pg_admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    else:
        raise CommandError(f"bench_tally supports PostgreSQL (and SQLite for a smoke run), not {conn.vendor}.")
    settings_dict["NAME"], settings_dict["OPTIONS"] = name, original_options
    log(f"Scratch database {name} ({conn.vendor}): migrating")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield name
    finally:
        connections.close_all()
        settings_dict["NAME"] = original_name
        settings_dict["OPTIONS"] = {**original_options, **({"pool": pool} if pool is not None else {})}
        if tmpdir:
            shutil.rmtree(tmpdir, ignore_errors=True)
        elif not keep:
            _pg_admin(settings_dict, f'DROP DATABASE IF EXISTS "{name}"')


# --- bulk writing --------------------------------------------------------------------------

def bulk_insert(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY on PostgreSQL, multi-row INSERT elsewhere. Rows give every listed column; the
    model's other columns that have a default (fields added later, e.g. invoice details)
    get it (an empty text for text), so the benchmark keeps up with the models."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    extra = [
        f for f in model._meta.concrete_fields
        if f.column not in columns and not f.null and not f.primary_key
        and (f.has_default() or f.empty_strings_allowed)
    ]
    if extra:
        columns = [*columns, *(f.column for f in extra)]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        rows = (tuple(row) + defaults for row in rows)
    cols = ", ".join(qn(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        per = max(1, 900 // len(columns))  # SQLite's limit on bound variables
        batch: list[Sequence] = []

        def flush() -> None:
            if batch:
                marks = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(batch))
                # Datetimes as Django stores them (UTC, no offset on SQLite), or month buckets drift.
                adapt = connection.ops.adapt_datetimefield_value
                values = [adapt(v) if isinstance(v, datetime) else v for r in batch for v in r]
                cursor.execute(f"INSERT INTO {table} ({cols}) VALUES {marks}", values)
                batch.clear()

        for row in rows:
            batch.append(row)
            count += 1
            if len(batch) >= per:
                flush()
        flush()
    return count


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(models: list) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


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
    from shop.accounts.models import BuyerOrganization, OrganizationType

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


def build_ledger(*, entries: int, organizations: int, seed: int, log: Log) -> BuildReport:
    """Write ``entries`` entries (about 93% paid order lines, 3% partial refunds, 4% offline
    records) continuing the current chain; the aggregates follow in the same transaction."""
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

    rng = random.Random(seed)
    report = BuildReport()
    started = time.monotonic()
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
    suppliers = sorted(by_supplier)
    orgs = _organizations(organizations, rng)
    report.organizations = len(orgs)
    tz = timezone.get_current_timezone()
    line_kind, refund_kind, offline_kind = "order_line", "refund", "offline"  # EntryKind values
    start = datetime.combine(campaign.start_date, datetime.min.time(), tz)
    span = int((datetime.combine(campaign.end_date, datetime.min.time(), tz) - start).total_seconds()) + 86_399
    channels = ["canteen", "union", "personal"]
    now = timezone.now()

    order_id, fulfilment_id, line_id = _next_id(Order), _next_id(Fulfilment), _next_id(OrderLine)
    refund_id, rline_id, record_id = _next_id(Refund), _next_id(RefundLine), _next_id(OfflineRecord)
    orders_rows, fulfilment_rows, line_rows, refund_rows, rline_rows, record_rows = [], [], [], [], [], []
    ledger: list[_Entry] = []
    refund_share, offline_share = 0.03, 0.04
    while len(ledger) < entries:
        org_id, org_type, parent_id = rng.choice(orgs)
        roll = rng.random()
        if roll < offline_share:
            county = rng.choice(sorted(counties))
            on = campaign.start_date + timedelta(days=rng.randrange((campaign.end_date - campaign.start_date).days + 1))
            supplier = next((s for s in suppliers if by_supplier[s][0][2] == county), None)
            amount = rng.randrange(10_000, 50_000_000)
            channel = rng.choice(["canteen", "union", "personal", "other"])
            record_rows.append((record_id, campaign.pk, org_id, county, supplier, amount, on, channel, "基准测试线下采购",
                                "approved", None, now, None, now, ""))
            ledger.append(_Entry(campaign.pk, offline_kind, amount, county, supplier, org_id, parent_id, org_type,
                                 channel, None, datetime.combine(on, datetime.min.time().replace(hour=12), tz),
                                 offline_record_id=record_id, note="基准测试线下采购"))
            record_id += 1
            continue
        paid_at = start + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(1_000_000))
        channel = rng.choice(channels)
        picked = rng.sample(suppliers, k=min(len(suppliers), rng.choice((1, 1, 1, 2, 2, 3))))
        total, first_line = 0, None
        order_lines = []
        for supplier in picked:
            subtotal = 0
            for v in rng.sample(by_supplier[supplier], k=1):
                qty = rng.randrange(1, 20)
                unit_fen = int(v[8] * 100)
                line_total = unit_fen * qty
                subtotal += line_total
                order_lines.append((line_id, order_id, fulfilment_id, v[0], supplier, v[2], v[3], v[4][:128], v[5][:64],
                                    v[6][:16], v[7][:64], qty, unit_fen, line_total, 0))
                ledger.append(_Entry(campaign.pk, line_kind, line_total, v[2], supplier, org_id, parent_id,
                                     org_type, channel, v[3], paid_at, order_line_id=line_id, note=f"B{order_id}",
                                     _order_id=order_id))
                first_line = first_line or (line_id, line_total)
                line_id += 1
            fulfilment_rows.append((fulfilment_id, order_id, supplier, "pending", subtotal, "", "", None, None, None,
                                    None, False, None, ""))
            fulfilment_id += 1
            total += subtotal
        refunded = 0
        assert first_line is not None  # every order has a line
        if rng.random() < refund_share / (1 - offline_share) and first_line[1] > 1:
            refunded = first_line[1] // 2
            when = paid_at + timedelta(days=rng.randrange(1, 20))
            refund_rows.append((refund_id, order_id, "bank_transfer", "succeeded", refunded, "基准测试部分退款",
                                f"bench-refund-{refund_id}", None, f"BR{refund_id}", "shop", None, when, when))
            rline_rows.append((rline_id, refund_id, first_line[0], refunded))
            ledger.append(_Entry(campaign.pk, refund_kind, -refunded, ledger[-len(order_lines)].county_id,
                                 ledger[-len(order_lines)].supplier_id, org_id, parent_id, org_type, channel,
                                 ledger[-len(order_lines)].category_id, when, order_line_id=first_line[0],
                                 refund_line_id=rline_id, note=f"B{order_id}"))
            order_lines[0] = (*order_lines[0][:-1], refunded)
            refund_id += 1
            rline_id += 1
        line_rows += order_lines
        number = f"{timezone.localtime(paid_at):%Y%m%d}{order_id}"
        orders_rows.append((
            order_id, number, org_id, None, f"bench-{order_id}", "paid", channel, None, "食堂", "基准", "13800000000",
            "深圳市宝安区基准路1号", "", "", "", total, total, refunded, f"XB{order_id:08d}", "bank_transfer", None,
            None, None, paid_at, None, None, None, "", paid_at - timedelta(hours=1), paid_at,
        ))
        order_id += 1
    report.seconds["generate"] = time.monotonic() - started

    # The chain: in time order (a refund after its line), continuing the demo's head.
    t = time.monotonic()
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
    deltas = aggregate_deltas(ledger, counted_orders=counted)
    report.seconds["chain and aggregates"] = time.monotonic() - t

    t = time.monotonic()
    with transaction.atomic():
        LedgerHead.objects.select_for_update().filter(pk=1).first()
        report.orders = bulk_insert(Order, [
            "id", "number", "organization_id", "placed_by_id", "idempotency_key", "status", "funding_channel",
            "delivery_address_id", "ship_label", "ship_recipient", "ship_phone", "ship_address", "invoice_title",
            "tax_number", "note", "total_fen", "paid_fen", "refunded_fen", "payment_reference", "payment_method",
            "payment_due_at", "approved_by_id", "approved_at", "paid_at", "shipped_at", "accepted_at", "cancelled_at",
            "cancel_reason", "created_at", "updated_at"], orders_rows)
        bulk_insert(Fulfilment, [
            "id", "order_id", "supplier_id", "status", "subtotal_fen", "carrier", "tracking_number", "confirmed_at",
            "shipped_at", "accepted_at", "accepted_by_id", "auto_accepted", "rating", "comment"], fulfilment_rows)
        report.order_lines = bulk_insert(OrderLine, [
            "id", "order_id", "fulfilment_id", "variant_id", "supplier_id", "county_id", "category_id", "product_name",
            "spec", "unit", "sku", "quantity", "unit_price_fen", "total_fen", "refunded_fen"], line_rows)
        report.refunds = bulk_insert(Refund, [
            "id", "order_id", "method", "status", "amount_fen", "reason", "idempotency_key", "stripe_refund_id",
            "bank_reference", "source", "created_by_id", "created_at", "completed_at"], refund_rows)
        bulk_insert(RefundLine, ["id", "refund_id", "order_line_id", "amount_fen"], rline_rows)
        report.offline_records = bulk_insert(OfflineRecord, [
            "id", "campaign_id", "organization_id", "county_id", "supplier_id", "amount_fen", "occurred_on",
            "funding_channel", "description", "status", "created_by_id", "created_at", "reviewed_by_id", "reviewed_at",
            "review_reason"], record_rows)
        report.entries = bulk_insert(LedgerEntry, [
            "campaign_id", "kind", "amount_fen", "county_id", "supplier_id", "organization_id", "buyer_type",
            "funding_channel", "occurred_at", "note", "order_line_id", "refund_line_id", "offline_record_id",
            "category_id", "organization_parent_id", "seq", "prev_hash", "entry_hash", "created_at"], entry_rows)
        LedgerHead.objects.update_or_create(pk=1, defaults={"seq": seq, "last_hash": prev})
        items = sorted(deltas.items())
        for n in range(0, len(items), 2000):
            tally_apply(deltas=dict(items[n:n + 2000]))
        _reset_sequences([Order, Fulfilment, OrderLine, Refund, RefundLine, OfflineRecord, LedgerEntry])
    report.seconds["insert"] = time.monotonic() - t
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


# --- measuring -----------------------------------------------------------------------------

@dataclass
class Timing:
    name: str
    status: str  # "ok", or why it was not measured
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    runs: int = 0


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def time_call(name: str, call: Callable[[], object], *, repeat: int, warmup: int = 2) -> Timing:
    from django.test.utils import CaptureQueriesContext

    try:
        for _ in range(warmup):
            call()
        samples, queries = [], 0
        for _ in range(repeat):
            connection.queries_log.clear()  # the capture counts from the log, which holds 9000 queries
            with CaptureQueriesContext(connection) as ctx:
                began = time.perf_counter()
                call()
                samples.append((time.perf_counter() - began) * 1000)
            queries = len(ctx.captured_queries)
    except Exception as exc:  # noqa: BLE001 - a broken read is reported, not fatal
        return Timing(name, f"error: {type(exc).__name__}: {str(exc)[:80]}")
    return Timing(name, "ok", statistics.median(samples), _p95(samples), queries, repeat)


def time_page(name: str, path: str, *, repeat: int) -> Timing:
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.get(path)
    if response.status_code == 404:
        return Timing(name, f"skipped: {path} does not exist yet (404)")
    if response.status_code != 200:
        return Timing(name, f"skipped: {path} answered {response.status_code}")

    def get() -> None:
        status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")

    return time_call(name, get, repeat=repeat)


def time_once(name: str, call: Callable[[], list], *, profile: bool, log: Log) -> tuple[Timing, list]:
    """Time one run; with ``profile``, run it a second time under cProfile (whose overhead
    would distort the figure) and print where the time goes."""
    began = time.perf_counter()
    result = call()
    elapsed = (time.perf_counter() - began) * 1000
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        call()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        log(f"Profile of {name} (a second run, under cProfile):\n" + "\n".join(out.getvalue().splitlines()[:45]))
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
        log(f"Own time of {name}:\n" + "\n".join(out.getvalue().splitlines()[6:30]))
    return Timing(name, "ok" if not result else f"{len(result)} differences", elapsed, elapsed, None, 1), result


def measure_all(*, repeat: int, profile: bool, log: Log) -> tuple[list[Timing], dict[str, list]]:
    from django.conf import settings
    from django.test.utils import override_settings

    from orders.integrity import ledger_verify, tally_reconcile
    from orders.models import Campaign
    from orders.selectors.tally import leaderboard, tally_for_campaign

    campaign = Campaign.objects.filter(is_active=True).order_by("-start_date", "-pk").first()  # the pages' one
    assert campaign is not None  # the bench seeds one before measuring
    month = f"{campaign.start_date:%Y}-06"
    timings = [
        time_call("tally (tally_for_campaign)", lambda: tally_for_campaign(campaign=campaign), repeat=repeat),
        time_call("leaderboard: organizations, page 1",
                  lambda: leaderboard(campaign=campaign, dimension="organization"), repeat=repeat),
        time_call("leaderboard: enterprises, page 1",
                  lambda: leaderboard(campaign=campaign, dimension="organization", buyer_type="enterprise"),
                  repeat=repeat),
        time_call(f"leaderboard: organizations, {month}, page 1",
                  lambda: leaderboard(campaign=campaign, dimension="organization", period=month), repeat=repeat),
        time_call("leaderboard: organizations, page 50",
                  lambda: leaderboard(campaign=campaign, dimension="organization", offset=980), repeat=repeat),
        time_call("leaderboard: streets and departments",
                  lambda: leaderboard(campaign=campaign, dimension="parent"), repeat=repeat),
        time_call("leaderboard: suppliers", lambda: leaderboard(campaign=campaign, dimension="supplier"),
                  repeat=repeat),
    ]
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"], SECURE_SSL_REDIRECT=False,
                           STORAGES={**settings.STORAGES, "staticfiles": {
                               "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        timings += [
            time_page("page: progress /tally/", "/tally/", repeat=repeat),
            time_page("page: leaderboard /tally/leaderboard/", "/tally/leaderboard/", repeat=repeat),
            time_page("page: home / (campaign progress)", "/", repeat=repeat),
        ]
    problems: dict[str, list] = {}
    timing, problems["reconcile"] = time_once("reconcile (tally_reconcile)", tally_reconcile, profile=profile, log=log)
    timings.append(timing)
    timing, problems["verify"] = time_once("verify the chain (ledger_verify)", ledger_verify, profile=profile, log=log)
    timings.append(timing)
    return timings, problems

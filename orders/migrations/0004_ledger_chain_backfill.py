"""Chain and aggregate the ledger entries written before the hash chain existed (the demo's
offline rows, for instance), so verification and the tally hold for old databases too.

Self-contained on purpose: the hash and the aggregate dimensions are frozen here as they were
when this migration was written (``orders.chain`` may grow optional fields later, and
application code must not change what an old migration does). Entries are streamed in id
order and written back in batches, so the memory used does not grow with the ledger."""

import hashlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import migrations
from django.db.models import F

BATCH = 2000
CHAIN_FIELDS = (
    "seq", "campaign_id", "kind", "amount_fen", "county_id", "supplier_id", "organization_id",
    "organization_parent_id", "buyer_type", "funding_channel", "category_id", "occurred_at",
    "order_line_id", "refund_line_id", "offline_record_id", "note",
)
DIMENSIONS = (
    ("total", None), ("county", "county_id"), ("buyer_type", "buyer_type"),
    ("organization", "organization_id"), ("parent", "organization_parent_id"),
    ("supplier", "supplier_id"), ("category", "category_id"), ("channel", "funding_channel"),
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return str(value)


def _hash(entry, prev_hash: str) -> str:
    parts = [f"{name}={_text(getattr(entry, name))}" for name in CHAIN_FIELDS]
    parts.append(f"prev={prev_hash}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _add_deltas(deltas: dict, entry, zone: ZoneInfo) -> None:
    """Entries written before the chain were offline records and order lines whose orders
    were counted when they were paid; no order is counted again here."""
    local = entry.occurred_at.astimezone(zone)
    month = f"{local.year:04d}-{local.month:02d}"
    keys = [("month", month, "")]  # the month dimension: whole-campaign rows keyed by month
    for dimension, attr in DIMENSIONS:
        key = "" if attr is None else getattr(entry, attr)
        if attr is not None and key in (None, ""):
            continue
        keys += [(dimension, str(key), ""), (dimension, str(key), month)]
    for dimension, key, period in keys:
        group = entry.buyer_type if dimension == "organization" else ""
        row = deltas.setdefault((entry.campaign_id, dimension, period, key), [0, 0, group])
        row[0] += entry.amount_fen
        row[1] += 1


def backfill(apps, schema_editor):
    LedgerEntry = apps.get_model("orders", "LedgerEntry")
    LedgerHead = apps.get_model("orders", "LedgerHead")
    TallyAggregate = apps.get_model("orders", "TallyAggregate")
    BuyerOrganization = apps.get_model("accounts", "BuyerOrganization")
    zone = ZoneInfo(settings.TIME_ZONE)
    head, _ = LedgerHead.objects.get_or_create(pk=1)
    deltas: dict = {}
    last_id = 0
    while True:
        batch = list(LedgerEntry.objects.filter(seq__isnull=True, id__gt=last_id).order_by("id")[:BATCH])
        if not batch:
            break
        last_id = batch[-1].id
        orgs = {e.organization_id for e in batch if e.organization_id and e.organization_parent_id is None}
        parents = dict(BuyerOrganization.objects.filter(pk__in=orgs).values_list("pk", "parent_id"))
        for entry in batch:
            if entry.organization_id in parents:
                entry.organization_parent_id = parents[entry.organization_id]
            head.seq += 1
            entry.seq = head.seq
            entry.prev_hash = head.last_hash
            entry.entry_hash = _hash(entry, head.last_hash)
            head.last_hash = entry.entry_hash
            _add_deltas(deltas, entry, zone)
        LedgerEntry.objects.bulk_update(batch, ["seq", "prev_hash", "entry_hash", "organization_parent_id"])
    head.save()
    for (campaign_id, dimension, period, key), (amount, count, group) in sorted(deltas.items()):
        row, created = TallyAggregate.objects.get_or_create(
            campaign_id=campaign_id, dimension=dimension, period=period, key=key,
            defaults={"group": group, "amount_fen": amount, "entry_count": count, "order_count": 0},
        )
        if not created:
            TallyAggregate.objects.filter(pk=row.pk).update(
                amount_fen=F("amount_fen") + amount, entry_count=F("entry_count") + count
            )


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_ledger_chain_tally_offline")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

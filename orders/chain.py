"""The ledger's hash chain and its aggregate dimensions: pure functions of an entry's
values, shared by the append path, the verify command and the migration that backfills
entries written before the chain existed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

# The fields a hash covers, in order. Changing this list breaks every existing chain.
CHAIN_FIELDS = (
    "seq", "campaign_id", "kind", "amount_fen", "county_id", "supplier_id", "organization_id",
    "organization_parent_id", "buyer_type", "funding_channel", "category_id", "occurred_at",
    "order_line_id", "refund_line_id", "offline_record_id", "note",
)
# Fields added later: hashed only when set, so entries written before them keep their hash.
OPTIONAL_CHAIN_FIELDS = ("takes_over_id",)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return str(value)


def entry_preimage(values: Mapping[str, Any], prev_hash: str) -> str:
    """The text an entry's hash covers (``orders.integrity`` builds the same text in SQL on
    PostgreSQL to verify a million entries quickly)."""
    parts = [f"{name}={_text(values.get(name))}" for name in CHAIN_FIELDS]
    parts += [f"{name}={values[name]}" for name in OPTIONAL_CHAIN_FIELDS if values.get(name) is not None]
    parts.append(f"prev={prev_hash}")
    return "\x1f".join(parts)


def entry_hash(values: Mapping[str, Any], prev_hash: str) -> str:
    """SHA-256 over the entry's fields and the previous entry's hash."""
    return hashlib.sha256(entry_preimage(values, prev_hash).encode()).hexdigest()


def entry_values(entry: Any) -> dict[str, Any]:
    values = {name: getattr(entry, name) for name in CHAIN_FIELDS}
    values.update({name: getattr(entry, name, None) for name in OPTIONAL_CHAIN_FIELDS})
    return values


@lru_cache(maxsize=1)
def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def month_of(when: datetime) -> str:
    """The entry's month in the platform's time zone (settings.TIME_ZONE, fixed, so the
    month never depends on a request's active time zone). Called millions of times by
    reconciliation: the zone is looked up once."""
    local = when.astimezone(_zone())
    return f"{local.year:04d}-{local.month:02d}"


# Dimensions of the tally: (dimension, attribute of the entry giving the key).
DIMENSIONS = (
    ("total", None),
    ("county", "county_id"),
    ("buyer_type", "buyer_type"),
    ("organization", "organization_id"),
    ("parent", "organization_parent_id"),
    ("supplier", "supplier_id"),
    ("category", "category_id"),
    ("channel", "funding_channel"),
    ("month", None),
)
# Dimensions that count orders (an order belongs to one organization).
ORDER_DIMENSIONS = frozenset({"total", "buyer_type", "organization", "parent"})


def aggregate_deltas(
    entries: Iterable[Any], *, counted_orders: set[int] | None = None
) -> dict[tuple[int, str, str, str], list]:
    """{(campaign_id, dimension, period, key): [amount, entries, orders, group]} for the entries.

    Each dimension is summed for the whole campaign (period "") and for the entry's month;
    the "month" dimension only by month. ``counted_orders`` holds the ids of orders paid in
    this append, counted once in the order dimensions. Entries outside every campaign
    (no campaign) have no aggregate rows: they are summed from the ledger itself."""
    deltas: dict[tuple[int, str, str, str], list] = {}
    seen_orders: set[tuple[int, int]] = set()
    for entry in entries:
        if entry.campaign_id is None:
            continue
        month = month_of(entry.occurred_at)
        order_id = getattr(entry, "_order_id", None)
        new_order = bool(counted_orders and order_id in counted_orders and (entry.campaign_id, order_id) not in seen_orders)
        if new_order and order_id is not None:  # new_order: order_id is in counted_orders
            seen_orders.add((entry.campaign_id, order_id))
        for dimension, attr in DIMENSIONS:
            if dimension == "month":
                keys = [("", month)]
            else:
                key = "" if attr is None else getattr(entry, attr)
                if attr is not None and key in (None, ""):
                    continue
                keys = [("", str(key)), (month, str(key))]
            group = entry.buyer_type if dimension == "organization" else ""
            for period, key in keys:
                row = deltas.setdefault((entry.campaign_id, dimension, period, key), [0, 0, 0, group])
                row[0] += entry.amount_fen
                row[1] += 1
                if new_order and dimension in ORDER_DIMENSIONS:
                    row[2] += 1
    return deltas

"""Tables of a report: headers and rows (plain values: str, int, Decimal, datetime)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, pgettext

from orders.models import EntryKind, FundingChannel, LedgerEntry
from orders.selectors.reports import breakdown, ledger_rows, percent
from shop.accounts.models import OrganizationType
from shop.common.money import fen_to_yuan, yuan_to_fen

# Column kinds: "money" (Decimal yuan, 0.00), "percent" (Decimal, 0.00), "int", "datetime", "text".


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: Iterable[list[Any]]
    counted: list[int] = field(default_factory=lambda: [0])

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.counted[0] += 1
            yield row


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _region(name: str | None, name_en: str | None) -> str:
    return (name_en if _english() and name_en else name) or ""


def _local(when: dt.datetime) -> dt.datetime:
    """Naive local time: spreadsheets know no time zones."""
    return timezone.localtime(when).replace(tzinfo=None)


def table_title(key: str) -> str:
    return {
        "ledger": pgettext("report", "Ledger"),
        "county": pgettext("report", "By county"),
        "buyer_type": pgettext("report", "By buyer type"),
        "organization": pgettext("report", "By organization"),
        "supplier": pgettext("report", "By supplier"),
        "category": pgettext("report", "By category"),
        "channel": pgettext("report", "By funding channel"),
        "month": pgettext("report", "By month"),
        "breakdowns": pgettext("report", "Breakdowns"),
    }[key]


def ledger_table(qs: QuerySet[LedgerEntry]) -> Table:
    kinds = dict(EntryKind.choices)
    channels = dict(FundingChannel.choices)
    types = dict(OrganizationType.choices)
    offline_label = pgettext("report", "Offline record #%(id)s")

    def rows() -> Iterator[list[Any]]:
        for r in ledger_rows(qs).iterator(chunk_size=2000):
            if r["offline_record_id"]:
                source = offline_label % {"id": r["offline_record_id"]}
                if r["offline_record__description"]:
                    source = f"{source} {r['offline_record__description']}"
            else:
                source = r["order_line__order__number"] or r["refund_line__order_line__order__number"] or ""
            yield [
                _local(r["occurred_at"]), r["campaign__name"], str(kinds.get(r["kind"], r["kind"])),
                fen_to_yuan(r["amount_fen"]), _region(r["county__name"], r["county__name_en"]),
                r["supplier__legal_name"] or "", r["organization__name"] or "",
                str(types.get(r["buyer_type"], r["buyer_type"] or "")), r["organization_parent__name"] or "",
                str(channels.get(r["funding_channel"], r["funding_channel"])),
                _region(r["category__name"], r["category__name_en"]), source, r["note"] or "",
            ]

    headers = [
        pgettext("report", "Time"), pgettext("report", "Campaign"), pgettext("report", "Kind"),
        pgettext("report", "Amount (yuan)"), pgettext("report", "County"), pgettext("report", "Supplier"),
        pgettext("report", "Buyer organization"), pgettext("report", "Buyer type"),
        pgettext("report", "Street or department"), pgettext("report", "Funding channel"),
        pgettext("report", "Category"), pgettext("report", "Order number or offline record"),
        pgettext("report", "Note"),
    ]
    kinds_ = ["datetime", "text", "text", "money"] + ["text"] * 9
    return Table("ledger", table_title("ledger"), headers, kinds_, rows())


def breakdown_table(qs: QuerySet[LedgerEntry], dimension: str, *, total_fen: int) -> Table:
    raw = breakdown(qs, dimension)
    none = pgettext("report", "(not given)")
    amount_headers = [
        pgettext("report", "Amount (yuan)"), pgettext("report", "Share (%)"),
        pgettext("report", "Entries"), pgettext("report", "Orders"),
    ]
    amount_kinds = ["money", "percent", "int", "int"]

    def amounts(r: dict[str, Any]) -> list[Any]:
        amount = int(r["amount"] or 0)
        return [fen_to_yuan(amount), percent(amount, total_fen), r["entries"], r["orders"]]

    if dimension == "organization":
        types = dict(OrganizationType.choices)
        headers = [
            pgettext("report", "Buyer organization"), pgettext("report", "Buyer type"),
            pgettext("report", "Street or department"), *amount_headers,
            pgettext("report", "Pledge (yuan)"), pgettext("report", "Pledge completion (%)"),
        ]
        rows = []
        for r in raw:
            pledge = r["organization__annual_pledge"]
            pledge_fen = yuan_to_fen(Decimal(pledge)) if pledge else 0
            amount = int(r["amount"] or 0)
            rows.append([
                r["organization__name"] or none, str(types.get(r["organization__org_type"], "")),
                r["organization__parent__name"] or "", *amounts(r),
                fen_to_yuan(pledge_fen) if pledge_fen else None,
                percent(amount, pledge_fen) if pledge_fen else None,
            ])
        kinds = ["text", "text", "text", *amount_kinds, "money", "percent"]
        return Table(dimension, table_title(dimension), headers, kinds, rows)

    if dimension == "month":
        name_header = pgettext("report", "Month")
        rows = [[timezone.localtime(r["m"]).strftime("%Y-%m") if isinstance(r["m"], dt.datetime)
                 else r["m"].strftime("%Y-%m"), *amounts(r)] for r in raw]
    else:
        labels: dict[str, Any] = {}
        if dimension == "buyer_type":
            labels = dict(OrganizationType.choices)
        elif dimension == "channel":
            labels = dict(FundingChannel.choices)
        name_header = {
            "county": pgettext("report", "County"), "buyer_type": pgettext("report", "Buyer type"),
            "supplier": pgettext("report", "Supplier"), "category": pgettext("report", "Category"),
            "channel": pgettext("report", "Funding channel"),
        }[dimension]
        rows = []
        for r in raw:
            if dimension == "county":
                name = _region(r["county__name"], r["county__name_en"])
            elif dimension == "supplier":
                name = r["supplier__legal_name"]
            elif dimension == "category":
                name = _region(r["category__name"], r["category__name_en"])
            elif dimension == "buyer_type":
                name = str(labels.get(r["buyer_type"], "")) if r["buyer_type"] else ""
            else:
                name = str(labels.get(r["funding_channel"], r["funding_channel"]))
            rows.append([name or none, *amounts(r)])
    return Table(dimension, table_title(dimension), [name_header, *amount_headers], ["text", *amount_kinds], rows)

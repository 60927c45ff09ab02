"""Build a report file from its parameters and scope."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import pgettext

from orders.models import Campaign
from orders.reports.tables import Table, breakdown_table, ledger_table, table_title
from orders.reports.writers import write_csv, write_xlsx
from orders.selectors.reports import BREAKDOWNS, ReportParams, ledger_scope, ledger_total
from shop.accounts.models import BuyerOrganization
from shop.common.money import fen_to_yuan

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True)
class BuiltReport:
    content: bytes
    file_name: str
    content_type: str
    rows: int
    total_fen: int


def report_title(*, campaign: Campaign, params: ReportParams, organization: BuyerOrganization | None) -> str:
    with translation.override(params.language):
        parts = [campaign.name, params.period_label(), table_title(params.table)]
        if organization is not None:
            parts.insert(0, organization.name)
        return " ".join(parts)


def report_row_estimate(*, campaign: Campaign, params: ReportParams, organization: BuyerOrganization | None) -> int:
    """Rows the file will hold, bounded above: the ledger's entries in scope (one COUNT).
    A breakdown has at most as many rows as entries, so a small ledger means a small file."""
    return ledger_scope(campaign=campaign, params=params, organization=organization).count()


def report_build(*, campaign: Campaign, params: ReportParams, organization: BuyerOrganization | None) -> BuiltReport:
    with translation.override(params.language):
        qs = ledger_scope(campaign=campaign, params=params, organization=organization)
        total_fen, entry_count = ledger_total(qs)
        tables: list[Table]
        if params.table == "ledger":
            tables = [ledger_table(qs)]
        elif params.table == "breakdowns":
            tables = [breakdown_table(qs, d, total_fen=total_fen) for d in BREAKDOWNS]
        else:
            tables = [breakdown_table(qs, params.table, total_fen=total_fen)]
        if params.fmt == "csv":
            content = write_csv(tables[0])
        else:
            summary = [
                (pgettext("report", "Campaign"), campaign.name),
                (pgettext("report", "Period"), params.period_label()),
                (pgettext("report", "Buyer organization"), organization.name if organization else pgettext("report", "All")),
                (pgettext("report", "Total (yuan)"), fen_to_yuan(total_fen)),
                (pgettext("report", "Entries"), entry_count),
                (pgettext("report", "Generated at"), timezone.localtime().replace(tzinfo=None, microsecond=0)),
            ]
            content = write_xlsx(tables, summary=summary)
        rows = sum(t.counted[0] for t in tables)
        name = report_title(campaign=campaign, params=params, organization=organization)
    safe = "".join(c if c.isalnum() or c in "-_~" else "-" for c in name).strip("-")[:120] or "report"
    return BuiltReport(content, f"{safe}.{params.fmt}", CONTENT_TYPES[params.fmt], rows, total_fen)

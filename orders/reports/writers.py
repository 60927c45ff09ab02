"""Writers: XLSX (openpyxl, write-only, one sheet per table) and CSV (UTF-8 with a BOM so
Excel opens Chinese correctly, one table)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from orders.reports.tables import Table

_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
FORMATS = {"money": "0.00", "percent": "0.00", "int": "0", "datetime": "yyyy-mm-dd hh:mm:ss"}


def _csv_value(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind in ("money", "percent") and isinstance(value, Decimal):
        return f"{value:.2f}"
    if kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[attr-defined]
    return str(value)


def write_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    for row in table:
        writer.writerow([_csv_value(v, k) for v, k in zip(row, table.kinds, strict=True)])
    return buffer.getvalue().encode("utf-8")


def _sheet_name(title: str, used: set[str]) -> str:
    name = _SHEET_BAD.sub(" ", title)[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name)
    return name


def write_xlsx(tables: Sequence[Table], *, summary: Sequence[tuple[str, object]] = ()) -> bytes:
    """Amounts are written from ``Decimal`` as number cells formatted ``0.00``."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    if summary:
        sheet = workbook.create_sheet(_sheet_name(pgettext("report", "Summary"), used))
        for label, value in summary:
            label_cell = WriteOnlyCell(sheet, value=label)
            label_cell.font = bold
            value_cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # summary values are text, numbers or dates
            if isinstance(value, Decimal):
                value_cell.number_format = "0.00"
            sheet.append([label_cell, value_cell])
    for table in tables:
        sheet = workbook.create_sheet(_sheet_name(table.title, used))
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table:
            cells = []
            for value, kind in zip(row, table.kinds, strict=True):
                cell = WriteOnlyCell(sheet, value=value)
                if kind in FORMATS and value is not None:
                    cell.number_format = FORMATS[kind]
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

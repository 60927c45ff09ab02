"""A settlement statement as XLSX (openpyxl) and PDF (reportlab), with Chinese headers.

The PDF uses reportlab's built-in CID font ``STSong-Light`` (Adobe's Asian font pack, which
PDF readers carry), so no font file ships with the project.
"""

from __future__ import annotations

import io
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orders.models import SettlementStatement
from shop.common.money import fen_to_yuan

HEADERS = ["订单号", "类型", "验收时间", "货款(元)", "退款(元)", "结算金额(元)"]
KINDS = {"sale": "验收货款", "adjustment": "结算后退款调整"}


def _rows(statement: SettlementStatement) -> list[list]:
    return [
        [line.order_number, KINDS.get(line.kind, line.kind),
         line.accepted_at.strftime("%Y-%m-%d") if line.accepted_at else "",
         fen_to_yuan(line.gross_fen), fen_to_yuan(line.refunded_fen), fen_to_yuan(line.amount_fen)]
        for line in statement.lines.all()
    ]


def _summary(statement: SettlementStatement) -> list[tuple[str, object]]:
    s = statement.supplier
    return [
        ("结算单号", statement.number), ("供应商", s.legal_name),
        ("结算期间", f"{statement.period_start} 至 {statement.period_end}"),
        ("状态", statement.get_status_display()),
        ("验收货款(元)", fen_to_yuan(statement.sales_fen)), ("调整(元)", fen_to_yuan(statement.adjustments_fen)),
        ("应结金额(元)", fen_to_yuan(statement.amount_fen)), ("平台服务费(元)", fen_to_yuan(statement.fee_fen)),
        ("实付金额(元)", fen_to_yuan(statement.payout_fen)),
        ("收款账户", f"{s.bank_name} {s.bank_account_name} {s.bank_account_number}".strip()),
        ("银行流水号", statement.bank_reference), ("付款日期", str(statement.paid_on or "")),
    ]


def statement_xlsx(statement: SettlementStatement) -> bytes:
    book = Workbook()
    sheet = cast(Worksheet, book.active)  # a new workbook has one worksheet
    sheet.title = "结算单"
    for label, value in _summary(statement):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(HEADERS)
    for row in _rows(statement):
        sheet.append(row)
    for column, width in zip("ABCDEF", (24, 18, 14, 14, 14, 16), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def statement_pdf(statement: SettlementStatement) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=16, leading=22)
    out = io.BytesIO()
    # invariant: the same statement gives the same bytes (its ETag is a digest of the inputs)
    doc = SimpleDocTemplate(out, pagesize=A4, title=f"结算单 {statement.number}", invariant=1)
    summary = Table([[label, str(value)] for label, value in _summary(statement)], colWidths=[110, 370])
    lines = Table([HEADERS] + [[str(c) for c in row] for row in _rows(statement)], repeatRows=1)
    style: list[Any] = [("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 9),
             ("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]
    summary.setStyle(TableStyle(style))
    lines.setStyle(TableStyle(style + [("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                       ("ALIGN", (3, 1), (-1, -1), "RIGHT")]))
    doc.build([Paragraph("供应商结算单", title), Spacer(1, 8), summary, Spacer(1, 12), lines])
    return out.getvalue()

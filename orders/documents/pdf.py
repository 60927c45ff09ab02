"""The three procurement documents as PDF, drawn with reportlab.

reportlab is pure Python (no system libraries) and carries the Adobe CID font
``STSong-Light``: the PDF names the font and the reader supplies the glyphs, so no font
file ships with the project and the text stays extractable (UniGB-UCS2-H encoding).

The documents are always written in Chinese (they are the legal paper trail); the labels
are msgids in English translated under ``translation.override("zh-hans")``. Their Chinese
wording separates facts with full-width punctuation (；): readers that substitute a font for
STSong-Light may have no glyph for the Latin middle dot.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from orders.documents.capitals import fen_in_capitals
from orders.models import Fulfilment
from orders.selectors.documents import DocumentScope
from shop.common.money import format_yuan

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1, spaceAfter=4 * mm)
HEAD = ParagraphStyle("head", fontName=FONT, fontSize=12, leading=17, spaceBefore=3 * mm, spaceAfter=1.5 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15)
CELL = ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12)
TABLE_STYLE = TableStyle([
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("FONTSIZE", (0, 0), (-1, -1), 9),
    ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
])


class SealBox(Flowable):
    """A signature line and a dashed circle where the seal (公章) goes."""

    def __init__(self, label: str, width: float = 80 * mm, height: float = 42 * mm) -> None:
        super().__init__()
        self.label, self.width, self.height = label, width, height

    def draw(self) -> None:
        c = self.canv
        c.setFont(FONT, 10)
        c.drawString(0, self.height - 12, self.label)
        c.drawString(0, self.height - 32, _("Signature") + ": ______________")
        c.drawString(0, self.height - 52, _("Date") + ": ______年____月____日")
        # The seal circle sits right of the signature and date lines (about 44 mm long at
        # 10 pt), clear of them.
        c.setDash(3, 2)
        c.circle(self.width - 15 * mm, 18 * mm, 14 * mm)
        c.setDash()
        c.setFont(FONT, 8)
        c.drawCentredString(self.width - 15 * mm, 17 * mm, _("Seal here"))


def _p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _lines_table(part: Fulfilment, *, prices: bool = True) -> Table:
    head: list[object] = [_("Product"), _("Specification"), _("Quantity")]
    if prices:
        head += [_("Unit price"), _("Amount")]
    rows: list[list[object]] = [head]
    for line in part.lines.all():
        row: list[object] = [_p(line.product_name, CELL), _p(line.spec, CELL), f"{line.quantity} {line.unit}"]
        if prices:
            row += [format_yuan(line.unit_price_fen), format_yuan(line.total_fen)]
        rows.append(row)
    if prices:
        rows.append([_("Subtotal"), "", "", "", format_yuan(part.subtotal_fen)])
    widths = [60 * mm, 40 * mm, 25 * mm, 25 * mm, 30 * mm] if prices else [80 * mm, 60 * mm, 40 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TABLE_STYLE)
    return table


def _amount(fen: int) -> Paragraph:
    return _p(_("Total: %(figures)s (in capitals: %(capitals)s)") % {
        "figures": format_yuan(fen), "capitals": fen_in_capitals(fen)})


def _buyer_block(scope: DocumentScope) -> list[Flowable]:
    order = scope.order
    return [
        _p(_("Buyer (Party A): %(name)s") % {"name": order.organization.name}),
        _p(_("Deliver to: %(label)s, %(recipient)s %(phone)s, %(address)s") % {
            "label": order.ship_label, "recipient": order.ship_recipient,
            "phone": order.ship_phone, "address": order.ship_address}),
    ]


def _supplier_block(part: Fulfilment) -> list[Flowable]:
    s = part.supplier
    return [
        _p(_("Supplier (Party B): %(name)s") % {"name": s.legal_name}, HEAD),
        _p(_("Unified social credit code: %(code)s · Contact: %(name)s %(phone)s") % {
            "code": s.credit_code or "—", "name": s.contact_name, "phone": s.contact_phone}),
    ]


def _render(title: str, story: Iterable[Flowable]) -> bytes:
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=15 * mm, rightMargin=15 * mm,
                            topMargin=15 * mm, bottomMargin=15 * mm, invariant=1)
    doc.build([_p(title, TITLE), *story])
    return out.getvalue()


def _order_facts(scope: DocumentScope) -> list[Flowable]:
    order = scope.order
    return [_p(_("Order number: %(number)s · Placed at: %(at)s") % {
        "number": order.number, "at": timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M")})]


def contract_pdf(scope: DocumentScope) -> bytes:
    """采购合同: the parties, each supplier part with its lines, totals in figures and
    capitals, delivery and acceptance terms, and a seal area per party."""
    with translation.override("zh-hans"):
        story: list[Flowable] = [*_order_facts(scope), *_buyer_block(scope)]
        for part in scope.fulfilments:
            story += [*_supplier_block(part), _lines_table(part), Spacer(1, 2 * mm), _amount(part.subtotal_fen)]
        story += [
            _p(_("Contract amount"), HEAD), _amount(scope.total_fen),
            _p(_("Delivery and acceptance terms"), HEAD),
            _p(_("1. Party B delivers the goods above to the delivery address with a delivery note within 7 days after payment.")),
            _p(_("2. Party A inspects quantity and quality on receipt and signs the acceptance form within 7 days; goods not accepted or disputed in that time count as accepted.")),
            _p(_("3. Party B issues the invoice for its part to Party A; the goods are products of the poverty-alleviation counties and count toward Party A's consumption-assistance target.")),
            Spacer(1, 6 * mm),
            Table([[SealBox(_("Party A (seal)")), SealBox(_("Party B (seal)"))]], colWidths=[90 * mm, 90 * mm]),
        ]
        return _render(_("Purchase contract"), story)


def delivery_note_pdf(scope: DocumentScope, part: Fulfilment) -> bytes:
    """送货单 for one supplier part: what is delivered, to whom, with a receiver's signature."""
    with translation.override("zh-hans"):
        story = [
            *_order_facts(scope), *_buyer_block(scope), *_supplier_block(part),
            _p(_("Carrier: %(carrier)s · Tracking number: %(number)s") % {
                "carrier": part.carrier or "—", "number": part.tracking_number or "—"}),
            Spacer(1, 2 * mm), _lines_table(part, prices=False), Spacer(1, 6 * mm),
            Table([[SealBox(_("Delivered by")), SealBox(_("Received by"))]], colWidths=[90 * mm, 90 * mm]),
        ]
        return _render(_("Delivery note"), story)


def acceptance_pdf(scope: DocumentScope) -> bytes:
    """验收单: each part, its lines and amount, the result of the inspection, and the
    signature and seal areas of the inspector and the buyer organization."""
    with translation.override("zh-hans"):
        story: list[Flowable] = [*_order_facts(scope), *_buyer_block(scope)]
        for part in scope.fulfilments:
            story += [*_supplier_block(part), _lines_table(part), Spacer(1, 2 * mm)]
        story += [
            _amount(scope.total_fen),
            _p(_("Inspection result"), HEAD),
            _p(_("□ Accepted in full   □ Accepted with remarks   □ Refused")),
            _p(_("Remarks") + ": ____________________________________________"),
            Spacer(1, 6 * mm),
            Table([[SealBox(_("Inspector")), SealBox(_("Buyer organization (seal)"))]], colWidths=[90 * mm, 90 * mm]),
        ]
        return _render(_("Acceptance form"), story)

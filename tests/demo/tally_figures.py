"""What a visitor reads on the public tally pages and a staff member in a report, in fen;
and an order of the demo purchaser to move them."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import openpyxl

from catalog.models import ProductVariant
from orders.models import Campaign, Order
from orders.selectors.reports import ReportParams
from orders.selectors.tally import leaderboard
from orders.services.cart import cart_clear, cart_line_add
from orders.services.checkout import order_place
from orders.services.reports import report_export_build, report_export_create
from shop.accounts.models import BuyerOrganization, DeliveryAddress, User
from shop.demo import data_buyers as D

_AMOUNT = re.compile(r"¥([0-9,]+\.[0-9]{2})")


def fen_of(text: str) -> int:
    """¥1,234.50 → 123450."""
    match = _AMOUNT.search(text)
    assert match, text
    return int(Decimal(match.group(1).replace(",", "")) * 100)


def element_fen(html: str, element_id: str) -> int:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html)
    assert match, element_id
    return fen_of(match.group(1))


def board_row_fen(html: str, name: str) -> int | None:
    """The amount in the leaderboard row of ``name`` (None when it is not on the page)."""
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        heading = re.search(r'<th scope="row">(.*?)</th>', row, flags=re.S)
        if heading and re.sub(r"<[^>]+>", "", heading.group(1)).strip() == name:
            return fen_of(re.findall(r'<td class="num">([^<]*)</td>', row)[-1])
    return None


@dataclass(frozen=True)
class Figures:
    """What a visitor reads on the tally pages and in a staff report, in fen."""

    progress: int
    screen: int
    screen_json: int
    screen_json_orders: int
    organization_row: int | None
    county_row: int | None
    xlsx_total: int
    csv_county: int


def _report(staff: User, campaign: Campaign, *, table: str, fmt: str) -> bytes:
    params = ReportParams(campaign_id=campaign.pk, period_type="campaign", table=table, fmt=fmt)
    export = report_export_create(user=staff, campaign=campaign, params=params, organization=None, queue=False)
    export = report_export_build(export_id=export.pk)
    assert export.status == "done", export.error
    with export.file.open("rb") as fh:
        return fh.read()


def figures(client, *, campaign: Campaign, organization: BuyerOrganization, county_name: str) -> Figures:
    progress = client.get("/tally/")
    screen = client.get("/tally/screen/")
    data = client.get("/tally/screen.json").json()
    assert data["campaign"]["slug"] == campaign.slug
    # the organization's row is on the page its rank puts it on
    ranked = leaderboard(campaign=campaign, first=1000)
    rank = next((i for i, row in enumerate(ranked.rows) if row.name == organization.name), None)
    org_row = None
    if rank is not None:
        page = client.get(f"/tally/leaderboard/?page={rank // 20 + 1}")
        org_row = board_row_fen(page.content.decode(), organization.name)
    counties = client.get("/tally/leaderboard/?board=county").content.decode()
    staff = User.objects.get(email="admin@demo.cn")
    workbook = openpyxl.load_workbook(io.BytesIO(_report(staff, campaign, table="county", fmt="xlsx")))
    summary = dict(workbook["概况"].iter_rows(values_only=True))
    rows = list(csv.reader(io.StringIO(_report(staff, campaign, table="county", fmt="csv").decode("utf-8-sig"))))
    county_cell = next(r for r in rows if r and r[0] == county_name)
    return Figures(
        progress=element_fen(progress.content.decode(), "tally-total"),
        screen=element_fen(screen.content.decode(), "screen-total"),
        screen_json=data["total_fen"],
        screen_json_orders=data["order_count"],
        organization_row=org_row,
        county_row=board_row_fen(counties, county_name),
        xlsx_total=int(Decimal(str(summary["合计（元）"])) * 100),
        csv_county=int(Decimal(county_cell[1]) * 100),
    )


def place_demo_order(*, key: str) -> Order:
    """The demo purchaser orders twice the minimum of a variant, below the community's
    approval threshold, so the order waits for payment."""
    organization = BuyerOrganization.objects.get(slug=f"community-{D.DEMO_COMMUNITY_CODE}")
    purchaser = User.objects.get(email="purchaser@demo.cn")
    address = DeliveryAddress.objects.filter(organization=organization).order_by("-is_default", "pk").first()
    variant = next(
        v for v in ProductVariant.objects.filter(is_active=True, product__is_visible=True, stock__gt=20)
        .select_related("product__supplier__county").order_by("-sku")
        if v.price * v.min_order_qty * 2 < organization.approval_threshold
    )
    cart_clear(user=purchaser, organization=organization)
    cart_line_add(user=purchaser, organization=organization, variant_id=variant.pk, quantity=variant.min_order_qty * 2)
    order = order_place(user=purchaser, organization=organization, address_id=address.pk,
                        funding_channel="union", idempotency_key=key)
    assert order.status == "awaiting_payment" and order.total_fen > 0
    return order

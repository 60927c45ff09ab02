"""After seeding, the demo moves: an order paid now counts in the main campaign, and the
public tally pages and the reports show exactly its amount more, to the fen, on the very
next request.

(Named so that it runs after the other demo tests: it places and pays an order.)"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
from django.db.models import Sum
from django.utils import timezone

from catalog.models import ProductVariant
from orders.integrity import ledger_verify, tally_reconcile
from orders.models import BankReceiptStatus, Campaign, EntryKind, LedgerEntry, Order
from orders.selectors.campaigns import campaign_current
from orders.selectors.reports import ReportParams
from orders.selectors.tally import leaderboard, tally_for_campaign
from orders.services.bank import bank_receipt_record
from orders.services.cart import cart_clear, cart_line_add
from orders.services.checkout import order_place
from orders.services.reports import report_export_build, report_export_create
from shop.accounts.models import BuyerOrganization, DeliveryAddress, User
from shop.common.money import fen_to_yuan
from shop.demo import data_buyers as D
from shop.demo.orders import seed_demo_orders
from shop.demo.seed_buyers import seed_offline_records

pytestmark = pytest.mark.django_db
PAID = ("paid", "shipped", "accepted")
_AMOUNT = re.compile(r"¥([0-9,]+\.[0-9]{2})")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # report files


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


def test_the_paid_demo_orders_count_in_the_main_campaign(demo):
    seed_demo_orders()  # idempotent: the demo orders, if an earlier test has not made them
    campaign = campaign_current()
    paid = list(Order.objects.filter(idempotency_key__startswith="demo-order-", status__in=PAID))
    assert len(paid) == 3
    counted = LedgerEntry.objects.filter(campaign=campaign, kind=EntryKind.ORDER_LINE)
    assert counted.aggregate(s=Sum("amount_fen"))["s"] == sum(o.total_fen for o in paid)
    tally = tally_for_campaign(campaign=campaign)
    assert tally.total_fen == D.OFFLINE_TOTAL_FEN + sum(o.total_fen for o in paid)
    assert tally.order_count == 3
    # seeding the offline records again adds nothing
    assert seed_offline_records(campaign, today=timezone.localdate()) == 0
    assert tally_for_campaign(campaign=campaign).total_fen == tally.total_fen


def test_an_order_paid_now_moves_every_public_figure_and_the_reports_by_its_amount(demo, client):
    seed_demo_orders()
    campaign = campaign_current()
    organization = BuyerOrganization.objects.get(slug=f"community-{D.DEMO_COMMUNITY_CODE}")
    purchaser = User.objects.get(email="purchaser@demo.cn")
    staff = User.objects.get(email="staff@demo.cn")
    address = DeliveryAddress.objects.filter(organization=organization).order_by("-is_default", "pk").first()
    # a variant below the community's approval threshold, so the order waits for payment
    threshold = organization.approval_threshold
    variant = next(
        v for v in ProductVariant.objects.filter(is_active=True, product__is_visible=True, stock__gt=20)
        .select_related("product__supplier__county").order_by("-sku")
        if v.price * v.min_order_qty * 2 < threshold
    )
    county_name = variant.product.supplier.county.name
    before = figures(client, campaign=campaign, organization=organization, county_name=county_name)

    cart_clear(user=purchaser, organization=organization)
    cart_line_add(user=purchaser, organization=organization, variant_id=variant.pk, quantity=variant.min_order_qty * 2)
    order = order_place(user=purchaser, organization=organization, address_id=address.pk,
                        funding_channel="union", idempotency_key="e2e-demo-tally")
    assert order.status == "awaiting_payment" and order.total_fen > 0
    # Nothing counts before the money arrives.
    assert figures(client, campaign=campaign, organization=organization, county_name=county_name) == before

    receipt = bank_receipt_record(
        actor=staff, bank_reference="E2E-DEMO-0001", payment_reference=order.payment_reference,
        amount=fen_to_yuan(order.total_fen), received_on=timezone.localdate(), payer_name=organization.name,
    )
    assert receipt.status == BankReceiptStatus.MATCHED
    after = figures(client, campaign=campaign, organization=organization, county_name=county_name)

    amount = order.total_fen
    assert after.progress - before.progress == amount
    assert after.screen - before.screen == amount
    assert after.screen_json - before.screen_json == amount
    assert after.screen_json_orders == before.screen_json_orders + 1
    assert after.organization_row - (before.organization_row or 0) == amount
    assert after.county_row - before.county_row == amount
    assert after.xlsx_total - before.xlsx_total == amount
    assert after.csv_county - before.csv_county == amount
    assert after.progress == after.xlsx_total == tally_for_campaign(campaign=campaign).total_fen
    assert ledger_verify() == [] and tally_reconcile() == []


def test_the_big_screen_lets_caches_keep_its_figures_at_most_a_second(demo, client):
    for url in ("/tally/screen/", "/tally/screen.json"):
        response = client.get(url)
        assert response.status_code == 200
        assert "max-age=1" in response["Cache-Control"].replace(" ", "").split(",")

"""After seeding, the demo moves: an order paid now counts in the main campaign, and the
public tally pages and the reports show exactly its amount more, to the fen, on the very
next request.

(Named so that it runs after the other demo tests: it places and pays an order.)"""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.utils import timezone

from orders.integrity import ledger_verify, tally_reconcile
from orders.models import BankReceiptStatus, EntryKind, LedgerEntry, Order
from orders.selectors.campaigns import campaign_current
from orders.selectors.tally import tally_for_campaign
from orders.services.bank import bank_receipt_record
from shop.accounts.models import User
from shop.common.money import fen_to_yuan
from shop.demo import data_buyers as D
from shop.demo.orders import seed_demo_orders
from shop.demo.seed_buyers import seed_offline_records
from tests.demo.tally_figures import figures, place_demo_order

pytestmark = pytest.mark.django_db
PAID = ("paid", "shipped", "accepted")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # report files


def test_the_paid_demo_orders_count_in_the_main_campaign(demo):
    seed_demo_orders()  # idempotent: the demo orders, if an earlier test has not made them
    campaign = campaign_current()
    paid = list(Order.objects.filter(idempotency_key__startswith="demo-order-", status__in=PAID))
    assert len(paid) == 7  # paid, shipped and five accepted (see shop.demo.orders.PLANS)
    counted = LedgerEntry.objects.filter(campaign=campaign, kind=EntryKind.ORDER_LINE)
    assert counted.aggregate(s=Sum("amount_fen"))["s"] == sum(o.total_fen for o in paid)
    tally = tally_for_campaign(campaign=campaign)
    assert tally.total_fen == D.OFFLINE_TOTAL_FEN + sum(o.total_fen for o in paid)
    assert tally.order_count == len(paid)
    # seeding the offline records again adds nothing
    assert seed_offline_records(campaign, today=timezone.localdate()) == 0
    assert tally_for_campaign(campaign=campaign).total_fen == tally.total_fen


def test_an_order_paid_now_moves_every_public_figure_and_the_reports_by_its_amount(demo, client):
    seed_demo_orders()
    campaign = campaign_current()
    staff = User.objects.get(email="staff@demo.cn")
    unplaced = tally_for_campaign(campaign=campaign).total_fen
    order = place_demo_order(key="e2e-demo-tally-bank")
    organization, county_name = order.organization, order.lines.get().county.name
    before = figures(client, campaign=campaign, organization=organization, county_name=county_name)
    assert before.progress == unplaced  # nothing counts before the money arrives
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

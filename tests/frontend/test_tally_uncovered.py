"""Issue 9: a payment outside every campaign is visible on the tally pages ("¥X in N
payments outside every campaign", in Chinese and English) and on the buyer's order page
("计入「…」" / "未计入任何活动"), with a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import Campaign, PaymentMethod
from orders.services.payments import order_mark_paid
from shop.regions.models import Region
from tests.factories import DUAN
from tests.frontend.conftest import switch_to_english
from tests.world import PASSWORD, build_order_world, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    return build_order_world()


def _paid(world, **kwargs):
    order = place(world, user=world.purchaser_b, organization=world.org_b, **kwargs)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    return order


def _close(campaign):
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(start_date=today - dt.timedelta(days=60), end_date=today - dt.timedelta(days=1))


def test_the_tally_pages_show_payments_outside_every_campaign(client, world):
    assert "不在任何活动范围内" not in client.get(f"/tally/{world.campaign.slug}/").content.decode()
    _close(world.campaign)
    _paid(world)
    _paid(world, items=[(world.variant_a, 1)])
    for url in (f"/tally/{world.campaign.slug}/", f"/tally/leaderboard/?campaign={world.campaign.slug}"):
        page = client.get(url).content.decode()
        assert "另有 ¥400.50（2 笔付款）不在任何活动范围内" in page, url
    switch_to_english(client)
    page = client.get(f"/tally/{world.campaign.slug}/").content.decode()
    assert "¥400.50 in 2 payments outside every campaign" in page


def test_the_order_page_says_where_the_order_counted(client, world):
    assert client.login(username=world.purchaser_b.username, password=PASSWORD)
    counted = _paid(world)
    page = client.get(f"/orders/{counted.pk}/").content.decode()
    assert f"计入「{world.campaign.name}」" in page and "部分商品不在" not in page
    world.campaign.counties.remove(Region.objects.get(code=DUAN))
    partly = _paid(world)
    page = client.get(f"/orders/{partly.pk}/").content.decode()
    assert f"计入「{world.campaign.name}」" in page and "部分商品不在任何活动的日期和县域范围内" in page
    _close(world.campaign)
    outside = _paid(world, items=[(world.variant_a, 1)])
    with CaptureQueriesContext(connection) as one_line:
        page = client.get(f"/orders/{outside.pk}/").content.decode()
    assert "未计入任何活动" in page
    with CaptureQueriesContext(connection) as two_lines:
        client.get(f"/orders/{partly.pk}/")
    assert len(one_line.captured_queries) == len(two_lines.captured_queries)
    unpaid = place(world, user=world.purchaser_b, organization=world.org_b)
    assert 'id="order-tally"' not in client.get(f"/orders/{unpaid.pk}/").content.decode()
    switch_to_english(client)
    assert "Counted in no campaign" in client.get(f"/orders/{outside.pk}/").content.decode()

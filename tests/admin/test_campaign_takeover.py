"""Issue 9: staff take over payments recorded outside every campaign into a campaign
created later: a confirmation page, then an audited takeover that can happen once; the
admin shows what is outside every campaign."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.integrity import ledger_verify, tally_reconcile
from orders.models import Campaign, PaymentMethod
from orders.selectors.tally import tally_for_campaign
from orders.selectors.uncovered import uncovered_summary
from orders.services.payments import order_mark_paid
from shop.common.models import AuditEvent
from shop.regions.models import Region
from tests.admin.conftest import messages_of
from tests.factories import DUAN, LONGCHUAN, UserFactory
from tests.world import build_order_world, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    return build_order_world()


def _uncovered_payment(world):
    today = timezone.localdate()
    Campaign.objects.filter(pk=world.campaign.pk).update(
        start_date=today - dt.timedelta(days=60), end_date=today - dt.timedelta(days=1))
    order = place(world, user=world.purchaser_b, organization=world.org_b)  # ¥312.50
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    later = Campaign.objects.create(name="2027 消费帮扶", slug="c2027", target_fen=100_000_000,
                                    start_date=today, end_date=today + dt.timedelta(days=200))
    later.counties.set(Region.objects.filter(code__in=[LONGCHUAN, DUAN]))
    return later


def test_staff_confirm_then_take_over_once_and_it_is_audited(staff, superuser, world):
    later = _uncovered_payment(world)
    listing = staff.get(reverse("admin:orders_campaign_changelist"))
    assert "¥312.50 in 1 payments outside every campaign" in " ".join(messages_of(listing))
    ledger = staff.get(reverse("admin:orders_ledgerentry_changelist"))
    assert "¥312.50 in 1 payments outside every campaign" in " ".join(messages_of(ledger))
    change = staff.get(reverse("admin:orders_campaign_change", args=[later.pk])).content.decode()
    url = reverse("admin:orders_campaign_takeover", args=[later.pk])
    assert url in change
    confirm = staff.get(url)
    assert confirm.status_code == 200 and "¥312.50" in confirm.content.decode()
    assert tally_for_campaign(campaign=later).total_fen == 0  # looking changes nothing
    refused = staff.post(url, {"reason": "补计"})  # not confirmed
    assert refused.status_code == 400 and tally_for_campaign(campaign=later).total_fen == 0
    done = staff.post(url, {"reason": "2027 活动晚于首批付款创建", "confirm": "on"})
    assert done.status_code == 302
    assert "took over 2 payments and 0 refunds: ¥312.50" in " ".join(messages_of(done))
    assert tally_for_campaign(campaign=later).total_fen == 31250 and not uncovered_summary()
    event = AuditEvent.objects.get(action="campaign.take_over_uncovered")
    assert event.actor == superuser and event.reason == "2027 活动晚于首批付款创建"
    again = staff.get(url)
    assert "No payment outside every campaign falls within" in again.content.decode()
    staff.post(url, {"reason": "again", "confirm": "on"})
    assert tally_for_campaign(campaign=later).total_fen == 31250
    assert AuditEvent.objects.filter(action="campaign.take_over_uncovered").count() == 1
    assert tally_reconcile() == [] and ledger_verify() == []


def test_the_changelist_action_leads_to_the_confirmation(staff, world):
    later = _uncovered_payment(world)
    response = staff.post(reverse("admin:orders_campaign_changelist"),
                          {"action": "take_over_uncovered", "_selected_action": [later.pk]})
    assert response.status_code == 302 and response.url == reverse("admin:orders_campaign_takeover", args=[later.pk])
    both = staff.post(reverse("admin:orders_campaign_changelist"),
                      {"action": "take_over_uncovered", "_selected_action": [later.pk, world.campaign.pk]}, follow=True)
    assert "Choose exactly one campaign" in both.content.decode()


def test_staff_without_the_permission_cannot_take_over(client, world):
    later = _uncovered_payment(world)
    viewer = UserFactory(username="viewer", is_staff=True)
    client.force_login(viewer)
    response = client.post(reverse("admin:orders_campaign_takeover", args=[later.pk]), {"reason": "x", "confirm": "on"})
    assert response.status_code == 403
    assert tally_for_campaign(campaign=later).total_fen == 0

"""Staff run several campaigns: created and edited in the admin with the target in yuan; bad
dates, targets, duplicate slugs, overlapping campaigns and edits that would drop amounts
already counted are refused with a field message (never a 500), and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Campaign
from orders.selectors.tally import tally_for_campaign
from orders.services.offline import offline_record_approve, offline_record_create
from tests.admin.conftest import change_form_data
from tests.factories import DAHUA, DUAN, LONGCHUAN, CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:orders_campaign_add")
LIST = reverse("admin:orders_campaign_changelist")


def data(**overrides):
    return {
        "name": "2020 消费扶贫", "slug": "xiaofei-2020", "description": "",
        "target_yuan": "30000000", "start_date": "2020-01-01", "end_date": "2020-12-31",
        "counties": [LONGCHUAN, DUAN, DAHUA], "is_active": "on", **overrides,
    }


def errors(response) -> dict:
    assert response.status_code == 200  # the admin shows the form again with the messages
    return response.context["adminform"].form.errors


def change_url(campaign) -> str:
    return reverse("admin:orders_campaign_change", args=[campaign.pk])


@pytest.fixture
def campaign_2020(regions) -> Campaign:
    campaign = CampaignFactory(slug="xiaofei-2020")
    campaign.counties.set([LONGCHUAN, DUAN, DAHUA])
    return campaign


@pytest.fixture
def counted(campaign_2020, superuser):
    """¥10,900,000 bought in Du'an on 2020-06-15, approved: it counts toward the 2020 campaign."""
    record = offline_record_create(
        actor=superuser, county_code=DUAN, amount="10900000", occurred_on=dt.date(2020, 6, 15),
        description="平台上线前线下采购",
    )
    return offline_record_approve(actor=UserFactory(username="checker", is_staff=True), record=record)


def test_staff_run_several_campaigns(staff, regions):
    assert staff.post(ADD, data()).status_code == 302
    assert staff.post(ADD, data(
        name="2021 消费帮扶", slug="xiaofei-2021", target_yuan="35000000.50",
        start_date="2021-01-01", end_date="2021-12-31",
    )).status_code == 302
    no_county = staff.post(ADD, data(
        name="2021 东西部协作专项", slug="east-west-2021", start_date="2021-03-01", end_date="2021-06-30",
        counties=[], target_yuan="1000",
    ))
    assert "counties" in errors(no_county)
    campaigns = {c.slug: c for c in Campaign.objects.all()}
    assert set(campaigns) == {"xiaofei-2020", "xiaofei-2021"}
    assert campaigns["xiaofei-2021"].target_fen == 3_500_000_050
    page = staff.get(LIST).content.decode()
    assert "2020 消费扶贫" in page and "2021 消费帮扶" in page and "¥35,000,000.50" in page


def test_duplicate_slug_is_refused(staff, campaign_2020):
    response = staff.post(ADD, data(start_date="2022-01-01", end_date="2022-12-31"))
    assert "slug" in errors(response)
    assert Campaign.objects.count() == 1


@pytest.mark.parametrize("target", ["0", "-1", "-0.01", "0.001"])
def test_zero_or_negative_target_is_refused(staff, regions, target):
    assert "target_yuan" in errors(staff.post(ADD, data(target_yuan=target)))
    assert not Campaign.objects.exists()


def test_end_before_start_is_a_field_error_on_add_and_edit(staff, campaign_2020):
    response = staff.post(ADD, data(slug="x", start_date="2021-12-31", end_date="2021-01-01"))
    assert errors(response)["end_date"] == ["The end date must not be before the start date."]
    url = change_url(campaign_2020)
    form = change_form_data(staff.get(url))
    form.update(start_date="2020-12-31", end_date="2020-01-01")
    assert errors(staff.post(url, form))["end_date"] == ["The end date must not be before the start date."]
    campaign_2020.refresh_from_db()
    assert (campaign_2020.start_date, campaign_2020.end_date) == (dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert Campaign.objects.count() == 1


def test_overlapping_campaign_for_the_same_county_is_refused(staff, campaign_2020):
    response = staff.post(ADD, data(slug="fair-2020", start_date="2020-12-01", end_date="2021-01-31", counties=[DUAN]))
    message = errors(response)["counties"][0]
    assert "2020 消费扶贫" in message and "already covers one of these counties" in message
    assert Campaign.objects.count() == 1
    # Right after it: allowed.
    assert staff.post(ADD, data(slug="x-2021", start_date="2021-01-01", end_date="2021-12-31")).status_code == 302


def test_editing_keeps_counted_amounts_inside_the_campaign(staff, campaign_2020, counted):
    url = change_url(campaign_2020)
    form = change_form_data(staff.get(url))
    later_start = {**form, "start_date": "2020-07-01"}
    assert "2020-06-15" in errors(staff.post(url, later_start))["start_date"][0]
    earlier_end = {**form, "end_date": "2020-06-14"}
    assert "the end date cannot be earlier" in errors(staff.post(url, earlier_end))["end_date"][0]
    without_duan = {**form, "counties": [LONGCHUAN, DAHUA]}
    assert "都安瑶族自治县" in errors(staff.post(url, without_duan))["counties"][0]
    campaign_2020.refresh_from_db()
    assert campaign_2020.start_date == dt.date(2020, 1, 1)
    assert set(campaign_2020.counties.values_list("pk", flat=True)) == {LONGCHUAN, DUAN, DAHUA}
    # Growing the campaign and changing its target are fine; the tally follows the target.
    grown = {**form, "end_date": "2021-03-31", "target_yuan": "21800000"}
    assert staff.post(url, grown).status_code == 302
    tally = tally_for_campaign(campaign=Campaign.objects.get())
    assert (tally.total_fen, tally.target_fen) == (1_090_000_000, 2_180_000_000)
    assert tally.percent == 50


def test_campaigns_are_for_staff_only(campaign_2020):
    buyer = Client()
    buyer.force_login(UserFactory(username="buyer"))
    for url in (LIST, ADD, change_url(campaign_2020)):
        response = buyer.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert buyer.post(ADD, data(slug="sneaky")).status_code == 302
    assert Campaign.objects.count() == 1

"""Campaigns are entered in yuan; the ledger and the regions are read-only."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Campaign, EntryKind, LedgerEntry
from shop.regions.models import Region
from tests.admin.conftest import change_form_data
from tests.factories import DAHUA, DUAN, LONGCHUAN, CampaignFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
CAMPAIGN_ADD = reverse("admin:orders_campaign_add")


def campaign_data(**overrides):
    return {
        "name": "2020 消费扶贫", "slug": "xiaofei-2020", "description": "",
        "target_yuan": "30000000", "start_date": "2020-01-01", "end_date": "2020-12-31",
        "counties": [LONGCHUAN, DUAN, DAHUA], "is_active": "on", **overrides,
    }


def test_campaign_target_is_entered_and_shown_in_yuan(staff, regions):
    response = staff.post(CAMPAIGN_ADD, campaign_data())
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="xiaofei-2020")
    assert campaign.target_fen == 3_000_000_000
    assert campaign.counties.count() == 3
    listing = staff.get(reverse("admin:orders_campaign_changelist")).content.decode()
    assert "¥30,000,000.00" in listing
    form = staff.get(reverse("admin:orders_campaign_change", args=[campaign.pk])).context["adminform"].form
    assert str(form["target_yuan"].value()) == "30000000.00"


def test_campaign_target_with_cents_keeps_every_fen(staff, regions):
    staff.post(CAMPAIGN_ADD, campaign_data(target_yuan="10900000.05"))
    assert Campaign.objects.get().target_fen == 1_090_000_005


@pytest.mark.parametrize("target", ["0", "-5", "abc", "1.234"])
def test_campaign_refuses_a_bad_target(staff, regions, target):
    response = staff.post(CAMPAIGN_ADD, campaign_data(target_yuan=target))
    assert response.status_code == 200
    assert "target_yuan" in response.context["adminform"].form.errors
    assert not Campaign.objects.exists()


def test_campaign_ending_before_it_starts_is_refused_with_a_message(staff, regions):
    response = staff.post(CAMPAIGN_ADD, campaign_data(start_date="2020-12-31", end_date="2020-01-01"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["end_date"] == [
        "The end date must not be before the start date."
    ]
    assert not Campaign.objects.exists()


def test_campaign_counties_are_limited_to_counties(staff, regions):
    response = staff.post(CAMPAIGN_ADD, campaign_data(counties=["440306017"]))  # a street
    assert "counties" in response.context["adminform"].form.errors
    choices = staff.get(CAMPAIGN_ADD).context["adminform"].form.fields["counties"].queryset
    assert {r.level for r in choices} == {"county"}


def test_editing_a_campaign_keeps_its_target(staff, regions):
    campaign = CampaignFactory()
    url = reverse("admin:orders_campaign_change", args=[campaign.pk])
    data = change_form_data(staff.get(url))
    data["counties"] = [DUAN]
    data["name"] = "2020 消费扶贫(东西部)"
    assert staff.post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.target_fen) == ("2020 消费扶贫(东西部)", 3_000_000_000)


@pytest.fixture
def entry(regions):
    return LedgerEntry.objects.create(
        campaign=CampaignFactory(), kind=EntryKind.OFFLINE, amount_fen=1_090_000_000,
        county_id=LONGCHUAN, organization=OrganizationFactory(), occurred_at=timezone.now(),
        note="平台上线前线下采购",
    )


def test_ledger_lists_amounts_in_yuan_and_filters(staff, entry):
    url = reverse("admin:orders_ledgerentry_changelist")
    response = staff.get(url)
    assert "¥10,900,000.00" in response.content.decode()
    assert response.context["cl"].result_count == 1
    assert staff.get(url, {"kind__exact": EntryKind.REFUND}).context["cl"].result_count == 0
    assert staff.get(url, {"county__code__exact": LONGCHUAN}).context["cl"].result_count == 1


def test_ledger_entries_cannot_be_added_changed_or_deleted(staff, entry):
    change = reverse("admin:orders_ledgerentry_change", args=[entry.pk])
    page = staff.get(change)
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    staff.post(change, {"amount_fen": "1", "note": "篡改"})
    assert staff.post(reverse("admin:orders_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    assert staff.get(reverse("admin:orders_ledgerentry_add")).status_code == 403
    entry.refresh_from_db()
    assert (entry.amount_fen, entry.note) == (1_090_000_000, "平台上线前线下采购")
    response = staff.get(reverse("admin:orders_ledgerentry_changelist"))
    assert response.context["action_form"] is None  # no bulk delete either


def test_regions_cannot_be_added_changed_or_deleted(staff, regions):
    assert staff.get(reverse("admin:regions_region_add")).status_code == 403
    delete = reverse("admin:regions_region_delete", args=[DUAN])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:regions_region_change", args=[DUAN])
    staff.post(change, {"code": "451299", "name": "改名"})
    assert Region.objects.get(code=DUAN).name == "都安瑶族自治县"


def test_regions_search_by_code_and_name_and_filter_by_level_and_program(staff, regions):
    url = reverse("admin:regions_region_changelist")
    assert [r.code for r in staff.get(url, {"q": "451228"}).context["cl"].result_list][0] == DUAN
    assert DAHUA in [r.code for r in staff.get(url, {"q": "大化"}).context["cl"].result_list]
    counties = staff.get(url, {"level__exact": "county"}).context["cl"].result_list
    assert {r.code for r in counties} == {LONGCHUAN, DUAN, DAHUA}
    east_west = staff.get(url, {"program__exact": "east_west"}).context["cl"].result_list
    assert {r.code for r in east_west} == {DUAN, DAHUA}

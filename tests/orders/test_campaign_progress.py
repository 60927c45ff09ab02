import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from orders.models import Campaign, EntryKind, LedgerEntry
from orders.selectors.campaigns import campaign_current, campaign_progress
from orders.services.ledger import ledger_append
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _entry(campaign, fen, county="441622"):
    return ledger_append(entries=[LedgerEntry(
        campaign=campaign, kind=EntryKind.OFFLINE, amount_fen=fen, county_id=county,
        occurred_at=timezone.now(),
    )])[0]


def test_progress_is_the_sum_of_the_ledger_to_the_fen(regions):
    campaign = CampaignFactory()
    _entry(campaign, 420_000_001)
    _entry(campaign, 350_000_000, "451228")
    _entry(campaign, 319_999_999, "451229")
    _entry(campaign, -1)  # a refund
    progress = campaign_progress(campaign=campaign)
    assert progress.total_fen == 1_089_999_999
    assert progress.target_fen == 3_000_000_000
    assert 36.33 < progress.percent < 36.34


def test_other_campaigns_do_not_count(regions):
    campaign, other = CampaignFactory(), CampaignFactory(name="2021")
    _entry(other, 500)
    assert campaign_progress(campaign=campaign).total_fen == 0


def test_current_campaign_is_the_latest_active_one(regions):
    CampaignFactory(start_date=dt.date(2020, 1, 1))
    newer = CampaignFactory(start_date=dt.date(2021, 1, 1), end_date=dt.date(2021, 12, 31))
    CampaignFactory(start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31), is_active=False)
    assert campaign_current() == newer


def test_a_campaign_cannot_end_before_it_starts(regions):
    with pytest.raises(IntegrityError):
        Campaign.objects.create(
            name="x", slug="x", target_fen=1, start_date=dt.date(2020, 2, 1), end_date=dt.date(2020, 1, 1)
        )

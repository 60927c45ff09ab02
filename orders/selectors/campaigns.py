"""Reads of campaigns and the tally."""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from orders.models import Campaign, TallyAggregate


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    total_fen: int

    @property
    def target_fen(self) -> int:
        return self.campaign.target_fen

    @property
    def percent(self) -> float:
        """For display only (a progress bar); money stays in integer fen."""
        return min(100.0, self.total_fen * 100 / self.campaign.target_fen) if self.campaign.target_fen else 0.0


def campaign_current() -> Campaign | None:
    return Campaign.objects.filter(is_active=True).order_by("-start_date", "-id").first()


def campaign_by_slug(*, slug: str) -> Campaign | None:
    """An active (publicly shown) campaign."""
    return Campaign.objects.filter(is_active=True, slug=slug).first()


def campaign_progress(*, campaign: Campaign) -> CampaignProgress:
    """Read from the running total kept with the ledger (one indexed row, whatever the
    number of entries)."""
    total = (
        TallyAggregate.objects.filter(campaign=campaign, dimension="total", period="", key="")
        .values_list("amount_fen", flat=True)
        .first()
    )
    return CampaignProgress(campaign=campaign, total_fen=int(total or 0))


def campaign_progress_current() -> CampaignProgress | None:
    """Progress of the campaign shown on the home page, or ``None`` when there is none:
    the campaign and its running total in one query."""
    campaign = (
        Campaign.objects.filter(is_active=True)
        .annotate(tally_total_fen=Subquery(
            TallyAggregate.objects.filter(campaign=OuterRef("pk"), dimension="total", period="", key="")
            .order_by("pk").values("amount_fen")[:1]
        ))
        .order_by("-start_date", "-id")
        .first()
    )
    if campaign is None:
        return None
    return CampaignProgress(campaign=campaign, total_fen=int(campaign.tally_total_fen or 0))

from decimal import ROUND_DOWN, Decimal

import graphene
from graphene_django import DjangoObjectType

from orders import models
from orders.graphql.loaders import CampaignCountiesLoader
from orders.graphql.tally_types import (
    LeaderboardConnection,
    TallyMonth,
    TallyShare,
    campaign_tally,
    leaderboard_arguments,
    percent_of,
    resolve_leaderboard,
)
from orders.selectors.campaigns import CampaignProgress, campaign_progress
from shop.graphql.core.loaders import loader
from shop.graphql.core.money import Money, MoneyValue
from shop.regions.graphql.types import Region


def _progress(campaign: models.Campaign) -> CampaignProgress:
    """The ledger sum, computed once per campaign object and request (one row; taken from
    the full tally when a breakdown already read it)."""
    cached = getattr(campaign, "_graphql_progress", None)
    tally = getattr(campaign, "_graphql_tally", None)
    if cached is None and tally is not None:
        cached = CampaignProgress(campaign=campaign, total_fen=tally.total_fen)
        campaign._graphql_progress = cached  # type: ignore[attr-defined]  # per-request cache
    if cached is None:
        cached = campaign_progress(campaign=campaign)
        campaign._graphql_progress = cached  # type: ignore[attr-defined]
    return cached


class Campaign(DjangoObjectType):
    """A procurement campaign (e.g. 2020 消费扶贫) with its target and the tally so far."""

    target = graphene.Field(Money, required=True)
    total = graphene.Field(
        Money, required=True,
        description="The tally: paid order lines minus refunds plus approved offline purchases.",
    )
    remaining = graphene.Field(Money, required=True, description="Target minus total, never below zero.")
    progress_percent = graphene.Decimal(
        required=True, description="Total as a percentage of the target, two decimals, at most 100.00."
    )
    counties = graphene.List(graphene.NonNull(Region), required=True)
    progress = graphene.Decimal(
        required=True,
        description="Total as a percentage of the target, two decimals (rounded down); may exceed 100.",
    )
    accepted = graphene.Field(
        Money, required=True, description="Part of the total whose goods the buyers have accepted (验收).",
    )
    unpaid = graphene.Field(Money, required=True, description="Ordered but not paid yet (not counted in the total).")
    organization_count = graphene.Int(required=True, description="Buyer organizations with a counted purchase.")
    order_count = graphene.Int(required=True, description="Orders counted in the total.")
    by_county = graphene.List(graphene.NonNull(TallyShare), required=True, description="The total by county, largest first.")
    by_buyer_type = graphene.List(graphene.NonNull(TallyShare), required=True, description="The total by buyer type, largest first.")
    by_channel = graphene.List(graphene.NonNull(TallyShare), required=True, description="The total by funding channel, largest first.")
    by_month = graphene.List(graphene.NonNull(TallyMonth), required=True, description="Counted per month, in order, with the running total.")
    leaderboard = graphene.Field(
        LeaderboardConnection, required=True, **leaderboard_arguments(),
        description="Organizations, streets and departments, suppliers or counties ranked by amount (public fields only).",
    )

    class Meta:
        model = models.Campaign
        interfaces = (graphene.relay.Node,)
        fields = ("id", "name", "slug", "description", "start_date", "end_date")

    @staticmethod
    def resolve_target(root: models.Campaign, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.target_fen)

    @staticmethod
    def resolve_total(root: models.Campaign, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=_progress(root).total_fen)

    @staticmethod
    def resolve_remaining(root: models.Campaign, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=max(0, root.target_fen - _progress(root).total_fen))

    @staticmethod
    def resolve_progress_percent(root: models.Campaign, info: graphene.ResolveInfo) -> Decimal:
        total, target = _progress(root).total_fen, root.target_fen
        if target <= 0 or total <= 0:
            return Decimal("0.00")
        percent = (Decimal(total) * 100 / Decimal(target)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        return min(percent, Decimal("100.00"))

    @staticmethod
    def resolve_counties(root: models.Campaign, info: graphene.ResolveInfo):
        return loader(info, CampaignCountiesLoader).load(root.id)

    @staticmethod
    def resolve_progress(root: models.Campaign, info: graphene.ResolveInfo) -> Decimal:
        return percent_of(max(_progress(root).total_fen, 0), root.target_fen, rounding=ROUND_DOWN)

    @staticmethod
    def resolve_accepted(root: models.Campaign, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=campaign_tally(root).accepted_fen)

    @staticmethod
    def resolve_unpaid(root: models.Campaign, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=campaign_tally(root).unpaid_fen)

    @staticmethod
    def resolve_organization_count(root: models.Campaign, info: graphene.ResolveInfo) -> int:
        return campaign_tally(root).organization_count

    @staticmethod
    def resolve_order_count(root: models.Campaign, info: graphene.ResolveInfo) -> int:
        return campaign_tally(root).order_count

    @staticmethod
    def resolve_by_county(root: models.Campaign, info: graphene.ResolveInfo) -> list[tuple]:
        tally = campaign_tally(root)
        return [(share, tally.total_fen) for share in tally.by_county]

    @staticmethod
    def resolve_by_buyer_type(root: models.Campaign, info: graphene.ResolveInfo) -> list[tuple]:
        tally = campaign_tally(root)
        return [(share, tally.total_fen) for share in tally.by_buyer_type]

    @staticmethod
    def resolve_by_channel(root: models.Campaign, info: graphene.ResolveInfo) -> list[tuple]:
        tally = campaign_tally(root)
        return [(share, tally.total_fen) for share in tally.by_channel]

    @staticmethod
    def resolve_by_month(root: models.Campaign, info: graphene.ResolveInfo) -> list:
        return campaign_tally(root).by_month

    @staticmethod
    def resolve_leaderboard(root: models.Campaign, info: graphene.ResolveInfo, **kwargs) -> LeaderboardConnection:
        return resolve_leaderboard(root, **kwargs)

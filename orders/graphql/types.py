from decimal import ROUND_DOWN, Decimal

import graphene
from graphene_django import DjangoObjectType

from orders import models
from orders.graphql.loaders import CampaignCountiesLoader
from orders.selectors import CampaignProgress, campaign_progress
from shop.graphql.core.loaders import loader
from shop.graphql.core.money import Money, MoneyValue
from shop.regions.graphql.types import Region


def _progress(campaign: models.Campaign) -> CampaignProgress:
    """The ledger sum, computed once per campaign object and request."""
    cached = getattr(campaign, "_graphql_progress", None)
    if cached is None:
        cached = campaign_progress(campaign=campaign)
        campaign._graphql_progress = cached
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

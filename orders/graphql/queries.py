import graphene

from orders.graphql.tally_queries import TallyQueries
from orders.graphql.types import Campaign
from orders.selectors.campaigns import campaign_by_slug, campaign_current


class CampaignQueries(TallyQueries, graphene.ObjectType):
    campaign = graphene.Field(
        Campaign, slug=graphene.String(),
        description="An active campaign by slug; without a slug, the current campaign.",
    )
    current_campaign = graphene.Field(Campaign, description="The campaign shown on the home page.")

    @staticmethod
    def resolve_campaign(root, info: graphene.ResolveInfo, slug: str | None = None):
        return campaign_by_slug(slug=slug) if slug is not None else campaign_current()

    @staticmethod
    def resolve_current_campaign(root, info: graphene.ResolveInfo):
        return campaign_current()

"""Public queries of the procurement tally: a buyer organization's standing in a campaign.

Anyone may ask (no login): the answer holds public fields only (name, type, amounts,
rank). Organizations that are not verified are not public and read as null.
"""

from __future__ import annotations

import graphene

from orders.graphql.tally_types import OrganizationTally, Standing
from orders.models import Campaign
from orders.selectors.campaigns import campaign_by_slug, campaign_current
from orders.selectors.tally import organization_standing
from shop.accounts.models import BuyerOrganization, OrganizationStatus
from shop.graphql.core.ids import decode_id

PUBLIC_ORGANIZATION_FIELDS = ("pk", "name", "org_type", "annual_pledge")


def _campaign(slug: str | None) -> Campaign | None:
    return campaign_by_slug(slug=slug) if slug else campaign_current()


class TallyQueries(graphene.ObjectType):
    organization = graphene.Field(
        OrganizationTally,
        id=graphene.ID(required=True, description="Global ID of the organization (type BuyerOrganization)."),
        campaign=graphene.String(description="Campaign slug; the current campaign when omitted."),
        description="A verified buyer organization's public standing in a campaign: spend, pledge, "
        "completion and rank. Null when the organization or the campaign is not public.",
    )

    @staticmethod
    def resolve_organization(
        root: object, info: graphene.ResolveInfo, id: str, campaign: str | None = None,
    ) -> Standing | None:
        pk = decode_id(id, expected_type="BuyerOrganization")
        organization = (
            BuyerOrganization.objects.filter(pk=pk, status=OrganizationStatus.VERIFIED)
            .only(*PUBLIC_ORGANIZATION_FIELDS).first()
        )
        found = _campaign(campaign) if organization is not None else None
        if organization is None or found is None:
            return None
        return Standing(standing=organization_standing(campaign=found, organization=organization), campaign=found)

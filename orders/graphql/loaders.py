from collections.abc import Sequence

from orders.models import Campaign
from shop.graphql.core.loaders import Loader, grouped
from shop.regions.models import Region


class CampaignCountiesLoader(Loader):
    def batch_load(self, keys: Sequence[int]) -> list[list[Region]]:
        links = (
            Campaign.counties.through.objects.filter(campaign_id__in=keys)
            .select_related("region")
            .order_by("region_id")
        )
        return [[link.region for link in group] for group in grouped(links, keys, lambda link: link.campaign_id)]

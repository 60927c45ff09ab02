from collections.abc import Sequence

from shop.graphql.core.loaders import Loader, by_key, grouped
from shop.regions.models import Region


class RegionByCodeLoader(Loader):
    def batch_load(self, keys: Sequence[str]) -> list[Region | None]:
        return by_key(Region.objects.filter(code__in=keys), keys, lambda r: r.code)


class RegionChildrenLoader(Loader):
    def batch_load(self, keys: Sequence[str]) -> list[list[Region]]:
        rows = Region.objects.filter(parent_id__in=keys).order_by("code")
        return grouped(rows, keys, lambda r: r.parent_id)

from collections.abc import Sequence

from shop.graphql.core.loaders import Loader, by_key, grouped
from shop.regions.models import Region
from shop.regions.selectors import region_reference


class RegionByCodeLoader(Loader):
    def batch_load(self, keys: Sequence[str]) -> list[Region | None]:
        """From the process's region reference; a query only for codes it does not know."""
        reference = region_reference()
        missing = [k for k in keys if reference.get(k) is None]
        found = by_key(Region.objects.filter(code__in=missing), missing, lambda r: r.code) if missing else []
        extra = dict(zip(missing, found, strict=True))
        return [reference.get(k) or extra.get(k) for k in keys]


class RegionChildrenLoader(Loader):
    def batch_load(self, keys: Sequence[str]) -> list[list[Region]]:
        rows = Region.objects.filter(parent_id__in=keys).order_by("code")
        return grouped(rows, keys, lambda r: r.parent_id)

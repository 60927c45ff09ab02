from django.db.models import QuerySet

from shop.regions.models import Region, RegionLevel


def supply_counties() -> QuerySet[Region]:
    """The three counties the shop buys from, in code order."""
    return Region.objects.supply_counties().order_by("code")


def county_by_slug(*, slug: str) -> Region | None:
    return Region.objects.filter(level=RegionLevel.COUNTY, slug=slug).first()


def townships_of(*, county_code: str) -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, parent_id=county_code).order_by("code")

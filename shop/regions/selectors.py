from django.db.models import Q, QuerySet

from shop.regions.models import Region, RegionLevel


def supply_counties() -> QuerySet[Region]:
    """The three counties the shop buys from, in code order."""
    return Region.objects.supply_counties().order_by("code")


def county_by_slug(*, slug: str) -> Region | None:
    return Region.objects.filter(level=RegionLevel.COUNTY, slug=slug).first()


def townships_of(*, county_code: str) -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.TOWNSHIP, parent_id=county_code).order_by("code")


def regions_list(*, level: str = "", parent_code: str = "", roots: bool = False) -> QuerySet[Region]:
    """Regions by level and/or parent code, in code order; ``roots`` keeps only top-level ones."""
    qs = Region.objects.all()
    if level:
        qs = qs.filter(level=level)
    if parent_code:
        qs = qs.filter(parent_id=parent_code)
    if roots:
        qs = qs.filter(parent__isnull=True)
    return qs.order_by("code")


def county_by_slug_or_code(*, value: str) -> Region | None:
    if not value:
        return None
    return Region.objects.filter(level=RegionLevel.COUNTY).filter(
        Q(slug=value) | Q(code=value)
    ).first()


def townships_of_supply_counties() -> QuerySet[Region]:
    """Townships of the three counties, each with its county (``parent``) preloaded."""
    return (
        Region.objects.filter(level=RegionLevel.TOWNSHIP, parent__in=Region.objects.supply_counties())
        .select_related("parent")
        .order_by("code")
    )

import time
from dataclasses import dataclass

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


# --- Reference data kept in the process (issue 15) ------------------------------------------
# Counties and townships come from the CSV shipped with the code (``regions_load``) and are
# read-only in the admin, so every page would otherwise re-read the same rows: the header's
# county links, the catalog's county and township choices and the filter validation.

REFERENCE_SECONDS = 300.0


@dataclass(frozen=True)
class RegionReference:
    """Every county and township (code order); each township's ``parent`` is its county."""

    counties: tuple[Region, ...]
    townships: tuple[Region, ...]

    def supply_counties(self) -> list[Region]:
        return [c for c in self.counties if c.program]

    def county(self, value: str) -> Region | None:
        """The county with this slug or code."""
        return next((c for c in self.counties if value in (c.slug, c.code)), None) if value else None

    def township(self, code: str) -> Region | None:
        return next((t for t in self.townships if t.code == code), None) if code else None

    def townships_of(self, county_code: str) -> list[Region]:
        return [t for t in self.townships if t.parent_id == county_code]


_reference: tuple[float, RegionReference] | None = None


def region_reference() -> RegionReference:
    """Counties and townships in one query, then kept for ``REFERENCE_SECONDS`` in this
    process. ``regions_load`` forgets them at once in its own process; other processes see
    a reload within that time (it only happens with a new regions CSV, i.e. a deploy)."""
    global _reference
    now = time.monotonic()
    if _reference is not None and now - _reference[0] < REFERENCE_SECONDS:
        return _reference[1]
    rows = list(
        Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP]).order_by("code")
    )
    counties = {r.code: r for r in rows if r.level == RegionLevel.COUNTY}
    townships = [r for r in rows if r.level == RegionLevel.TOWNSHIP]
    for township in townships:
        if township.parent_id in counties:
            township.parent = counties[township.parent_id]
    reference = RegionReference(counties=tuple(counties.values()), townships=tuple(townships))
    _reference = (now, reference)
    return reference


def region_reference_forget() -> None:
    global _reference
    _reference = None

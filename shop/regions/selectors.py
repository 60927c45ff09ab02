import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

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
# Regions come from the CSV shipped with the code (``regions_load``) and are read-only in the
# admin, so every page would otherwise re-read the same rows: the header's county links, the
# catalog's county and township choices, the filter validation and the origin (county,
# township, village) of every product and supplier shown. About a thousand small rows.

REFERENCE_SECONDS = 300.0


@dataclass(frozen=True)
class RegionReference:
    """Every region by code; counties and townships in code order, each township's
    ``parent`` its county."""

    by_code: dict[str, Region]
    counties: tuple[Region, ...]
    townships: tuple[Region, ...]

    def get(self, code: str | None) -> Region | None:
        return self.by_code.get(code) if code else None

    def supply_counties(self) -> list[Region]:
        return [c for c in self.counties if c.program]

    def county(self, value: str) -> Region | None:
        """The county with this slug or code."""
        return next((c for c in self.counties if value in (c.slug, c.code)), None) if value else None

    def township(self, code: str) -> Region | None:
        region = self.get(code)
        return region if region is not None and region.level == RegionLevel.TOWNSHIP else None

    def townships_of(self, county_code: str) -> list[Region]:
        return [t for t in self.townships if t.parent_id == county_code]

    def attach(self, objects: Iterable[Any], fields: Sequence[str]) -> None:
        """Set each forward foreign key to a region named in ``fields`` (``"county"``…) from
        the reference, as ``select_related`` would, without the join. A code the reference
        does not know yet is left to the usual lazy lookup."""
        for obj in objects:
            for name in fields:
                region = self.by_code.get(getattr(obj, f"{name}_id") or "")
                if region is not None:
                    setattr(obj, name, region)


_reference: tuple[float, RegionReference] | None = None


def region_reference() -> RegionReference:
    """Every region in one query, then kept for ``REFERENCE_SECONDS`` in this process.
    ``regions_load`` forgets it at once in its own process; other processes see a reload
    within that time (it only happens with a new regions CSV, i.e. a deploy). The objects
    are shared by every request of the process: read them, never change them."""
    global _reference
    now = time.monotonic()
    if _reference is not None and now - _reference[0] < REFERENCE_SECONDS:
        return _reference[1]
    by_code = {r.code: r for r in Region.objects.order_by("code")}
    for region in by_code.values():
        parent = by_code.get(region.parent_id or "")
        if parent is not None:
            region.parent = parent
    reference = RegionReference(
        by_code=by_code,
        counties=tuple(r for r in by_code.values() if r.level == RegionLevel.COUNTY),
        townships=tuple(r for r in by_code.values() if r.level == RegionLevel.TOWNSHIP),
    )
    _reference = (now, reference)
    return reference


def region_reference_forget() -> None:
    global _reference
    _reference = None

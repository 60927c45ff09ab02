"""What the catalog filter form shows: choices from the database, the submitted values and
the per-field messages from ``catalog.selectors.product_filter_parse``.

Validation itself lives in the selector (shared with the GraphQL API); this module only
prepares the form for the template.
"""

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from catalog.selectors import category_tree
from catalog.selectors_search import SORTS
from shop.regions.models import Region
from shop.regions.selectors import region_reference
from suppliers.models import CertificationKind

FILTER_FIELDS = (
    "q", "county", "township", "category", "certification", "supplier",
    "price_min", "price_max", "in_stock", "sort",
)

SORT_LABELS = {
    "relevance": _("Best match"),
    "sales": _("Best selling"),
    "newest": _("Newest first"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "name": _("Name"),
}
assert set(SORT_LABELS) == set(SORTS)


@dataclass
class TownshipGroup:
    county: Region
    townships: list[Region]


@dataclass
class CatalogFilterForm:
    values: dict[str, str]
    errors: dict[str, str]
    counties: list[Region] = field(default_factory=list)
    county: Region | None = None
    township_groups: list[TownshipGroup] = field(default_factory=list)
    categories: list[Any] = field(default_factory=list)
    certifications: list[tuple[str, Any]] = field(default_factory=list)
    sorts: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def in_stock_checked(self) -> bool:
        return self.values.get("in_stock", "") in ("1", "true", "on", "yes")

    @property
    def is_filtered(self) -> bool:
        return any(self.values.get(k) for k in FILTER_FIELDS if k not in ("sort", "q"))


def filter_params(query: QueryDict) -> dict[str, str]:
    """The filter fields of a query string (last value wins), as plain strings."""
    return {name: query.get(name, "") for name in FILTER_FIELDS}


def catalog_filter_form(
    *, values: dict[str, str], errors: dict[str, str], categories: list[Any] | None = None
) -> CatalogFilterForm:
    """Choices for every field; townships are limited to the chosen county. Regions come
    from the process's reference (no query); ``categories``: every category, if loaded."""
    regions = region_reference()
    counties = regions.supply_counties()
    county = None
    if values.get("county") and "county" not in errors:
        county = next((c for c in counties if values["county"] in (c.slug, c.code)), None)
    if county is not None:
        groups = [TownshipGroup(county=county, townships=regions.townships_of(county.code))]
    else:
        groups = [TownshipGroup(c, regions.townships_of(c.code)) for c in counties]
        groups = [g for g in groups if g.townships]
    return CatalogFilterForm(
        values=values,
        errors=errors,
        counties=counties,
        county=county,
        township_groups=groups,
        categories=category_tree(categories),
        certifications=list(CertificationKind.choices),
        sorts=list(SORT_LABELS.items()),
    )

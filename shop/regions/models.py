"""Administrative divisions keyed by the national statistical codes.

County codes have 6 digits, township/street codes 9 and village/community codes 12.
The table is loaded from ``shop/regions/fixtures/regions.csv`` (see ``load_regions``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class AssistanceProgram(models.TextChoices):
    PAIRED = "paired", _("Paired assistance (对口帮扶)")
    EAST_WEST = "east_west", _("East–west cooperation (东西部扶贫协作)")


class RegionQuerySet(models.QuerySet["Region"]):
    def counties(self) -> "RegionQuerySet":
        return self.filter(level=RegionLevel.COUNTY)

    def supply_counties(self) -> "RegionQuerySet":
        return self.filter(level=RegionLevel.COUNTY).exclude(program="")


class Region(models.Model):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    slug = models.SlugField(_("slug"), max_length=64, blank=True, db_index=True)
    level = models.CharField(_("level"), max_length=16, choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    # County-only facts.
    program = models.CharField(
        _("assistance program"), max_length=16, choices=AssistanceProgram.choices, blank=True
    )
    national_poverty_county = models.BooleanField(_("national poverty county"), default=False)
    prefecture = models.CharField(_("prefecture"), max_length=32, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$"),
                name="region_code_6_9_12_digits",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def county_code(self) -> str:
        return self.code[:6]

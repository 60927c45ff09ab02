"""Regions are the national statistical divisions loaded by ``load_regions``: staff may
look them up but never add, edit or delete them."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from shop.regions.models import Region, RegionLevel

# Autocomplete requests from these (app_label, model_name, field_name) fields, whose model
# has no ``limit_choices_to``, only offer regions of the given levels. The admin forms of
# those fields limit their querysets the same way, so a crafted POST is refused too.
AUTOCOMPLETE_LEVELS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("accounts", "buyerorganization", "paired_villages"): (RegionLevel.VILLAGE,),
    ("accounts", "buyerorganization", "region"): (RegionLevel.STREET, RegionLevel.COMMUNITY),
}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent", "program", "national_poverty_county")
    list_filter = ("level", "program", "national_poverty_county")
    list_select_related = ("parent",)
    search_fields = ("code", "name", "name_en")
    ordering = ("code",)
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Region | None = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Region], search_term: str
    ) -> tuple[QuerySet[Region], bool]:
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        source = (
            request.GET.get("app_label"),
            request.GET.get("model_name"),
            request.GET.get("field_name"),
        )
        levels = AUTOCOMPLETE_LEVELS.get(source)  # type: ignore[arg-type]
        if levels:
            queryset = queryset.filter(level__in=levels)
        return queryset, may_have_duplicates

import re

import graphene
from django.utils.translation import gettext as _

from shop.graphql.core.errors import ApiErrorCode, api_error
from shop.regions.graphql.enums import RegionLevelEnum
from shop.regions.graphql.types import Region
from shop.regions.selectors import regions_list

REGION_CODE = re.compile(r"^([0-9]{6}|[0-9]{9}|[0-9]{12})$")


class RegionQueries(graphene.ObjectType):
    regions = graphene.List(
        graphene.NonNull(Region), required=True,
        level=graphene.Argument(RegionLevelEnum),
        parent=graphene.String(description="Code of the parent region, e.g. 441622 for Longchuan."),
        description=(
            "Regions by level and/or parent, in code order. With neither argument: the top-level "
            "regions (Bao'an district and the three supply counties)."
        ),
    )

    @staticmethod
    def resolve_regions(root, info: graphene.ResolveInfo, level=None, parent: str | None = None):
        if parent is not None and not REGION_CODE.match(parent):
            raise api_error(
                _("Enter a region code of 6, 9 or 12 digits."),
                code=ApiErrorCode.INVALID_ARGUMENT, field="parent",
            )
        level_value = level.value if level is not None else ""
        return list(regions_list(
            level=level_value, parent_code=parent or "", roots=not level_value and not parent
        ))

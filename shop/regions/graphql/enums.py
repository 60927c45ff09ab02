from shop.graphql.core.enums import enum_from_choices
from shop.regions.models import AssistanceProgram, RegionLevel

RegionLevelEnum = enum_from_choices(
    RegionLevel, name="RegionLevel",
    description="Level of an administrative division (6-digit county, 9-digit township, 12-digit village codes).",
)
AssistanceProgramEnum = enum_from_choices(
    AssistanceProgram, name="AssistanceProgram",
    description="How Bao'an district assists a supply county.",
)

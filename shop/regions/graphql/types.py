import graphene
from graphene_django import DjangoObjectType

from shop.graphql.core.loaders import loader, related
from shop.regions import models
from shop.regions.graphql.enums import AssistanceProgramEnum, RegionLevelEnum
from shop.regions.graphql.loaders import RegionByCodeLoader, RegionChildrenLoader


class Region(DjangoObjectType):
    """An administrative division keyed by its national statistical code."""

    level = graphene.Field(RegionLevelEnum, required=True)
    program = graphene.Field(
        AssistanceProgramEnum, description="Assistance program; set on supply counties only."
    )
    parent = graphene.Field(lambda: Region)
    children = graphene.List(graphene.NonNull(lambda: Region), required=True)

    class Meta:
        model = models.Region
        fields = (
            "code", "name", "name_en", "slug", "national_poverty_county", "prefecture",
            "province", "summary",
        )

    @staticmethod
    def resolve_level(root: models.Region, info: graphene.ResolveInfo) -> str:
        return root.level

    @staticmethod
    def resolve_program(root: models.Region, info: graphene.ResolveInfo) -> str | None:
        return root.program or None

    @staticmethod
    def resolve_parent(root: models.Region, info: graphene.ResolveInfo):
        return related(info, root, "parent", RegionByCodeLoader)

    @staticmethod
    def resolve_children(root: models.Region, info: graphene.ResolveInfo):
        return loader(info, RegionChildrenLoader).load(root.code)

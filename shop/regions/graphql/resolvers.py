"""Resolvers shared by every type with region fields (a supplier's or a product's county,
township and village, public or portal): ``resolve_county = region_resolver("county")``."""

from collections.abc import Callable
from typing import Any

import graphene

from shop.graphql.core.loaders import related
from shop.regions.graphql.loaders import RegionByCodeLoader

Resolver = Callable[[Any, graphene.ResolveInfo], Any]


def region_resolver(field: str) -> Resolver:
    """Resolve the region foreign key ``field`` of the root: the ``select_related`` row when
    it was loaded, else batched by code for the whole request (no N+1)."""

    def resolve(root: Any, info: graphene.ResolveInfo) -> Any:
        return related(info, root, field, RegionByCodeLoader)

    resolve.__name__ = f"resolve_{field}"
    return resolve

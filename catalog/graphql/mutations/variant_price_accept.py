from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_variant, reviewer
from catalog.graphql.portal_types import PortalVariant
from catalog.services.review import variant_price_accept
from shop.graphql.core.mutations import BaseMutation


class VariantPriceAccept(BaseMutation):
    """Staff: accept a variant's current price although it is above the alert multiple of
    its market reference price. Any other price needs acceptance again."""

    variant = graphene.Field(PortalVariant)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a variant.")

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str) -> dict[str, Any]:
        user = reviewer(info)
        return {"variant": variant_price_accept(variant=own_variant(None, id), actor=user)}

from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_variant, reloaded, supplier_member, variant_fields
from catalog.graphql.mutations.inputs import VariantUpdateInput
from catalog.graphql.portal_types import PortalProduct, PortalVariant
from catalog.services.listings import variant_update
from shop.graphql.core.mutations import BaseMutation


class VariantUpdate(BaseMutation):
    """Edit a specification. A price above the alert multiple of the market price sends an
    approved listing back to review until staff accept it."""

    variant = graphene.Field(PortalVariant)
    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of one of the supplier's variants.")
        input = VariantUpdateInput(required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, input: dict[str, Any]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        variant = own_variant(supplier, id)
        updated = variant_update(variant=variant, actor=user, **variant_fields(input))
        return {"variant": updated, "product": reloaded(variant.product)}

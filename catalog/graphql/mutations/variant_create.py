from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, reloaded, supplier_member, variant_fields
from catalog.graphql.mutations.inputs import VariantCreateInput
from catalog.graphql.portal_types import PortalProduct, PortalVariant
from catalog.services.listings import variant_create
from shop.graphql.core.mutations import BaseMutation


class VariantCreate(BaseMutation):
    """Add a specification (SKU) with its price and stock to a listing."""

    variant = graphene.Field(PortalVariant)
    product = graphene.Field(PortalProduct)

    class Arguments:
        product_id = graphene.ID(required=True, description="Global ID of one of the supplier's products.")
        input = VariantCreateInput(required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, product_id: str, input: dict[str, Any]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        product = own_product(supplier, product_id, field="productId")
        variant = variant_create(product=product, actor=user, **variant_fields(input))
        return {"variant": variant, "product": reloaded(product)}

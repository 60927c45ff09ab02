from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, reloaded, supplier_member
from catalog.graphql.portal_types import PortalProduct
from catalog.services.images import product_images_reorder
from shop.graphql.core.mutations import BaseMutation, decode_input_id


class ProductImageReorder(BaseMutation):
    """Put a listing's photos in a new order; the first is the main photo."""

    product = graphene.Field(PortalProduct)

    class Arguments:
        product_id = graphene.ID(required=True, description="Global ID of one of the supplier's products.")
        image_ids = graphene.List(
            graphene.NonNull(graphene.ID), required=True,
            description="Every photo of the product, each exactly once, in the wanted order.",
        )

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, product_id: str, image_ids: list[str]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        product = own_product(supplier, product_id, field="productId")
        pks = [decode_input_id(value, expected_type="ProductImage", field="imageIds") for value in image_ids]
        product_images_reorder(product=product, image_ids=pks, actor=user)
        return {"product": reloaded(product)}

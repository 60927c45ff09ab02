from typing import Any

import graphene
from graphql_relay import to_global_id

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_image, supplier_member
from catalog.graphql.portal_types import PortalProduct
from catalog.models import Product
from catalog.services.images import product_image_delete
from shop.graphql.core.mutations import BaseMutation


class ProductImageDelete(BaseMutation):
    """Delete a photo of a listing; the others close the gap."""

    deleted_id = graphene.ID(description="Global ID of the photo that was deleted.")
    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a photo (type ProductImage).")

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        image = own_image(supplier, id)
        product_image_delete(image=image, actor=user)
        return {"deleted_id": to_global_id("ProductImage", image.pk), "product": Product.objects.get(pk=image.product_id)}

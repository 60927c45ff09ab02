from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_image, supplier_member
from catalog.graphql.portal_types import PortalProduct, PortalProductImage
from catalog.models import Product
from catalog.services.images import product_image_set_main
from shop.graphql.core.mutations import BaseMutation


class ProductImageSetMain(BaseMutation):
    """Make a photo the listing's main (first) photo; the others keep their order."""

    image = graphene.Field(PortalProductImage)
    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a photo (type ProductImage).")

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        image = product_image_set_main(image=own_image(supplier, id), actor=user)
        return {"image": image, "product": Product.objects.get(pk=image.product_id)}

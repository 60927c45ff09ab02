from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, reloaded, supplier_member
from catalog.graphql.portal_types import PortalProduct, PortalProductImage
from catalog.services.images import product_images_add
from shop.graphql.core.mutations import BaseMutation
from shop.graphql.core.uploads import Upload


class ProductImageUpload(BaseMutation):
    """Add photos to a listing (several at once, all or nothing), after its existing ones.
    Send them with the GraphQL multipart request spec. JPEG, PNG or WebP; each is checked,
    stripped of its metadata and re-encoded; thumbnails follow shortly."""

    images = graphene.List(graphene.NonNull(PortalProductImage), description="The new photos.")
    product = graphene.Field(PortalProduct)

    class Arguments:
        product_id = graphene.ID(required=True, description="Global ID of one of the supplier's products.")
        images = graphene.List(graphene.NonNull(Upload), required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def map_error_field(cls, field: str, data: dict[str, Any]) -> str:
        # The service names a refused file by its index in the list.
        if field.isdigit():
            return f"images.{field}"
        return "images" if field == "uploads" else super().map_error_field(field, data)

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, product_id: str, images: list[Any]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        product = own_product(supplier, product_id, field="productId")
        limit = int(getattr(settings, "PRODUCT_MAX_IMAGES", 12))
        if len(images) > limit:  # refused before any file is decoded
            raise ValidationError({"images": ValidationError(
                _("A product has at most %(max)d photos.") % {"max": limit},
                code=CatalogErrorCode.TOO_MANY_IMAGES.value,
            )})
        added = product_images_add(product=product, uploads=images, actor=user)
        return {"images": added, "product": reloaded(product)}

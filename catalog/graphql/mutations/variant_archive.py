from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_variant, reloaded, supplier_member
from catalog.graphql.portal_types import PortalProduct, PortalVariant
from catalog.services.listings import variant_archive
from shop.graphql.core.mutations import BaseMutation


class VariantArchive(BaseMutation):
    """Withdraw a specification; an approved listing keeps at least one."""

    variant = graphene.Field(PortalVariant)
    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of one of the supplier's variants.")

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        variant = own_variant(supplier, id)
        archived = variant_archive(variant=variant, actor=user)
        return {"variant": archived, "product": reloaded(variant.product)}

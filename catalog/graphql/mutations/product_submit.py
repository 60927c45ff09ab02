from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, supplier_member
from catalog.graphql.portal_types import PortalProduct
from catalog.services.listings import product_submit
from shop.graphql.core.mutations import BaseMutation


class ProductSubmit(BaseMutation):
    """Send a draft (or a corrected rejected listing) to staff review; it needs an active
    variant and a photo. Submitting twice changes nothing."""

    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of one of the supplier's products.")

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        return {"product": product_submit(product=own_product(supplier, id), actor=user)}

from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, product_fields, supplier_member
from catalog.graphql.mutations.inputs import ProductUpdateInput
from catalog.graphql.portal_types import PortalProduct
from catalog.services.listings import product_update
from shop.graphql.core.mutations import BaseMutation


class ProductUpdate(BaseMutation):
    """Edit a listing. Changing what staff reviewed (name, texts, category, origin,
    certifications, households) of an approved product sends it back to review."""

    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of one of the supplier's products.")
        input = ProductUpdateInput(required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, input: dict[str, Any]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        product = own_product(supplier, id)
        return {"product": product_update(product=product, actor=user, **product_fields(input))}

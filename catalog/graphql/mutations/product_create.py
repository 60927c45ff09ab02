from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import product_fields, supplier_member
from catalog.graphql.mutations.inputs import ProductCreateInput
from catalog.graphql.portal_types import PortalProduct
from catalog.services.listings import product_create
from shop.graphql.core.mutations import BaseMutation


class ProductCreate(BaseMutation):
    """Create a draft listing of the logged-in member's supplier."""

    product = graphene.Field(PortalProduct)

    class Arguments:
        input = ProductCreateInput(required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, input: dict[str, Any]) -> dict[str, Any]:
        user, supplier = supplier_member(info)
        product = product_create(supplier=supplier, actor=user, **product_fields(input))
        return {"product": product}

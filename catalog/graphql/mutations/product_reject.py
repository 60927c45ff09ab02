from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, reviewer
from catalog.graphql.portal_types import PortalProduct
from catalog.services.review import product_review_reject
from shop.graphql.core.mutations import BaseMutation


class ProductReject(BaseMutation):
    """Staff: reject a submitted product; the reason is shown to the supplier."""

    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a product.")
        reason = graphene.String(required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, reason: str) -> dict[str, Any]:
        user = reviewer(info)
        product = own_product(None, id)
        return {"product": product_review_reject(product=product, actor=user, reason=reason)}

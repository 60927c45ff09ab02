from typing import Any

import graphene

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.graphql.mutations.common import own_product, reviewer
from catalog.graphql.portal_types import PortalProduct
from catalog.services.review import product_review_approve
from shop.graphql.core.mutations import BaseMutation


class ProductApprove(BaseMutation):
    """Staff: approve a submitted product (and publish it unless `publish` is false).
    Refused while an active variant's price awaits acceptance (`variantPriceAccept`)."""

    product = graphene.Field(PortalProduct)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a product.")
        publish = graphene.Boolean(default_value=True, description="Put it on sale at once.")

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, publish: bool = True) -> dict[str, Any]:
        user = reviewer(info)
        product = own_product(None, id)
        return {"product": product_review_approve(product=product, actor=user, publish=publish is not False)}

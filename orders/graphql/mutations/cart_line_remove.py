from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import CartMutation
from orders.services.cart import cart_line_remove
from shop.graphql.core.mutations import decode_input_id


class CartLineRemove(CartMutation):
    """Remove a variant from the member's cart (nothing happens if it is not there)."""

    class Arguments:
        variant_id = graphene.ID(required=True, description="Global ID of the line's variant (type Variant).")
        organization_id = graphene.ID(description="Global ID of the buyer organization; the user's first one when omitted.")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, variant_id: str, organization_id: str | None = None) -> dict[str, Any]:
        user, organization = cls.member(info, organization_id)
        pk = decode_input_id(variant_id, expected_type="Variant", field="variantId")
        cart_line_remove(user=user, organization=organization, variant_id=pk)
        return cls.cart_payload(user, organization)

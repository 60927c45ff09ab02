"""Shared by the order mutations: the base with the API names of the services' error fields,
and the cart payload (the whole cart, recomputed on the server)."""

from typing import Any, ClassVar

import graphene

from orders.graphql.access import ordering_organization
from orders.graphql.cart_types import Cart, cart_of
from orders.selectors.cart import cart_view
from orders.services.cart import cart_for
from shop.graphql.core.mutations import BaseMutation
from shop.graphql.core.permissions import require_user


class OrderMutation(BaseMutation):
    """Service field names -> the API's argument names (``variant`` is given as ``variantId``)."""

    field_map: ClassVar[dict[str, str]] = {
        "variant": "variantId", "address": "addressId", "order": "orderId", "fulfilment": "fulfilmentId",
    }

    class Meta:
        abstract = True


class CartMutation(OrderMutation):
    """Base of the cart mutations: the payload is the whole cart, recomputed on the server."""

    cart = graphene.Field(Cart)

    class Meta:
        abstract = True

    @classmethod
    def cart_payload(cls, user: Any, organization: Any) -> dict[str, Any]:
        """The cart, read only when the client selects ``cart`` (issue 15: a client that
        asks for ``errors`` alone spares the three statements of the cart's view)."""
        return {"cart": lambda: cart_of(cart_view(cart=cart_for(user=user, organization=organization)), organization)}

    @staticmethod
    def resolve_cart(root: Any, info: graphene.ResolveInfo) -> Any:
        cart = root.cart
        return cart() if callable(cart) else cart

    @classmethod
    def member(cls, info: graphene.ResolveInfo, organization_id: Any) -> tuple[Any, Any]:
        user = require_user(info)
        return user, ordering_organization(user, organization_id)

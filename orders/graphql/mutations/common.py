"""Shared by the order mutations: the base with the orders' error type, the cart payload
and optional services that other work lands (imported when called)."""

import re
from importlib import import_module
from typing import Any, ClassVar

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.graphql.access import ordering_organization
from orders.graphql.cart_types import Cart, cart_of
from orders.selectors.cart import cart_view
from orders.services.cart import cart_for
from shop.common.money import to_decimal, yuan_to_fen
from shop.graphql.core.mutations import BaseMutation
from shop.graphql.core.permissions import require_user

_YUAN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")


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
        return {"cart": cart_of(cart_view(cart=cart_for(user=user, organization=organization)), organization)}

    @classmethod
    def member(cls, info: graphene.ResolveInfo, organization_id: Any) -> tuple[Any, Any]:
        user = require_user(info)
        return user, ordering_organization(user, organization_id)


def service(module: str, name: str) -> Any:
    """A service function from a module that may not exist yet (other work in progress):
    PAYMENT_UNAVAILABLE instead of a crash."""
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError):
        raise ValidationError(
            _("This action is not available yet."), code=OrderErrorCode.PAYMENT_UNAVAILABLE.value
        ) from None


def yuan_field_to_fen(value: Any, *, field: str, required: bool = True) -> int | None:
    """A positive yuan amount ("58.50", at most two decimals) as fen, or a field error."""
    text = "" if value is None else str(value).strip()
    if not text:
        if not required:
            return None
        raise ValidationError({field: ValidationError(_("Enter an amount."), code=OrderErrorCode.REQUIRED.value)})
    if not _YUAN.fullmatch(text):
        raise ValidationError({field: ValidationError(
            _("Enter an amount in yuan with at most two decimals, e.g. 58.50."), code=OrderErrorCode.INVALID_AMOUNT.value,
        )})
    fen = yuan_to_fen(to_decimal(text))
    if fen <= 0:
        raise ValidationError({field: ValidationError(_("The amount must be positive."), code=OrderErrorCode.INVALID_AMOUNT.value)})
    return fen

"""Cart actions for a member acting for one buyer organization. Quantities are whole
numbers between the variant's minimum order quantity and its stock; prices are never
taken from the client."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from catalog.models import ProductVariant
from orders.errors import OrderErrorCode
from orders.models import Cart, CartLine
from shop.accounts.guards import member_require_ordering
from shop.accounts.models import BuyerOrganization, User
from shop.accounts.selectors import ORDERING_ROLES, membership_for

E = OrderErrorCode


def _error(field: str, message: str, code: E) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def parse_quantity(raw: object, *, field: str = "quantity") -> int:
    """A whole number from 1 to ORDER_MAX_QUANTITY. Rejects 0, negatives, fractions
    (1.5 or "1.5"), booleans, huge numbers and text."""
    if isinstance(raw, bool) or raw is None:
        value = None
    elif isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and raw.strip().isdigit() and len(raw.strip()) <= 12:
        value = int(raw.strip())
    else:
        value = None
    if value is None:
        raise _error(field, _("Enter a whole number."), E.INVALID_QUANTITY)
    if value < 1:
        raise _error(field, _("The quantity must be at least 1."), E.INVALID_QUANTITY)
    if value > settings.ORDER_MAX_QUANTITY:
        raise _error(
            field, _("The quantity must be at most %(max)s.") % {"max": settings.ORDER_MAX_QUANTITY},
            E.INVALID_QUANTITY,
        )
    return value


def ordering_member_organization(*, user: User, organization_id: object = None) -> BuyerOrganization:
    """The organization ``user`` may order for, or a permission error."""
    membership = membership_for(user=user, organization_id=organization_id)
    if membership is None or membership.role not in ORDERING_ROLES:
        raise ValidationError(
            _("You are not a member of a verified buyer organization that may order."),
            code=E.PERMISSION_DENIED.value,
        )
    return membership.organization


def cart_get_or_create(*, user: User, organization: BuyerOrganization) -> Cart:
    try:
        with transaction.atomic():
            cart, _created = Cart.objects.get_or_create(user=user, organization=organization)
    except IntegrityError:  # two first clicks at once
        cart = Cart.objects.get(user=user, organization=organization)
    return cart


def cart_for(*, user: User, organization: BuyerOrganization) -> Cart | None:
    return Cart.objects.filter(user=user, organization=organization).first()


def _variant_on_sale(variant_id: object) -> ProductVariant:
    try:
        pk = int(str(variant_id))
    except (TypeError, ValueError):
        pk = 0
    variant = (
        ProductVariant.objects.select_related("product")
        .filter(pk=pk, is_active=True, product__is_visible=True)
        .first()
        if 0 < pk < 2**31
        else None
    )
    if variant is None:
        raise _error("variant", _("This product is not on sale."), E.PRODUCT_UNAVAILABLE)
    return variant


def _check_quantity(variant: ProductVariant, quantity: int) -> None:
    if quantity < variant.min_order_qty:
        raise _error(
            "quantity", _("The minimum order for this item is %(moq)s.") % {"moq": variant.min_order_qty},
            E.BELOW_MINIMUM_QUANTITY,
        )
    if quantity > variant.stock:
        raise _error(
            "quantity", _("Only %(stock)s left in stock.") % {"stock": variant.stock},
            E.INSUFFICIENT_STOCK,
        )


@transaction.atomic
def cart_line_add(*, user: User, organization: BuyerOrganization, variant_id: object, quantity: object) -> CartLine:
    """Add ``quantity`` to the line of this variant (creating it). The new total must be
    within the minimum order quantity and the stock."""
    member_require_ordering(user=user, organization=organization)
    qty = parse_quantity(quantity)
    variant = _variant_on_sale(variant_id)
    # Lock the cart row: this cart's edits are serialised (two tabs adding at once).
    cart = Cart.objects.select_for_update().filter(user=user, organization=organization).first()
    if cart is None:
        cart = cart_get_or_create(user=user, organization=organization)
        Cart.objects.select_for_update().filter(pk=cart.pk).first()
    line = CartLine.objects.filter(cart=cart, variant=variant).first()
    if line is None and cart.lines.count() >= settings.ORDER_MAX_LINES:
        raise _error("variant", _("A cart holds at most %(max)s items.") % {"max": settings.ORDER_MAX_LINES}, E.CART_TOO_LARGE)
    new_qty = qty + (line.quantity if line else 0)
    if new_qty > settings.ORDER_MAX_QUANTITY:
        raise _error("quantity", _("The quantity must be at most %(max)s.") % {"max": settings.ORDER_MAX_QUANTITY}, E.INVALID_QUANTITY)
    _check_quantity(variant, new_qty)
    if line is None:
        line = CartLine.objects.create(cart=cart, variant=variant, quantity=new_qty)
    else:
        line.quantity = new_qty
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_line_update(*, user: User, organization: BuyerOrganization, variant_id: object, quantity: object) -> CartLine:
    """Set the quantity of a line already in the cart."""
    member_require_ordering(user=user, organization=organization)
    qty = parse_quantity(quantity)
    cart = cart_for(user=user, organization=organization)
    line = (
        CartLine.objects.select_for_update().select_related("variant__product")
        .filter(cart=cart, variant_id=_variant_pk(variant_id)).first()
        if cart else None
    )
    if line is None:
        raise _error("variant", _("This item is not in your cart."), E.NOT_FOUND)
    assert cart is not None  # a line was found in it
    variant = _variant_on_sale(line.variant_id)
    _check_quantity(variant, qty)
    line.quantity = qty
    line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


def _variant_pk(value: object) -> int:
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        return 0
    return pk if 0 < pk < 2**31 else 0


@transaction.atomic
def cart_line_remove(*, user: User, organization: BuyerOrganization, variant_id: object) -> None:
    """Idempotent: removing a line that is not there changes nothing."""
    member_require_ordering(user=user, organization=organization)
    cart = cart_for(user=user, organization=organization)
    if cart is not None:
        CartLine.objects.filter(cart=cart, variant_id=_variant_pk(variant_id)).delete()
        cart.save(update_fields=["updated_at"])


def cart_clear(*, user: User, organization: BuyerOrganization) -> None:
    CartLine.objects.filter(cart__user=user, cart__organization=organization).delete()

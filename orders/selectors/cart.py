"""The cart as the member sees it: every price and total read from the variants now, in
integer fen, never from anything the client sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from catalog.models import ProductImage, ProductVariant
from orders.models import Cart, CartLine
from shop.common.money import yuan_to_fen

if TYPE_CHECKING:
    from suppliers.models import Supplier


@dataclass(frozen=True)
class CartLineView:
    line: CartLine
    variant: ProductVariant
    quantity: int
    unit_price_fen: int
    total_fen: int
    available: bool  # the product is still on sale
    problem: str = ""  # why the line cannot be checked out as it is (shown next to it)

    @property
    def supplier(self) -> Supplier:
        return self.variant.product.supplier


@dataclass
class CartView:
    cart: Cart | None
    lines: list[CartLineView] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return sum(line.total_fen for line in self.lines if line.available)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def can_check_out(self) -> bool:
        return bool(self.lines) and not any(line.problem for line in self.lines)

    def by_supplier(self) -> list[tuple[object, list[CartLineView]]]:
        groups: dict[int, tuple[object, list[CartLineView]]] = {}
        for line in self.lines:
            supplier = line.supplier
            groups.setdefault(supplier.pk, (supplier, []))[1].append(line)
        return list(groups.values())


def line_problem(variant: ProductVariant, quantity: int) -> str:
    if not (variant.is_active and variant.product.is_visible):
        return _("No longer on sale.")
    if quantity < variant.min_order_qty:
        return _("The minimum order is %(moq)s.") % {"moq": variant.min_order_qty}
    if quantity > variant.stock:
        return _("Only %(stock)s left in stock.") % {"stock": variant.stock}
    return ""


def cart_view(*, cart: Cart | None) -> CartView:
    """Two queries whatever the number of lines (cart lines with variant, product and
    supplier, then the first image of each product)."""
    if cart is None or cart.pk is None:
        return CartView(cart=cart)
    lines = list(
        CartLine.objects.filter(cart=cart)
        .select_related("variant__product__supplier", "variant__product__county")
        .prefetch_related(
            Prefetch("variant__product__images", queryset=ProductImage.objects.order_by("position", "id"))
        )
        .order_by("id")
    )
    views = []
    for line in lines:
        variant = line.variant
        price = yuan_to_fen(variant.price)
        views.append(
            CartLineView(
                line=line, variant=variant, quantity=line.quantity, unit_price_fen=price,
                total_fen=price * line.quantity,
                available=variant.is_active and variant.product.is_visible,
                problem=line_problem(variant, line.quantity),
            )
        )
    return CartView(cart=cart, lines=views)

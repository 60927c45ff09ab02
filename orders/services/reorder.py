"""Re-order: put a past order's lines into the member's cart again, through the cart
service (current prices, minimum quantities and stock apply as for any addition)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.models import Order
from orders.services.cart import cart_line_add
from shop.accounts.guards import member_require_ordering
from shop.accounts.models import BuyerOrganization, User


@dataclass
class ReorderResult:
    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (line label, reason)


def order_reorder(*, user: User, organization: BuyerOrganization, order: Order) -> ReorderResult:
    """Add each line of ``order`` (which must belong to ``organization``) to the cart. A line
    that cannot be added (no longer on sale, out of stock…) is reported, not fatal; each
    line is added in its own transaction by ``cart_line_add``."""
    if order.organization_id != organization.pk:
        raise ValidationError({"order": _("This order belongs to another organization.")})
    member_require_ordering(user=user, organization=organization)
    result = ReorderResult()
    for line in order.lines.order_by("id"):
        label = f"{line.product_name} ({line.spec})"
        try:
            cart_line_add(user=user, organization=organization, variant_id=line.variant_id, quantity=line.quantity)
        except ValidationError as exc:
            result.skipped.append((label, " ".join(exc.messages)))
        else:
            result.added.append(label)
    return result

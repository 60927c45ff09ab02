"""Template helpers of the buyer pages: the cart count in the header, one-time form tokens."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def buyer_membership(context: Any) -> Any:
    """The membership the signed-in user buys through, or ``None`` (one query, cached on the
    request; none at all for anonymous visitors)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    from frontend.account.acting import acting_membership

    return acting_membership(request)


@register.simple_tag(takes_context=True)
def cart_count(context: Any) -> int:
    """Units in the acting organization's cart of the signed-in user (one query)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    cached = getattr(request, "_cart_count", None)
    if cached is not None:
        return cached
    from django.db.models import Count

    from frontend.account.acting import acting_membership
    from orders.models import CartLine

    membership = acting_membership(request)
    count = 0
    if membership is not None:
        count = CartLine.objects.filter(
            cart__user=request.user, cart__organization_id=membership.organization_id
        ).aggregate(n=Count("id"))["n"]
    request._cart_count = count
    return count


@register.simple_tag
def once_token() -> str:
    from frontend.buying.access import once_token as make

    return make()

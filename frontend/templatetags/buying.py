"""Template helpers of the buyer pages: the cart count in the header, one-time form tokens."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from frontend.account.acting import acting_membership
from frontend.once import once_token as access_once_token
from orders.models import CartLine
from orders.selectors.orders import pending_approval_count
from shop.accounts.models import BuyerOrganization, OrganizationStatus
from shop.accounts.selectors import APPROVING_ROLES

register = template.Library()


@register.simple_tag(takes_context=True)
def buyer_membership(context: Any) -> Any:
    """The membership the signed-in user buys through, or ``None`` (one query, cached on the
    request; none at all for anonymous visitors)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    return acting_membership(request)


@register.simple_tag(takes_context=True)
def cart_count(context: Any) -> int:
    """Lines in the acting organization's cart of the signed-in user: counted with the
    acting membership's query (``cart_lines``) when it was loaded on this request, else
    one query. Views that change the cart redirect, so the count is never stale."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    cached = getattr(request, "_cart_count", None)
    if cached is not None:
        return cached
    membership = acting_membership(request)
    count = 0
    cart_lines = getattr(membership, "cart_lines", None)  # annotated by acting_membership
    if membership is not None and cart_lines is not None:
        count = cart_lines
    elif membership is not None:
        count = CartLine.objects.filter(
            cart__user=request.user, cart__organization_id=membership.organization_id
        ).aggregate(n=Count("id"))["n"]
    request._cart_count = count
    return count


@register.simple_tag
def once_token() -> str:
    return access_once_token()


@register.simple_tag(takes_context=True)
def approvals_waiting(context: Any) -> int | None:
    """For an approver: orders of the acting organization waiting for approval (one COUNT
    query); ``None`` for anybody else (no query beyond the cached membership)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    membership = acting_membership(request)
    if membership is None or membership.role not in APPROVING_ROLES:
        return None
    return pending_approval_count(organization_id=membership.organization_id)


@register.simple_tag(takes_context=True)
def may_export_reports(context: Any) -> bool:
    """Whether the header shows the 报表 link: staff, or a member of a verified organization
    (no query beyond the cached membership)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    if request.user.is_staff:
        return True
    return acting_membership(request) is not None


@register.simple_tag(takes_context=True)
def unverified_organization(context: Any) -> Any:
    """For a signed-in user who buys through no verified organization: the first of their
    organizations still pending (or suspended), to say why they cannot order yet. One
    query, cached on the request; none for anonymous visitors."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    if hasattr(request, "_unverified_organization"):
        return request._unverified_organization
    organization = (
        BuyerOrganization.objects.filter(memberships__user=request.user)
        .exclude(status=OrganizationStatus.VERIFIED).order_by("id").first()
    )
    request._unverified_organization = organization
    return organization

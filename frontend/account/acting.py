"""Which buyer organization the signed-in person acts for.

A person may belong to several organizations; the one chosen on /account/ is kept in the
session under ``acting_organization_id``. Pages that buy or list orders call
:func:`acting_organization`; it never trusts the session value alone — the membership is
read again on every request, so a removed member or a suspended organization stops at once.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from orders.models import CartLine
from shop.accounts.models import BuyerOrganization, Membership
from shop.accounts.selectors import membership_for, memberships_of

SESSION_KEY = "acting_organization_id"


def acting_membership(request: HttpRequest) -> Membership | None:
    """The membership (of a verified organization) the user acts through, or ``None``.

    A stale session value (membership removed, organization suspended) falls back to the
    user's first verified organization and the session is corrected."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    cache_attr = "_acting_membership"
    if hasattr(request, cache_attr):
        return getattr(request, cache_attr)
    chosen = request.session.get(SESSION_KEY)
    membership = _membership_with_cart_lines(user, chosen) if chosen is not None else None
    if membership is None:
        membership = _membership_with_cart_lines(user, None)
        if membership is None:
            request.session.pop(SESSION_KEY, None)
        elif chosen != membership.organization_id:
            request.session[SESSION_KEY] = membership.organization_id
    setattr(request, cache_attr, membership)
    return membership


def _membership_with_cart_lines(user, organization_id: object) -> Membership | None:
    """``membership_for``, annotated with ``cart_lines`` (the lines of this member's cart
    for that organization, which the page header shows) in the same query (issue 15)."""
    qs = memberships_of(user=user).annotate(
        cart_lines=Coalesce(Subquery(
            CartLine.objects.filter(
                cart__user_id=OuterRef("user_id"), cart__organization_id=OuterRef("organization_id")
            ).order_by().values("cart__user_id").annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ), 0)
    )
    if organization_id is not None:
        try:
            qs = qs.filter(organization_id=int(str(organization_id)))
        except (TypeError, ValueError):
            return None
    return qs.first()


def acting_organization(request: HttpRequest) -> BuyerOrganization | None:
    """The verified organization the user acts for, or ``None`` (not a member of any)."""
    membership = acting_membership(request)
    return membership.organization if membership else None


def acting_set(request: HttpRequest, organization_id: object) -> Membership | None:
    """Switch to ``organization_id`` if the user is a member of it (verified); ``None`` otherwise."""
    membership = membership_for(user=request.user, organization_id=organization_id)
    if membership is not None:
        request.session[SESSION_KEY] = membership.organization_id
        request.__dict__.pop("_acting_membership", None)
        request._acting_membership = membership  # type: ignore[attr-defined]
    return membership

"""Who may use the buyer pages, and helpers they share.

Cart, checkout and the order list need a logged-in member of a verified buyer
organization; the organization comes from :func:`acting_membership` (chosen on /account/,
re-checked on every request). Order pages look the order up through
``order_for_member``, so another organization's order is a 404, never a 403.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.account.acting import acting_membership
from orders.models import Order
from orders.selectors.orders import order_for_member

ONCE_SECONDS = 6 * 3600


def buyer_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; ``request.buyer`` is the membership the user acts through. A user
    who is not a member of a verified buyer organization gets a 403 page saying so."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = acting_membership(request)
        if membership is None:
            return render(request, "frontend/buying/not_buyer.html", status=403)
        request.buyer = membership  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def member_order_or_404(request: HttpRequest, pk: object) -> Order:
    order = order_for_member(user=request.user, order_id=pk)
    if order is None:
        raise Http404("No such order.")
    return order


def apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's errors on the form field of the same name, else on top of the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


# --- Double submission ---------------------------------------------------------------------
# "Add to cart" adds to the quantity already there, so a double click would add twice. Its
# form carries a one-time token; a second POST of the same token changes nothing.


def once_token() -> str:
    return secrets.token_urlsafe(18)


def once_claim(request: HttpRequest) -> bool:
    """False when this form's token was already used (the POST is a repeat)."""
    token = str(request.POST.get("once", ""))
    if not token or len(token) > 64:
        return True
    return cache.add(f"buying-once:{request.user.pk}:{token}", 1, ONCE_SECONDS)


def once_release(request: HttpRequest) -> None:
    """Let a refused form be submitted again with the same token after a correction."""
    token = str(request.POST.get("once", ""))
    if token and len(token) <= 64:
        cache.delete(f"buying-once:{request.user.pk}:{token}")

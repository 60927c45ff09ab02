"""Who may use the buyer pages, and helpers they share.

Cart, checkout and the order list need a logged-in member of a verified buyer
organization; the organization comes from :func:`acting_membership` (chosen on /account/,
re-checked on every request). Order pages look the order up through
``order_for_member``, so another organization's order is a 404, never a 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.account.acting import acting_membership
from orders.models import Order
from orders.selectors.orders import order_for_member


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

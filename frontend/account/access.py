"""Helpers the account pages share: which membership a page acts through, and errors.

The account pages act for the organization chosen in the session (``acting.py``); a person
whose organizations are all still pending (or suspended) acts for the newest of them, so its
administrator can already prepare addresses and invite colleagues. Every object (member,
invitation, address) is looked up through that organization: another organization's ids
are 404s.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontend.account.acting import acting_membership
from shop.accounts.http import request_user
from shop.accounts.models import MemberRole, Membership


def current_membership(request: HttpRequest) -> Membership | None:
    membership = acting_membership(request)
    if membership is None:
        membership = (
            Membership.objects.filter(user=request_user(request)).select_related("organization").order_by("-id").first()
        )
    return membership


def member_view(*, admin: bool = False) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Login required and a membership (else: to registration); ``admin``: only the
    organization's administrators (others: 403). The membership is ``request.membership``."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = current_membership(request)
            if membership is None:
                return redirect("frontend:account_register")
            if admin and membership.role != MemberRole.ADMIN:
                raise PermissionDenied
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator


RENAMES = {"password": "password1"}


def apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """A service's errors on the form field of the same name (else on top of the form)."""
    items = exc.error_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.error_list)]
    for name, errors in items:
        field = RENAMES.get(name, name)
        for error in errors:
            form.add_error(field if field in form.fields else None, error.messages)


def error_status(exc: ValidationError, statuses: dict[str, int], default: int = 400) -> int:
    codes = [e.code for e in exc.error_list] if not hasattr(exc, "error_dict") else [
        e.code for errs in exc.error_dict.values() for e in errs
    ]
    return next((statuses[c] for c in codes if c in statuses), default)


def forbid_unless(condition: bool) -> None:
    if not condition:
        raise PermissionDenied

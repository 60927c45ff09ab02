"""Who may use the supplier portal, and helpers every portal view shares.

A page needs a logged-in user (else: redirect to the login page) who is a member of a
supplier team (else: 403). Members of a supplier that is approved or suspended use the
portal (a suspended one sees a notice and cannot submit); members of a supplier still under
admission see a page telling them so. Objects are always looked up through the member's
supplier, so another supplier's ids are 404s.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from suppliers.models import Supplier, SupplierMember, SupplierStatus
from suppliers.selectors import supplier_membership_of

PORTAL_STATUSES = (SupplierStatus.APPROVED, SupplierStatus.SUSPENDED)
ONCE_SECONDS = 6 * 3600


@dataclass(frozen=True)
class Portal:
    membership: SupplierMember
    supplier: Supplier

    @property
    def is_suspended(self) -> bool:
        return self.supplier.status == SupplierStatus.SUSPENDED


def portal_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Login required; the user's supplier membership is ``request.portal``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = supplier_membership_of(user=request.user)
        if membership is None:
            raise PermissionDenied
        if membership.supplier.status not in PORTAL_STATUSES:
            return render(
                request, "frontend/portal/pending.html",
                {"supplier": membership.supplier, "application_url": _application_url()},
                status=403,
            )
        request.portal = Portal(membership=membership, supplier=membership.supplier)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _application_url() -> str:
    """The application status page (built with the onboarding pages)."""
    try:
        return reverse("frontend:onboarding:join_status")
    except NoReverseMatch:
        return ""


def apply_errors(form: BaseForm, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field of the same name, else on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


# --- Double submission ------------------------------------------------------------------------
# Forms that create something carry a one-time token; a second POST of the same token (a
# double click, a reload of the result) is recognised and answered with a redirect instead
# of creating a duplicate. ``cache.add`` is atomic (local memory and Redis alike).


def once_token() -> str:
    return secrets.token_urlsafe(18)


def once_claim(request: HttpRequest) -> bool:
    """False when this form's token was already used (the POST is a repeat)."""
    token = str(request.POST.get("once", ""))
    if not token or len(token) > 64:
        return True
    return cache.add(f"portal-once:{request.user.pk}:{token}", 1, ONCE_SECONDS)

"""Who may use the supplier portal, and helpers every portal view shares.

A page needs a logged-in user (else: redirect to the login page) who is a member of a
supplier team (else: 403). Members of a supplier that is approved or suspended use the
portal; members of a supplier still under admission see a page telling them so. A suspended
supplier reads its pages but every POST that changes listings, stock or photos is answered
with a 403 page saying why (the services refuse it too: ``suppliers.guards``); only its
orders in progress can still be confirmed and shipped (``portal_view(fulfilment=True)``).
The status is read from the database on every request. Objects are always looked up through
the member's supplier, so another supplier's ids are 404s.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from suppliers.guards import NOT_APPROVED_CODE, supplier_require_active
from suppliers.models import Supplier, SupplierMember, SupplierStatus
from suppliers.selectors import supplier_membership_of

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PORTAL_STATUSES = (SupplierStatus.APPROVED, SupplierStatus.SUSPENDED)


@dataclass(frozen=True)
class Portal:
    membership: SupplierMember
    supplier: Supplier

    @property
    def is_suspended(self) -> bool:
        return self.supplier.status == SupplierStatus.SUSPENDED


def portal_view(
    view: Callable[..., HttpResponse] | None = None, *, fulfilment: bool = False
) -> Any:
    """Login required; the user's supplier membership is ``request.portal``. ``fulfilment``:
    the view acts on orders in progress, which a suspended supplier still fulfils."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = supplier_membership_of(user=request.user)
            if membership is None:
                raise PermissionDenied
            supplier = membership.supplier
            if supplier.status not in PORTAL_STATUSES:
                return render(
                    request, "frontend/portal/pending.html",
                    {"supplier": supplier, "application_url": _application_url()},
                    status=403,
                )
            request.portal = Portal(membership=membership, supplier=supplier)  # type: ignore[attr-defined]
            if request.method not in SAFE_METHODS and not fulfilment:
                try:
                    supplier_require_active(supplier=supplier, actor=request.user)
                except ValidationError as exc:
                    return suspended_page(request, exc)
            return view(request, *args, **kwargs)

        return login_required(wrapped)

    return decorator(view) if view is not None else decorator


def suspended_page(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """The 403 page for a write the supplier's status does not allow."""
    return render(
        request, "frontend/portal/suspended.html",
        {"portal": request.portal, "message": " ".join(exc.messages)},  # type: ignore[attr-defined]
        status=403,
    )


def is_status_refusal(exc: ValidationError) -> bool:
    """The service refused because of the supplier's status (a suspension that arrived
    between the page's check and the service's)."""
    return not hasattr(exc, "error_dict") and any(e.code == NOT_APPROVED_CODE for e in exc.error_list)


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

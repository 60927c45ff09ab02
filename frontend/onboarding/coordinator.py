"""County coordinators (and platform staff) review supplier applications.

A coordinator sees the applications of their own counties only: another county's
application is a 404 (its existence is not revealed); a logged-in person who is neither a
coordinator nor staff gets a 403; an anonymous visitor is sent to the login page.
Coordinators recommend or reject; staff approve or reject (as in the admin).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from shop.common.audit import audit_events_for
from suppliers.errors import SupplierErrorCode
from suppliers.forms import RecommendForm, RejectForm
from suppliers.models import Supplier, SupplierStatus
from suppliers.selectors import (
    application_for_reviewer,
    applications_for_reviewer,
    coordinator_county_codes,
)
from suppliers.services.status import supplier_approve, supplier_recommend, supplier_reject

PAGE_SIZE = 50
STATUS_FILTERS = [
    SupplierStatus.APPLIED, SupplierStatus.RECOMMENDED, SupplierStatus.APPROVED,
    SupplierStatus.REJECTED, SupplierStatus.SUSPENDED,
]


def reviewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        request.coordinator_counties = coordinator_county_codes(user=request.user)  # type: ignore[attr-defined]
        if not request.user.is_staff and not request.coordinator_counties:  # type: ignore[attr-defined]
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@reviewer_required
def coordinator_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    applications = applications_for_reviewer(user=request.user, status=status or None)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/onboarding/coordinator_list.html", {
        "page": page, "applications": page.object_list, "status": status,
        "status_filters": [(s.value, s.label) for s in STATUS_FILTERS],
    })


def _detail_context(request: HttpRequest, supplier: Supplier, **forms: Any) -> dict[str, Any]:
    user = request.user
    coordinates = supplier.county_id in request.coordinator_counties  # type: ignore[attr-defined]
    can_recommend = supplier.status == SupplierStatus.APPLIED and (coordinates or user.is_staff)
    can_approve = supplier.status == SupplierStatus.RECOMMENDED and user.is_staff
    can_reject = (supplier.status == SupplierStatus.APPLIED and (coordinates or user.is_staff)) or (
        supplier.status == SupplierStatus.RECOMMENDED and user.is_staff
    )
    return {
        "supplier": supplier,
        "owners": [m for m in supplier.members.all() if m.role == "owner"],
        "history": list(audit_events_for(supplier)[:50]),
        "can_recommend": can_recommend, "can_approve": can_approve, "can_reject": can_reject,
        "recommend_form": forms.get("recommend_form") or RecommendForm(),
        "reject_form": forms.get("reject_form") or RejectForm(auto_id="reject_%s"),
    }


def _reviewable(request: HttpRequest, pk: int) -> Supplier:
    supplier = application_for_reviewer(user=request.user, pk=pk)
    if supplier is None:
        raise Http404(_("No such application."))
    return supplier


@require_safe
@reviewer_required
def coordinator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _reviewable(request, pk)
    return render(request, "frontend/onboarding/coordinator_detail.html", _detail_context(request, supplier))


def _refused(request: HttpRequest, supplier: Supplier, exc: ValidationError, **forms: Any) -> HttpResponse:
    """Re-render the page with the service's message: 400 for a missing reason, 409 when
    the application has moved on (another reviewer acted first)."""
    codes = {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else {
        e.code for errors in exc.error_dict.values() for e in errors
    }
    for form in forms.values():
        for name, errors in (exc.message_dict.items() if hasattr(exc, "error_dict") else []):
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            messages.error(request, message)
    supplier = _reviewable(request, supplier.pk)
    status = 409 if SupplierErrorCode.INVALID_TRANSITION.value in codes else 400
    return render(request, "frontend/onboarding/coordinator_detail.html",
                  _detail_context(request, supplier, **forms), status=status)


def _may_act_as_county(request: HttpRequest, supplier: Supplier) -> bool:
    return request.user.is_staff or supplier.county_id in request.coordinator_counties  # type: ignore[attr-defined]


@require_POST
@reviewer_required
def coordinator_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _reviewable(request, pk)
    if not _may_act_as_county(request, supplier):
        raise PermissionDenied
    form = RecommendForm(request.POST)
    if not form.is_valid():
        return render(request, "frontend/onboarding/coordinator_detail.html",
                      _detail_context(request, supplier, recommend_form=form), status=400)
    try:
        supplier_recommend(supplier=supplier, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as exc:
        return _refused(request, supplier, exc, recommend_form=form)
    messages.success(request, _("The application is recommended to the platform."))
    return redirect("frontend:onboarding:coordinator_detail", pk=supplier.pk)


@require_POST
@reviewer_required
def coordinator_reject(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _reviewable(request, pk)
    if supplier.status == SupplierStatus.RECOMMENDED and not request.user.is_staff:
        raise PermissionDenied  # once recommended, the platform decides
    if not _may_act_as_county(request, supplier):
        raise PermissionDenied
    form = RejectForm(request.POST, auto_id="reject_%s")
    if not form.is_valid():
        return render(request, "frontend/onboarding/coordinator_detail.html",
                      _detail_context(request, supplier, reject_form=form), status=400)
    try:
        supplier_reject(supplier=supplier, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as exc:
        return _refused(request, supplier, exc, reject_form=form)
    messages.success(request, _("The application is rejected; the applicant is told why."))
    return redirect("frontend:onboarding:coordinator_detail", pk=supplier.pk)


@require_POST
@reviewer_required
def coordinator_approve(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = _reviewable(request, pk)
    if not request.user.is_staff:
        raise PermissionDenied
    try:
        supplier_approve(supplier=supplier, actor=request.user)
    except ValidationError as exc:
        return _refused(request, supplier, exc)
    messages.success(request, _("The supplier is approved."))
    return redirect("frontend:onboarding:coordinator_detail", pk=supplier.pk)

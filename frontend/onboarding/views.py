"""Login, logout, the supplier application (供应商入驻申请) and its status page.

The coordinator pages are in ``coordinator.py``, documents in ``documents.py`` and the
team (invitations) in ``team.py``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontend.account.throttling import throttled_response
from frontend.onboarding.forms import LoginForm
from shop.accounts.selectors import memberships_of
from shop.accounts.throttle import Attempt, login_attempt_start, login_attempt_succeeded
from shop.common.audit import audit_events_for
from suppliers.errors import SupplierErrorCode
from suppliers.forms import CertificationFormSet, SupplierApplicationForm, filled_certifications
from suppliers.models import Supplier, SupplierMember, SupplierRole, SupplierStatus
from suppliers.selectors import coordinator_county_codes, supplier_membership_of
from suppliers.services.applications import supplier_apply

PORTAL_URL = "/portal/"
BACKEND = "shop.accounts.backends.EmailBackend"
TOKEN_CACHE_SECONDS = 2 * 24 * 3600
PIPELINE = [SupplierStatus.APPLIED, SupplierStatus.RECOMMENDED, SupplierStatus.APPROVED]

STATUS_HISTORY_ACTIONS = {
    "supplier.apply", "supplier.recommend", "supplier.approve", "supplier.reject",
    "supplier.suspend", "supplier.reinstate",
}


def landing_url(user: Any) -> str:
    """Where a user lands after logging in: the portal for a supplier's team (its
    application's status while it is not approved), the review pages for a county
    coordinator, the admin for staff, the storefront for everybody else."""
    membership = supplier_membership_of(user=user)
    if membership is not None:
        if membership.supplier.status in (SupplierStatus.APPROVED, SupplierStatus.SUSPENDED):
            return PORTAL_URL
        return reverse("frontend:onboarding:join_status")
    if coordinator_county_codes(user=user):
        return reverse("frontend:onboarding:coordinator_list")
    if user.is_staff:
        return reverse("admin:index")
    memberships = list(user.memberships.select_related("organization")[:2])
    if memberships and not memberships_of(user=user).exists():
        return reverse("frontend:account_status")  # the organization is not verified yet
    return reverse("frontend:home")


class ShopLoginView(LoginView):
    template_name = "frontend/onboarding/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    attempt: Attempt | None = None

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Throttled per account identifier and per client address (``shop.accounts.throttle``):
        over the limit the answer is 429 before the password is checked, the same for every
        identifier."""
        identifier = str(request.POST.get("username", ""))
        if identifier.strip() and request.POST.get("password"):
            self.attempt = login_attempt_start(request, identifier)
            if not self.attempt.allowed:
                return throttled_response(request, self.template_name, {
                    "form": self.get_form_class()(request), "next": self.get_redirect_url(),
                })
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]  # form_class is LoginForm
        if self.attempt is not None:
            login_attempt_succeeded(self.attempt)
        return super().form_valid(form)

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_invalid(form)
        response.status_code = 400
        return response


login_view = ShopLoginView.as_view()
logout_view = LogoutView.as_view(next_page="frontend:home")


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    """The "my account" link of the header: sends each person to their own pages."""
    return redirect(landing_url(request.user))


def _add_service_errors(form: Any, formset: Any, exc: ValidationError) -> None:
    """Put a service's errors on the form field they belong to (or on top of the form)."""
    rows = dict(filled_certifications(formset))
    renames = {"password": "password1"}
    for name, errors in exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]:
        if name.startswith("certifications."):
            _prefix, index, field = (name.split(".") + ["", ""])[:3]
            row = rows.get(int(index)) if index.isdigit() else None
            target = row if row is not None and field in row.fields else None
            for message in errors:
                if target is not None:
                    target.add_error(field, message)
                else:
                    form.add_error(None, message)
            continue
        field = renames.get(name, name)
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


def _same_application(request: HttpRequest, form: SupplierApplicationForm) -> Supplier | None:
    """The existing application a duplicate post belongs to, if this visitor made it:
    the logged-in owner, or the account the posted e-mail and password open."""
    supplier = Supplier.objects.filter(credit_code=form.cleaned_data["credit_code"]).first()
    if supplier is None:
        return None
    user = request.user if request.user.is_authenticated else authenticate(
        request, username=form.cleaned_data.get("applicant_email", ""),
        password=form.cleaned_data.get("password1", ""),
    )
    if user is None:
        return None
    is_owner = SupplierMember.objects.filter(supplier=supplier, user=user, role=SupplierRole.OWNER).exists()
    if not is_owner:
        return None
    if not request.user.is_authenticated:
        login(request, user, backend=BACKEND)
    return supplier


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and supplier_membership_of(user=user) is not None:
        messages.info(request, _("Your account already belongs to a supplier: here is its application."))
        return redirect("frontend:onboarding:join_status")
    status = 200
    if request.method == "POST":
        form = SupplierApplicationForm(request.POST, request.FILES, user=user)
        formset = CertificationFormSet(request.POST, request.FILES, prefix="certifications")
        if form.is_valid() and formset.is_valid():
            token = form.cleaned_data.get("form_token", "")
            try:
                supplier = supplier_apply(
                    data=form.application_data(),
                    license_document=form.cleaned_data["license_document"],
                    certifications=[f.certification_data() for _i, f in filled_certifications(formset)],
                    applicant_email=form.cleaned_data.get("applicant_email", ""),
                    password=form.cleaned_data.get("password1", ""),
                    user=user, actor=user,
                )
            except ValidationError as exc:
                codes = {e.code for errors in getattr(exc, "error_dict", {}).values() for e in errors}
                if SupplierErrorCode.DUPLICATE.value in codes:
                    if _same_application(request, form) is not None:
                        messages.info(request, _("We had already received this application: here is its status."))
                        return redirect("frontend:onboarding:join_status")
                    if token and cache.get(f"onboarding:join:{token}") == form.cleaned_data["credit_code"]:
                        # The same form posted twice by a visitor who is not logged in (yet).
                        messages.info(request, _("We had already received this application. Log in to follow it."))
                        return redirect(f"{reverse('frontend:onboarding:login')}?next={reverse('frontend:onboarding:join_status')}")
                _add_service_errors(form, formset, exc)
            else:
                if token:
                    cache.set(f"onboarding:join:{token}", supplier.credit_code, TOKEN_CACHE_SECONDS)
                if user is None:
                    # Not logged in: the same answer whether or not the address already had
                    # an account (``suppliers.services.applications``); the applicant logs in next.
                    messages.success(request, _(
                        "Thank you: your application has been submitted and we have sent an e-mail "
                        "to %(email)s. Log in with that address to follow it."
                    ) % {"email": form.cleaned_data.get("applicant_email", "")})
                    return redirect(
                        f"{reverse('frontend:onboarding:login')}?next={reverse('frontend:onboarding:join_status')}"
                    )
                messages.success(request, _("Thank you: your application has been submitted."))
                return redirect("frontend:onboarding:join_status")
        status = 400
    else:
        form = SupplierApplicationForm(user=user)
        formset = CertificationFormSet(prefix="certifications")
    more_certs_open = formset.is_bound and any(f.has_changed() or f.errors for f in formset.forms[1:])
    return render(request, "frontend/onboarding/join.html", {
        "form": form, "formset": formset, "new_account": user is None,
        "more_certs_open": more_certs_open,
    }, status=status)


def _pipeline(supplier: Supplier, history: list[Any]) -> list[dict[str, Any]]:
    """The three steps with their state: done, current, rejected or waiting."""
    status = supplier.status
    reached: dict[str, int] = {
        SupplierStatus.APPLIED: 0, SupplierStatus.RECOMMENDED: 1, SupplierStatus.APPROVED: 2,
        SupplierStatus.SUSPENDED: 2,
    }
    steps = []
    if status == SupplierStatus.REJECTED:
        recommended = any(e.action == "supplier.recommend" for e in history)
        stop = 2 if recommended else 1
        for i, step in enumerate(PIPELINE):
            state = "done" if i < stop else ("rejected" if i == stop else "waiting")
            steps.append({"label": step.label, "state": state})
        return steps
    index = reached.get(status, 0)
    for i, step in enumerate(PIPELINE):
        state = "done" if i <= index else ("current" if i == index + 1 else "waiting")
        steps.append({"label": step.label, "state": state})
    return steps


@login_required
def join_status(request: HttpRequest) -> HttpResponse:
    membership = supplier_membership_of(user=request.user)
    if membership is None:
        return render(request, "frontend/onboarding/join_status.html", {"supplier": None})
    supplier = (
        Supplier.objects.select_related("county", "township", "village")
        .prefetch_related("certifications").get(pk=membership.supplier_id)
    )
    history = [e for e in audit_events_for(supplier) if e.action in STATUS_HISTORY_ACTIONS]
    return render(request, "frontend/onboarding/join_status.html", {
        "supplier": supplier, "membership": membership, "steps": _pipeline(supplier, history),
        "history": history, "portal_url": PORTAL_URL,
        "can_use_portal": supplier.status in (SupplierStatus.APPROVED, SupplierStatus.SUSPENDED),
    })


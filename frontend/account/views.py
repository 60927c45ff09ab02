"""/account/: the buyer's account home (organizations and which one they act for),
organization registration and its status page."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.account.access import apply_errors
from frontend.account.acting import acting_membership, acting_set
from shop.accounts.forms import RegistrationForm
from shop.accounts.http import request_user
from shop.accounts.models import MemberRole, Membership, OrganizationStatus
from shop.accounts.services import organization_register

BACKEND = "shop.accounts.backends.EmailBackend"


def _memberships(request: HttpRequest) -> list[Membership]:
    return list(
        Membership.objects.filter(user=request_user(request))
        .select_related("organization", "organization__parent").order_by("organization__name")
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    memberships = _memberships(request)
    if not memberships:
        return redirect("frontend:account_register")
    acting = acting_membership(request)
    return render(request, "frontend/account/home.html", {
        "memberships": memberships, "acting": acting,
        "verified": [m for m in memberships if m.organization.status == OrganizationStatus.VERIFIED],
        "is_admin": acting is not None and acting.role == MemberRole.ADMIN,
    })


@require_POST
@login_required
def switch(request: HttpRequest) -> HttpResponse:
    membership = acting_set(request, request.POST.get("organization"))
    if membership is None:
        messages.error(request, _("You cannot act for this organization."))
        return redirect("frontend:account_home")
    messages.success(request, _("You now act for %(name)s.") % {"name": membership.organization.name})
    return redirect("frontend:account_home")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    with_account = user is None
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST, with_account=with_account)
        if form.is_valid():
            try:
                membership = organization_register(user=user, **form.service_kwargs())
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if user is None:
                    # Not logged in: the same answer whether or not the address already had an
                    # account (then it was e-mailed an administrator invitation instead).
                    messages.success(request, _(
                        "Thank you: your organization has been registered. Log in with %(email)s "
                        "to follow its verification; if that address already had an account, we have "
                        "e-mailed it a link to become the administrator."
                    ) % {"email": form.cleaned_data.get("email", "")})
                    return redirect(f"{reverse('frontend:onboarding:login')}?next={reverse('frontend:account_status')}")
                assert membership is not None
                messages.success(request, _("Thank you: your organization has been registered."))
                return redirect("frontend:account_status")
        status = 400
    else:
        form = RegistrationForm(with_account=with_account)
    return render(request, "frontend/account/register.html", {
        "form": form, "with_account": with_account,
    }, status=status)


@login_required
def status(request: HttpRequest) -> HttpResponse:
    memberships = _memberships(request)
    return render(request, "frontend/account/status.html", {
        "memberships": memberships, "pending": [m for m in memberships if m.organization.status == OrganizationStatus.PENDING],
    })


def context_for(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {"membership": request.membership, "organization": request.membership.organization, **extra}  # type: ignore[attr-defined]

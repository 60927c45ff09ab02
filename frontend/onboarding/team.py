"""The supplier's team (/portal/team/) and the invitation link (/invite/<token>/).

Every member sees the team; only the owner invites, revokes and removes. An invitation or
member of another supplier is a 404.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.onboarding.views import BACKEND, landing_url
from suppliers.errors import SupplierErrorCode as Code
from suppliers.forms import InvitationForm, InvitationSignupForm
from suppliers.guards import NOT_APPROVED_CODE
from suppliers.models import SupplierInvitation, SupplierMember, SupplierRole, SupplierStatus
from suppliers.selectors import invitation_by_token, supplier_membership_of, supplier_team
from suppliers.services.team import (
    invitation_problem,
    supplier_invitation_accept,
    supplier_invitation_revoke,
    supplier_invite,
    supplier_member_remove,
)

TEAM_STATUSES = (SupplierStatus.APPROVED, SupplierStatus.SUSPENDED)


def team_member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A member of an approved (or suspended) supplier; the membership is passed on."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = supplier_membership_of(user=request.user)
        if membership is None:
            raise PermissionDenied
        if membership.supplier.status not in TEAM_STATUSES:
            return redirect("frontend:onboarding:join_status")
        return view(request, membership, *args, **kwargs)

    return wrapper


def _render_team(request: HttpRequest, membership: SupplierMember, form: InvitationForm | None = None,
                 status: int = 200) -> HttpResponse:
    members, invitations = supplier_team(supplier=membership.supplier)
    return render(request, "frontend/onboarding/team.html", {
        "supplier": membership.supplier, "membership": membership, "members": members,
        "invitations": invitations, "is_owner": membership.role == SupplierRole.OWNER,
        "form": form or InvitationForm(), "now": timezone.now(),
        "invitation_days": settings.SUPPLIER_INVITATION_DAYS,
    }, status=status)


@require_http_methods(["GET", "POST"])
@team_member_required
def team(request: HttpRequest, membership: SupplierMember) -> HttpResponse:
    if request.method != "POST":
        return _render_team(request, membership)
    if membership.role != SupplierRole.OWNER:
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return _render_team(request, membership, form, status=400)
    try:
        invitation = supplier_invite(supplier=membership.supplier, email=form.cleaned_data["email"],
                                     actor=request.user)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):  # e.g. a suspended supplier: on top of the form
            form.add_error(None, exc.messages)
            refused = any(e.code == NOT_APPROVED_CODE for e in exc.error_list)
            return _render_team(request, membership, form, status=403 if refused else 400)
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(name if name in form.fields else None, message)
        return _render_team(request, membership, form, status=400)
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
    return redirect("frontend:onboarding:team")


@require_POST
@team_member_required
def team_revoke(request: HttpRequest, membership: SupplierMember, pk: int) -> HttpResponse:
    if membership.role != SupplierRole.OWNER:
        raise PermissionDenied
    invitation = SupplierInvitation.objects.filter(pk=pk, supplier=membership.supplier).first()
    if invitation is None:
        raise Http404
    try:
        supplier_invitation_revoke(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:onboarding:team")
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": invitation.email})
    return redirect("frontend:onboarding:team")


@require_POST
@team_member_required
def team_remove(request: HttpRequest, membership: SupplierMember, pk: int) -> HttpResponse:
    if membership.role != SupplierRole.OWNER:
        raise PermissionDenied
    member = SupplierMember.objects.select_related("user").filter(pk=pk, supplier=membership.supplier).first()
    if member is None:
        raise Http404
    try:
        supplier_member_remove(member=member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:onboarding:team")
    messages.success(request, _("%(name)s is no longer a member of the team.") % {"name": member.user})
    return redirect("frontend:onboarding:team")


_STATUS_FOR_CODE = {Code.EMAIL_MISMATCH.value: 403, Code.ALREADY_MEMBER.value: 409,
                    Code.INVITATION_USED.value: 410, Code.INVITATION_EXPIRED.value: 410,
                    Code.NOT_FOUND.value: 404}


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = invitation_by_token(token=token)
    context: dict[str, Any] = {"invitation": found, "token": token}
    if found is None:
        context["problem"] = _("This invitation link is not valid. Check that you copied all of it.")
        return render(request, "frontend/onboarding/invitation.html", context, status=404)
    problem = invitation_problem(found)
    if problem is not None:
        context["problem"] = problem.messages[0]
        return render(request, "frontend/onboarding/invitation.html", context, status=410)
    user = request.user if request.user.is_authenticated else None
    form = None if user else InvitationSignupForm(
        request.POST or None, initial={"email": found.email}
    )
    context.update(form=form, email_matches=user is not None and user.email.lower() == found.email.lower())
    if request.method != "POST":
        return render(request, "frontend/onboarding/invitation.html", context)
    if form is not None and not form.is_valid():
        return render(request, "frontend/onboarding/invitation.html", context, status=400)
    try:
        member = supplier_invitation_accept(
            token=token, user=user, actor=user,
            email=form.cleaned_data["email"] if form else "",
            password=form.cleaned_data["password1"] if form else "",
        )
    except ValidationError as exc:
        items = exc.message_dict.items() if hasattr(exc, "error_dict") else [(NON_FIELD_ERRORS, exc.messages)]
        for name, errors in items:
            field = {"password": "password1"}.get(name, name)
            for message in errors:
                if form is not None:
                    form.add_error(field if field in form.fields else None, message)
                else:
                    context.setdefault("errors", []).append(message)
        codes = [e.code for e in exc.error_list] if not hasattr(exc, "error_dict") else [
            e.code for errs in exc.error_dict.values() for e in errs
        ]
        status = next((_STATUS_FOR_CODE[c] for c in codes if c in _STATUS_FOR_CODE), 400)
        return render(request, "frontend/onboarding/invitation.html", context, status=status)
    if user is None:
        login(request, member.user, backend=BACKEND)
    messages.success(request, _("Welcome to the team of %(name)s.") % {"name": member.supplier.display_name})
    return redirect(landing_url(member.user))

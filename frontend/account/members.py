"""/account/members/: the organization's members and invitations, and the invitation link.

Every member sees the list; only administrators invite, change roles and remove. A member
or invitation of another organization is a 404.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.account.access import apply_errors, error_status, member_view
from frontend.account.acting import acting_set
from frontend.account.views import BACKEND, context_for
from shop.accounts.errors import AccountErrorCode as Code
from shop.accounts.forms import InvitationSignupForm, MemberInviteForm, MemberRoleForm
from shop.accounts.models import BuyerInvitation, MemberRole, Membership
from shop.accounts.services_members import (
    invitation_accept,
    invitation_days,
    invitation_problem,
    invitation_revoke,
    member_invite,
    member_remove,
    member_set_role,
)


def _render(request: HttpRequest, form: MemberInviteForm | None = None, status: int = 200) -> HttpResponse:
    organization = request.membership.organization  # type: ignore[attr-defined]
    members = list(
        Membership.objects.filter(organization=organization).select_related("user").order_by("role", "user__email")
    )
    invitations = list(
        BuyerInvitation.objects.filter(organization=organization, accepted_at__isnull=True).order_by("-created_at")
    )
    return render(request, "frontend/account/members.html", context_for(
        request, members=members, invitations=invitations, form=form or MemberInviteForm(),
        is_admin=request.membership.role == MemberRole.ADMIN,  # type: ignore[attr-defined]
        roles=MemberRole.choices, now=timezone.now(), invitation_days=invitation_days(),
    ), status=status)


@require_http_methods(["GET", "POST"])
@member_view()
def members(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request)
    if request.membership.role != MemberRole.ADMIN:  # type: ignore[attr-defined]
        raise PermissionDenied
    form = MemberInviteForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    try:
        invitation = member_invite(
            organization=request.membership.organization,  # type: ignore[attr-defined]
            email=form.cleaned_data["email"], role=form.cleaned_data["role"], actor=request.user,
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _render(request, form, status=400)
    messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
    return redirect("frontend:account_members")


def _member(request: HttpRequest, pk: int) -> Membership:
    found = Membership.objects.select_related("user").filter(
        pk=pk, organization=request.membership.organization  # type: ignore[attr-defined]
    ).first()
    if found is None:
        raise Http404
    return found


@require_POST
@member_view(admin=True)
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return redirect("frontend:account_members")
    try:
        member_set_role(membership=member, role=form.cleaned_data["role"], actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:account_members")
    messages.success(request, _("%(name)s is now: %(role)s.") % {
        "name": member.user, "role": MemberRole(form.cleaned_data["role"]).label,
    })
    return redirect("frontend:account_members")


@require_POST
@member_view(admin=True)
def member_delete(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member(request, pk)
    try:
        member_remove(membership=member, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:account_members")
    messages.success(request, _("%(name)s is no longer a member.") % {"name": member.user})
    if member.user_id == request.user.pk:
        return redirect("frontend:account_home")
    return redirect("frontend:account_members")


@require_POST
@member_view(admin=True)
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = BuyerInvitation.objects.filter(pk=pk, organization=request.membership.organization).first()  # type: ignore[attr-defined]
    if found is None:
        raise Http404
    try:
        invitation_revoke(invitation=found, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:account_members")
    messages.success(request, _("The invitation to %(email)s is withdrawn.") % {"email": found.email})
    return redirect("frontend:account_members")


_STATUS_FOR_CODE = {Code.EMAIL_MISMATCH.value: 403, Code.INVITATION_USED.value: 410,
                    Code.INVITATION_EXPIRED.value: 410, Code.NOT_FOUND.value: 404}


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = BuyerInvitation.objects.select_related("organization").filter(token=token[:64]).first()
    context: dict[str, Any] = {"invitation": found}
    template = "frontend/account/invitation.html"
    if found is None:
        context["problem"] = _("This invitation link is not valid. Check that you copied all of it.")
        return render(request, template, context, status=404)
    problem = invitation_problem(found)
    if problem is not None:
        context["problem"] = problem.messages[0]
        return render(request, template, context, status=410)
    user = request.user if request.user.is_authenticated else None
    form = None if user else InvitationSignupForm(request.POST or None, initial={"email": found.email})
    context.update(form=form, email_matches=user is not None and user.email.lower() == found.email.lower())
    if request.method != "POST":
        return render(request, template, context)
    if form is not None and not form.is_valid():
        return render(request, template, context, status=400)
    try:
        membership = invitation_accept(
            token=found.token, user=user,
            email=form.cleaned_data["email"] if form else "",
            display_name=form.cleaned_data["display_name"] if form else "",
            password=form.cleaned_data["password1"] if form else "",
        )
    except ValidationError as exc:
        if form is not None:
            apply_errors(form, exc)
        else:
            context["errors"] = exc.messages
        return render(request, template, context, status=error_status(exc, _STATUS_FOR_CODE))
    if user is None:
        login(request, membership.user, backend=BACKEND)
    acting_set(request, membership.organization_id)
    messages.success(request, _("Welcome to %(name)s.") % {"name": membership.organization.name})
    return redirect("frontend:account_home")

"""An organization's members: its administrators invite people by e-mail with a role,
change roles and remove members. An organization always keeps at least one administrator.

An invitation link is single-use and expires after ``settings.BUYER_INVITATION_DAYS``
(default 7); it is accepted by a logged-in user or by a new account, and in both cases the
e-mail address must be the invited one (as for suppliers' teams, ``suppliers.team``).
Changes lock the organization row, so two administrators demoting each other at once
cannot leave it without an administrator.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.accounts.errors import AccountErrorCode as Code
from shop.accounts.guards import organization_require_not_suspended
from shop.accounts.models import BuyerInvitation, BuyerOrganization, MemberRole, Membership, User
from shop.accounts.selectors import username_for_email
from shop.accounts.services import require_admin
from shop.common.audit import audit_record
from shop.common.outbox import enqueue_on_commit


def invitation_days() -> int:
    return int(getattr(settings, "BUYER_INVITATION_DAYS", 7))


def _same_email(a: str, b: str) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def _check_role(role: str) -> None:
    if role not in MemberRole.values:
        raise ValidationError({"role": ValidationError(_("Choose a role."), code=Code.INVALID.value)})


def invitation_problem(invitation: BuyerInvitation) -> ValidationError | None:
    """Why this invitation can no longer be accepted (None when it can)."""
    if invitation.accepted_at:
        return ValidationError(_("This invitation has already been used."), code=Code.INVITATION_USED.value)
    if invitation.expires_at <= timezone.now():
        return ValidationError(
            _("This invitation has expired. Ask an administrator of the organization to invite you again."),
            code=Code.INVITATION_EXPIRED.value,
        )
    return None


def member_invite(*, organization: BuyerOrganization, email: str, role: str, actor: Any) -> BuyerInvitation:
    """Invite ``email`` with ``role`` and e-mail the link after commit. A pending invitation
    for the same address is reused (its role updated): a double click sends one e-mail."""
    email = BaseUserManager.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid e-mail address."), code=Code.INVALID.value)}
        ) from None
    _check_role(role)
    with transaction.atomic():
        locked = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
        require_admin(organization=locked, actor=actor)
        if Membership.objects.filter(organization=locked, user__email__iexact=email).exists():
            raise ValidationError({"email": ValidationError(
                _("This person is already a member of the organization."), code=Code.ALREADY_MEMBER.value
            )})
        pending = BuyerInvitation.objects.filter(
            organization=locked, email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now(),
        ).order_by("-created_at").first()
        if pending is not None:
            if pending.role != role:
                pending.role = role
                pending.save(update_fields=["role"])
            return pending
        invitation = BuyerInvitation.objects.create(
            organization=locked, email=email, role=role, token=secrets.token_urlsafe(32), invited_by=actor,
            expires_at=timezone.now() + timedelta(days=invitation_days()),
        )
        audit_record(
            actor=actor, instance=locked, action="buyer_organization.invite",
            changes={"email": [None, email], "role": [None, role]},
        )
        enqueue_on_commit("shop.accounts.tasks.invitation_send", invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: BuyerInvitation, actor: Any) -> None:
    locked = BuyerInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None:
        return  # already withdrawn
    require_admin(organization=locked.organization, actor=actor)
    if locked.accepted_at:
        raise ValidationError(_("This invitation has already been used."), code=Code.INVITATION_USED.value)
    audit_record(
        actor=actor, instance=locked.organization, action="buyer_organization.invitation_revoke",
        changes={"email": [locked.email, None]},
    )
    locked.delete()


def invitation_accept(
    *, token: str, user: Any = None, email: str = "", display_name: str = "", password: str = "",
) -> Membership:
    """Join the organization the invitation is for, with the invited role. ``user``: a
    logged-in user whose e-mail is the invited one; otherwise an account is created."""
    with transaction.atomic():
        invitation = (
            BuyerInvitation.objects.select_for_update().select_related("organization")
            .filter(token=token).first()
        )
        if invitation is None:
            raise ValidationError(_("This invitation link is not valid."), code=Code.NOT_FOUND.value)
        problem = invitation_problem(invitation)
        if problem is not None:
            raise problem
        organization_require_not_suspended(organization=invitation.organization_id)
        if user is not None and getattr(user, "is_authenticated", False):
            if not _same_email(user.email, invitation.email):
                raise ValidationError(_(
                    "This invitation was sent to another e-mail address. Log in with the address it was sent to."
                ), code=Code.EMAIL_MISMATCH.value)
        else:
            user = _create_invited_user(invitation, email=email, display_name=display_name, password=password)
        membership = Membership.objects.filter(user=user, organization=invitation.organization).first()
        if membership is None:
            membership = Membership.objects.create(
                user=user, organization=invitation.organization, role=invitation.role
            )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(
            actor=user, instance=invitation.organization, action="buyer_organization.member_add",
            changes={"member": [None, user.email], "role": [None, membership.role]},
        )
    return membership


def _create_invited_user(invitation: BuyerInvitation, *, email: str, display_name: str, password: str) -> User:
    if not _same_email(email, invitation.email):
        raise ValidationError({"email": ValidationError(
            _("Use the e-mail address the invitation was sent to."), code=Code.EMAIL_MISMATCH.value
        )})
    taken = ValidationError({"email": ValidationError(
        _("This e-mail address already has an account: log in first, then accept."),
        code=Code.EMAIL_TAKEN.value,
    )})
    if User._default_manager.filter(email__iexact=invitation.email).exists():
        raise taken
    try:
        password_validation.validate_password(
            password or "", user=User(email=invitation.email, username=invitation.email, display_name=display_name)
        )
    except ValidationError as exc:
        raise ValidationError({"password": [
            ValidationError(m, code=Code.INVALID_PASSWORD.value) for m in exc.messages
        ]}) from None
    try:
        with transaction.atomic():
            return User._default_manager.create_user(
                username=username_for_email(invitation.email), email=invitation.email, password=password,
                display_name=(display_name or "").strip()[:64],
            )
    except IntegrityError:
        raise taken from None


def _admins_left(organization: BuyerOrganization, without: Membership) -> int:
    return Membership.objects.filter(organization=organization, role=MemberRole.ADMIN).exclude(pk=without.pk).count()


def _last_admin_error() -> ValidationError:
    return ValidationError(
        {"role": ValidationError(
            _("The organization needs at least one administrator: make someone else an administrator first."),
            code=Code.LAST_ADMIN.value,
        )}
    )


@transaction.atomic
def member_set_role(*, membership: Membership, role: str, actor: Any) -> Membership:
    _check_role(role)
    locked_org = BuyerOrganization.objects.select_for_update().get(pk=membership.organization_id)
    require_admin(organization=locked_org, actor=actor)
    row = Membership.objects.select_related("user").filter(pk=membership.pk, organization=locked_org).first()
    if row is None:
        raise ValidationError(_("This member does not exist."), code=Code.NOT_FOUND.value)
    if row.role == role:
        return row
    if row.role == MemberRole.ADMIN and _admins_left(locked_org, row) == 0:
        raise _last_admin_error()
    audit_record(
        actor=actor, instance=locked_org, action="buyer_organization.member_role",
        changes={"member": [row.user.email, row.user.email], "role": [row.role, role]},
    )
    row.role = role
    row.save(update_fields=["role"])
    return row


@transaction.atomic
def member_remove(*, membership: Membership, actor: Any) -> None:
    locked_org = BuyerOrganization.objects.select_for_update().get(pk=membership.organization_id)
    require_admin(organization=locked_org, actor=actor)
    row = Membership.objects.select_related("user").filter(pk=membership.pk, organization=locked_org).first()
    if row is None:
        return  # already removed
    if row.role == MemberRole.ADMIN and _admins_left(locked_org, row) == 0:
        raise _last_admin_error()
    audit_record(
        actor=actor, instance=locked_org, action="buyer_organization.member_remove",
        changes={"member": [row.user.email, None]},
    )
    row.delete()

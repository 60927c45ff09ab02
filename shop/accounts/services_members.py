"""An organization's members: its administrators invite people by e-mail with a role,
change roles and remove members. An organization always keeps at least one administrator.

An invitation link is single-use and expires after ``settings.BUYER_INVITATION_DAYS``
(default 7); it is accepted by a logged-in user or by a new account, and in both cases the
e-mail address must be the invited one. The invitation flow itself (token, expiry, checks on
acceptance, revocation) is ``shop.accounts.services_invitations``, shared with suppliers'
teams (``suppliers.services.team``); what is here is the organization's: roles and administrators.
Changes lock the organization row, so two administrators demoting each other at once
cannot leave it without an administrator.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shop.accounts import services_invitations as invitations
from shop.accounts.errors import AccountErrorCode as Code
from shop.accounts.guards import organization_require_not_suspended
from shop.accounts.models import BuyerInvitation, BuyerOrganization, MemberRole, Membership
from shop.accounts.services import require_admin
from shop.common.audit import audit_record
from shop.common.outbox import enqueue_on_commit


def invitation_days() -> int:
    return int(getattr(settings, "BUYER_INVITATION_DAYS", 7))


def _check_role(role: str) -> None:
    if role not in MemberRole.values:
        raise ValidationError({"role": ValidationError(_("Choose a role."), code=Code.INVALID.value)})


def _expired_message() -> str:
    return _("This invitation has expired. Ask an administrator of the organization to invite you again.")


def invitation_problem(invitation: BuyerInvitation) -> ValidationError | None:
    """Why this invitation can no longer be accepted (None when it can)."""
    return invitations.invitation_problem(invitation, expired_message=_expired_message())


def member_invite(*, organization: BuyerOrganization, email: str, role: str, actor: Any) -> BuyerInvitation:
    """Invite ``email`` with ``role`` and e-mail the link after commit. A pending invitation
    for the same address is reused (its role updated): a double click sends one e-mail."""
    email = invitations.invitation_email_clean(email)
    _check_role(role)
    with transaction.atomic():
        locked = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
        require_admin(organization=locked, actor=actor)
        if Membership.objects.filter(organization=locked, user__email__iexact=email).exists():
            raise ValidationError({"email": ValidationError(
                _("This person is already a member of the organization."), code=Code.ALREADY_MEMBER.value
            )})
        pending = invitations.invitation_pending(BuyerInvitation.objects.filter(organization=locked), email=email)
        if pending is not None:
            if pending.role != role:
                pending.role = role
                pending.save(update_fields=["role"])
            return pending
        invitation = invitations.invitation_create(
            BuyerInvitation, email=email, days=invitation_days(), actor=actor, organization=locked, role=role,
        )
        audit_record(
            actor=actor, instance=locked, action="buyer_organization.invite",
            changes={"email": [None, email], "role": [None, role]},
        )
        enqueue_on_commit("shop.accounts.tasks.invitation_send", invitation.pk)
    return invitation


def invitation_revoke(*, invitation: BuyerInvitation, actor: Any) -> None:
    invitations.invitation_revoke(
        BuyerInvitation.objects.all(), pk=invitation.pk, actor=actor,
        audit_action="buyer_organization.invitation_revoke", group_of=lambda i: i.organization,
        require=lambda organization: require_admin(organization=organization, actor=actor),
    )


def invitation_accept(
    *, token: str, user: Any = None, email: str = "", display_name: str = "", password: str = "",
) -> Membership:
    """Join the organization the invitation is for, with the invited role. ``user``: a
    logged-in user whose e-mail is the invited one; otherwise an account is created."""
    with transaction.atomic():
        invitation = invitations.invitation_lock_open(
            BuyerInvitation.objects.select_related("organization"), token=token,
            expired_message=_expired_message(),
        )
        organization_require_not_suspended(organization=invitation.organization_id)
        user = invitations.invitation_user(
            invitation, user=user, email=email, password=password, display_name=display_name,
        )
        membership = Membership.objects.filter(user=user, organization=invitation.organization).first()
        if membership is None:
            membership = Membership.objects.create(
                user=user, organization=invitation.organization, role=invitation.role
            )
        invitations.invitation_mark_accepted(invitation, user=user)
        audit_record(
            actor=user, instance=invitation.organization, action="buyer_organization.member_add",
            changes={"member": [None, user.email], "role": [None, membership.role]},
        )
    return membership


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

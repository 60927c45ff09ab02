"""A supplier's team: the owner invites members by e-mail and may remove them.

Only an owner of the supplier may invite, revoke or remove (checked here again, whatever
the caller checked). An invitation link is single-use and expires after
``settings.SUPPLIER_INVITATION_DAYS``; it is accepted by a logged-in user or by a new
account, and in both cases the e-mail address must be the invited one. That flow is
``shop.accounts.services_invitations``, shared with buyer organizations' members; what is
here is the team's: the owner, and one supplier per account.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shop.accounts import services_invitations as invitations
from shop.common.audit import audit_record
from suppliers.errors import SupplierErrorCode as Code
from suppliers.guards import supplier_require_not_suspended
from suppliers.models import Supplier, SupplierInvitation, SupplierMember, SupplierRole
from suppliers.notifications import notify_after_commit


def _require_owner(*, supplier: Supplier, actor: Any) -> None:
    is_owner = getattr(actor, "is_authenticated", False) and SupplierMember.objects.filter(
        supplier=supplier, user=actor, role=SupplierRole.OWNER
    ).exists()
    if not is_owner:
        raise ValidationError(
            _("Only the owner of the supplier can manage its team."), code=Code.FORBIDDEN.value
        )


def _expired_message() -> str:
    return _("This invitation has expired. Ask the owner of the supplier to invite you again.")


def invitation_problem(invitation: SupplierInvitation) -> ValidationError | None:
    """Why this invitation can no longer be accepted (None when it can)."""
    return invitations.invitation_problem(invitation, expired_message=_expired_message())


def supplier_invite(*, supplier: Supplier, email: str, actor: Any) -> SupplierInvitation:
    """Invite ``email`` to the team and e-mail the link after commit. Inviting an address
    that already has a pending invitation returns that invitation (a double click sends
    one e-mail)."""
    email = invitations.invitation_email_clean(email)
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        _require_owner(supplier=locked, actor=actor)
        supplier_require_not_suspended(supplier=locked, actor=actor)
        if SupplierMember.objects.filter(supplier=locked, user__email__iexact=email).exists():
            raise ValidationError({"email": ValidationError(
                _("This person is already a member of the team."), code=Code.ALREADY_MEMBER.value
            )})
        pending = invitations.invitation_pending(SupplierInvitation.objects.filter(supplier=locked), email=email)
        if pending is not None:
            return pending
        invitation = invitations.invitation_create(
            SupplierInvitation, email=email, days=settings.SUPPLIER_INVITATION_DAYS, actor=actor, supplier=locked,
        )
        event = audit_record(
            actor=actor, instance=locked, action="supplier.invite",
            changes={"invitation": [None, invitation.pk], "email": [None, email]},
        )
        notify_after_commit(supplier_id=locked.pk, action="supplier.invite", audit_event_id=event.pk)
    return invitation


def supplier_invitation_revoke(*, invitation: SupplierInvitation, actor: Any) -> None:
    """Withdraw a pending invitation: its link stops working."""
    invitations.invitation_revoke(
        SupplierInvitation.objects.all(), pk=invitation.pk, actor=actor,
        audit_action="supplier.invitation_revoke", group_of=lambda i: i.supplier,
        require=lambda supplier: _require_owner(supplier=supplier, actor=actor),
    )


def supplier_invitation_accept(
    *, token: str, user: Any = None, email: str = "", password: str = "", actor: Any = None
) -> SupplierMember:
    """Join the team the invitation is for, as a member.

    ``user``: a logged-in user whose e-mail is the invited one; otherwise an account is
    created from ``email`` (which must be the invited one) and ``password``.
    """
    with transaction.atomic():
        invitation = invitations.invitation_lock_open(
            SupplierInvitation.objects.select_related("supplier"), token=token,
            expired_message=_expired_message(),
        )
        supplier_require_not_suspended(supplier=invitation.supplier_id)
        user = invitations.invitation_user(invitation, user=user, email=email, password=password)
        existing = SupplierMember.objects.filter(user=user).select_related("supplier").first()
        if existing is not None and existing.supplier_id != invitation.supplier_id:
            raise ValidationError(
                _("Your account already belongs to another supplier."), code=Code.ALREADY_MEMBER.value
            )
        # An application made with this address by someone not logged in has no owner yet:
        # the address's account claims it (``suppliers.services.applications``).
        unclaimed = not SupplierMember.objects.filter(supplier=invitation.supplier).exists()
        member = existing or SupplierMember.objects.create(
            supplier=invitation.supplier, user=user,
            role=SupplierRole.OWNER if unclaimed else SupplierRole.MEMBER,
        )
        invitations.invitation_mark_accepted(invitation, user=user)
        audit_record(
            actor=actor if getattr(actor, "is_authenticated", False) else user,
            instance=invitation.supplier, action="supplier.member_add",
            changes={"member": [None, user.email]},
        )
    return member


@transaction.atomic
def supplier_member_remove(*, member: SupplierMember, actor: Any) -> None:
    """Remove a member from the team. The owner cannot remove an owner (nor themself)."""
    locked = SupplierMember.objects.select_for_update().select_related("user", "supplier").filter(
        pk=member.pk
    ).first()
    if locked is None:
        return  # already removed
    _require_owner(supplier=locked.supplier, actor=actor)
    if locked.role == SupplierRole.OWNER:
        raise ValidationError(_("The owner cannot be removed from the team."), code=Code.FORBIDDEN.value)
    audit_record(
        actor=actor, instance=locked.supplier, action="supplier.member_remove",
        changes={"member": [locked.user.email, None]},
    )
    locked.delete()


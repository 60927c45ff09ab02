"""A supplier's team: the owner invites members by e-mail and may remove them.

Only an owner of the supplier may invite, revoke or remove (checked here again, whatever
the caller checked). An invitation link is single-use and expires after
``settings.SUPPLIER_INVITATION_DAYS``; it is accepted by a logged-in user or by a new
account, and in both cases the e-mail address must be the invited one.
"""

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.accounts.selectors import username_for_email
from shop.common.audit import audit_record
from suppliers.errors import SupplierErrorCode as Code
from suppliers.guards import supplier_require_not_suspended
from suppliers.models import Supplier, SupplierInvitation, SupplierMember, SupplierRole
from suppliers.notifications import notify_after_commit


def _same_email(a: str, b: str) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def _require_owner(*, supplier: Supplier, actor: Any) -> None:
    is_owner = getattr(actor, "is_authenticated", False) and SupplierMember.objects.filter(
        supplier=supplier, user=actor, role=SupplierRole.OWNER
    ).exists()
    if not is_owner:
        raise ValidationError(
            _("Only the owner of the supplier can manage its team."), code=Code.FORBIDDEN.value
        )


def invitation_problem(invitation: SupplierInvitation) -> ValidationError | None:
    """Why this invitation can no longer be accepted (None when it can)."""
    if invitation.accepted_at:
        return ValidationError(
            _("This invitation has already been used."), code=Code.INVITATION_USED.value
        )
    if invitation.expires_at <= timezone.now():
        return ValidationError(
            _("This invitation has expired. Ask the owner of the supplier to invite you again."),
            code=Code.INVITATION_EXPIRED.value,
        )
    return None


def supplier_invite(*, supplier: Supplier, email: str, actor: Any) -> SupplierInvitation:
    """Invite ``email`` to the team and e-mail the link after commit. Inviting an address
    that already has a pending invitation returns that invitation (a double click sends
    one e-mail)."""
    email = BaseUserManager.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid e-mail address."), code=Code.INVALID.value)}
        ) from None
    with transaction.atomic():
        locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
        _require_owner(supplier=locked, actor=actor)
        supplier_require_not_suspended(supplier=locked, actor=actor)
        if SupplierMember.objects.filter(supplier=locked, user__email__iexact=email).exists():
            raise ValidationError({"email": ValidationError(
                _("This person is already a member of the team."), code=Code.ALREADY_MEMBER.value
            )})
        pending = (
            SupplierInvitation.objects.filter(
                supplier=locked, email__iexact=email, accepted_at__isnull=True,
                expires_at__gt=timezone.now(),
            ).order_by("-created_at").first()
        )
        if pending is not None:
            return pending
        invitation = SupplierInvitation.objects.create(
            supplier=locked, email=email, token=secrets.token_urlsafe(32), invited_by=actor,
            expires_at=timezone.now() + timedelta(days=settings.SUPPLIER_INVITATION_DAYS),
        )
        event = audit_record(
            actor=actor, instance=locked, action="supplier.invite",
            changes={"invitation": [None, invitation.pk], "email": [None, email]},
        )
        notify_after_commit(supplier_id=locked.pk, action="supplier.invite", audit_event_id=event.pk)
    return invitation


@transaction.atomic
def supplier_invitation_revoke(*, invitation: SupplierInvitation, actor: Any) -> None:
    """Withdraw a pending invitation: its link stops working."""
    locked = SupplierInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if locked is None:
        return  # already revoked: a repeated click changes nothing
    _require_owner(supplier=locked.supplier, actor=actor)
    if locked.accepted_at:
        raise ValidationError(_("This invitation has already been used."), code=Code.INVITATION_USED.value)
    audit_record(
        actor=actor, instance=locked.supplier, action="supplier.invitation_revoke",
        changes={"email": [locked.email, None]},
    )
    locked.delete()


def supplier_invitation_accept(
    *, token: str, user: Any = None, email: str = "", password: str = "", actor: Any = None
) -> SupplierMember:
    """Join the team the invitation is for, as a member.

    ``user``: a logged-in user whose e-mail is the invited one; otherwise an account is
    created from ``email`` (which must be the invited one) and ``password``.
    """
    User = get_user_model()
    with transaction.atomic():
        invitation = (
            SupplierInvitation.objects.select_for_update().select_related("supplier")
            .filter(token=token).first()
        )
        if invitation is None:
            raise ValidationError(_("This invitation link is not valid."), code=Code.NOT_FOUND.value)
        problem = invitation_problem(invitation)
        if problem is not None:
            raise problem
        supplier_require_not_suspended(supplier=invitation.supplier_id)
        if user is not None and getattr(user, "is_authenticated", False):
            if not _same_email(user.email, invitation.email):
                raise ValidationError(_(
                    "This invitation was sent to another e-mail address. "
                    "Log in with the address it was sent to."
                ), code=Code.EMAIL_MISMATCH.value)
        else:
            if not _same_email(email, invitation.email):
                raise ValidationError({"email": ValidationError(
                    _("Use the e-mail address the invitation was sent to."),
                    code=Code.EMAIL_MISMATCH.value,
                )})
            if User._default_manager.filter(email__iexact=invitation.email).exists():
                raise ValidationError({"email": ValidationError(
                    _("This e-mail address already has an account: log in first, then accept."),
                    code=Code.EMAIL_TAKEN.value,
                )})
            try:
                password_validation.validate_password(
                    password or "", user=User(email=invitation.email, username=invitation.email)
                )
            except ValidationError as exc:
                raise ValidationError({"password": [
                    ValidationError(m, code=Code.INVALID_PASSWORD.value) for m in exc.messages
                ]}) from None
            try:
                with transaction.atomic():
                    user = User._default_manager.create_user(
                        username=username_for_email(invitation.email), email=invitation.email,
                        password=password,
                    )
            except IntegrityError:
                raise ValidationError({"email": ValidationError(
                    _("This e-mail address already has an account: log in first, then accept."),
                    code=Code.EMAIL_TAKEN.value,
                )}) from None
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
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
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


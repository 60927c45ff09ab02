"""Invitations by e-mail, shared by buyer organizations (``shop.accounts.services_members``) and
suppliers' teams (``suppliers.services.team``): the address, the token, the expiry, the pending
invitation a double click reuses, the checks when a link is accepted (by a logged-in user
or by a new account, whose e-mail must be the invited one), the revocation and the link.

What differs stays with each side: who may invite (an organization's administrator, a
supplier's owner), the role, the membership an accepted invitation makes and the e-mail's
wording. An invitation model here is a subclass of ``shop.accounts.models.Invitation``
(``BuyerInvitation``, ``SupplierInvitation``).

This module is below the domain apps: it imports no app but ``shop.accounts`` and
``shop.common`` (``suppliers`` imports it, not the other way round).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.accounts.errors import AccountErrorCode as Code
from shop.accounts.models import Invitation
from shop.accounts.selectors import username_for_email
from shop.common.audit import audit_record
from shop.common.links import absolute_url

TOKEN_BYTES = 32  # 43 URL-safe characters, within the 64 the token columns hold


InvitationT = TypeVar("InvitationT", bound=Invitation)


def same_email(a: str, b: str) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def invitation_email_clean(email: str) -> str:
    """The normalized address to invite; a ``ValidationError`` on ``email`` when it is not one."""
    email = BaseUserManager.normalize_email((email or "").strip())
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": ValidationError(_("Enter a valid e-mail address."), code=Code.INVALID.value)}
        ) from None
    return email


def invitation_pending(invitations: QuerySet[InvitationT], *, email: str) -> InvitationT | None:
    """The newest invitation of ``email`` among ``invitations`` that can still be accepted:
    inviting the same address again (a double click) reuses it and sends no second e-mail."""
    return invitations.filter(
        email__iexact=email, accepted_at__isnull=True, expires_at__gt=timezone.now(),
    ).order_by("-created_at").first()


def invitation_create(model: type[InvitationT], *, email: str, days: int, actor: Any, **fields: Any) -> InvitationT:
    """A new invitation with a fresh single-use token, valid for ``days`` days."""
    return model._default_manager.create(
        email=email, token=secrets.token_urlsafe(TOKEN_BYTES), invited_by=actor,
        expires_at=timezone.now() + timedelta(days=days), **fields,
    )


def invitation_problem(invitation: Invitation, *, expired_message: str) -> ValidationError | None:
    """Why this invitation can no longer be accepted (None when it can)."""
    if invitation.accepted_at:
        return ValidationError(_("This invitation has already been used."), code=Code.INVITATION_USED.value)
    if invitation.expires_at <= timezone.now():
        return ValidationError(expired_message, code=Code.INVITATION_EXPIRED.value)
    return None


def invitation_lock_open(
    invitations: QuerySet[InvitationT], *, token: str, expired_message: str,
) -> InvitationT:
    """The invitation of ``token``, locked (in the caller's transaction), when it can still be
    accepted; otherwise the ``ValidationError`` that says why."""
    invitation = invitations.select_for_update().filter(token=token).first()
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."), code=Code.NOT_FOUND.value)
    problem = invitation_problem(invitation, expired_message=expired_message)
    if problem is not None:
        raise problem
    return invitation


def invitation_revoke(
    invitations: QuerySet[InvitationT], *, pk: Any, actor: Any, audit_action: str,
    group_of: Callable[[InvitationT], Any], require: Callable[[Any], object],
) -> None:
    """Withdraw a pending invitation (its link stops working), audited on its group (the
    organization or supplier) as ``audit_action``. ``require(group)`` raises when ``actor``
    may not manage it. Already gone: nothing happens (a repeated click changes nothing); an
    accepted invitation cannot be withdrawn."""
    with transaction.atomic():
        locked = invitations.select_for_update().filter(pk=pk).first()
        if locked is None:
            return
        group = group_of(locked)
        require(group)
        if locked.accepted_at:
            raise ValidationError(_("This invitation has already been used."), code=Code.INVITATION_USED.value)
        audit_record(
            actor=actor, instance=group, action=audit_action,
            changes={"email": [locked.email, None]},
        )
        locked.delete()


def invitation_user(
    invitation: Invitation, *, user: Any = None, email: str = "", password: str = "", display_name: str = "",
) -> Any:
    """The account that accepts: ``user`` when logged in (its e-mail must be the invited
    one), otherwise a new account for the invited address made from ``email`` (which must be
    the invited one), ``password`` and ``display_name``."""
    if user is not None and getattr(user, "is_authenticated", False):
        if not same_email(user.email, invitation.email):
            raise ValidationError(_(
                "This invitation was sent to another e-mail address. Log in with the address it was sent to."
            ), code=Code.EMAIL_MISMATCH.value)
        return user
    return _create_invited_user(invitation, email=email, password=password, display_name=display_name)


def _create_invited_user(invitation: Invitation, *, email: str, password: str, display_name: str) -> Any:
    User = get_user_model()
    if not same_email(email, invitation.email):
        raise ValidationError({"email": ValidationError(
            _("Use the e-mail address the invitation was sent to."), code=Code.EMAIL_MISMATCH.value
        )})
    taken = ValidationError({"email": ValidationError(
        _("This e-mail address already has an account: log in first, then accept."),
        code=Code.EMAIL_TAKEN.value,
    )})
    if User._default_manager.filter(email__iexact=invitation.email).exists():
        raise taken
    display_name = (display_name or "").strip()[:64]
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
                display_name=display_name,
            )
    except IntegrityError:
        raise taken from None


def invitation_mark_accepted(invitation: InvitationT, *, user: Any) -> InvitationT:
    """The link is used: it cannot be accepted again."""
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return invitation


def invitation_url(route: str, invitation: Invitation) -> str:
    """The absolute link of the invitation (``route`` is the URL name of its page)."""
    return absolute_url(reverse(route, args=[invitation.token]))


__all__ = [
    "invitation_create", "invitation_email_clean", "invitation_lock_open", "invitation_revoke",
    "invitation_mark_accepted", "invitation_pending", "invitation_problem", "invitation_url",
    "invitation_user", "same_email",
]

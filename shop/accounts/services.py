"""Write actions on buyer organizations: registration, staff verification, invoice details
and delivery addresses. Members and invitations are in ``shop.accounts.services_members``.

Staff verify an organization before its members may buy for it, and may suspend it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.accounts.errors import AccountErrorCode as Code
from shop.accounts.guards import organization_require_not_suspended
from shop.accounts.invoice_profile import invoice_profile_clean
from shop.accounts.models import (
    BuyerInvitation,
    BuyerOrganization,
    DeliveryAddress,
    MemberRole,
    Membership,
    OrganizationStatus,
    OrganizationType,
    User,
)
from shop.accounts.selectors import username_for_email
from shop.accounts.validators import normalise_mobile, normalise_phone, normalise_tax_number
from shop.common.audit import audit_record
from shop.common.outbox import enqueue_on_commit

OS = OrganizationStatus
ORGANIZATION_TRANSITIONS: dict[str, set[str]] = {
    OS.PENDING: {OS.VERIFIED, OS.SUSPENDED},
    OS.VERIFIED: {OS.SUSPENDED},
    OS.SUSPENDED: {OS.VERIFIED},
}


@transaction.atomic
def organization_set_status(
    *, organization: BuyerOrganization, status: str, actor: Any = None
) -> BuyerOrganization:
    """Locks the row so two staff acting at once cannot both apply a transition."""
    locked = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
    if status == locked.status:
        return locked  # idempotent: a repeated click changes nothing
    if status not in ORGANIZATION_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("An organization cannot go from “%(old)s” to “%(new)s”.")
            % {"old": OS(locked.status).label, "new": OS(status).label},
            code=Code.INVALID_TRANSITION.value,
        )
    old = locked.status
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    action: dict[str, str] = {OS.VERIFIED: "buyer_organization.verify", OS.SUSPENDED: "buyer_organization.suspend"}
    audit_record(
        actor=actor, instance=locked, action=action.get(status, "buyer_organization.status"),
        changes={"status": [old, status]},
    )
    return locked


def organization_verify(*, organization: BuyerOrganization, actor: Any = None) -> BuyerOrganization:
    return organization_set_status(organization=organization, status=OS.VERIFIED, actor=actor)


def organization_suspend(*, organization: BuyerOrganization, actor: Any = None) -> BuyerOrganization:
    return organization_set_status(organization=organization, status=OS.SUSPENDED, actor=actor)


# --- Registration -------------------------------------------------------------------------


def _error(field: str, message: str, code: Code) -> ValidationError:
    return ValidationError(message, code=code.value)


def _collect(errors: dict[str, list[ValidationError]], field: str, check: Any, *args: Any) -> Any:
    """Run ``check(*args)``; on a ValidationError file its messages under ``field``."""
    try:
        return check(*args)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.error_list)
        return None


def _required(errors: dict[str, list[ValidationError]], data: dict[str, str], *fields: str) -> None:
    for name in fields:
        if not (data.get(name) or "").strip():
            errors.setdefault(name, []).append(_error(name, _("This field is required."), Code.REQUIRED))


def _unique_slug() -> str:
    while True:
        slug = f"org-{secrets.token_hex(5)}"
        if not BuyerOrganization.objects.filter(slug=slug).exists():
            return slug


def group_choices() -> Any:
    """Streets and departments a new organization may sit under."""
    return BuyerOrganization.objects.filter(is_group=True).exclude(status=OS.SUSPENDED).order_by("name")


@dataclass(frozen=True)
class AddressData:
    label: str
    recipient: str
    phone: str
    address: str


def _clean_address(errors: dict[str, list[ValidationError]], data: AddressData, prefix: str = "") -> AddressData:
    raw = {f"{prefix}label": data.label, f"{prefix}recipient": data.recipient,
           f"{prefix}phone": data.phone, f"{prefix}address": data.address}
    _required(errors, raw, *raw)
    phone = _collect(errors, f"{prefix}phone", normalise_phone, data.phone)
    return AddressData(
        label=(data.label or "").strip()[:64], recipient=(data.recipient or "").strip()[:64],
        phone=phone or "", address=(data.address or "").strip()[:255],
    )


def _check_new_account(
    errors: dict[str, list[ValidationError]], *, email: str, display_name: str, phone: str,
    password: str,
) -> tuple[str, str]:
    """The account fields of a registrant who is not logged in, checked into ``errors``;
    returns the normalised e-mail address and mobile number."""
    email = BaseUserManager.normalize_email((email or "").strip())
    _required(errors, {"email": email, "display_name": display_name, "phone": phone, "password": password},
              "email", "display_name", "phone", "password")
    if email:
        _collect(errors, "email", validate_email, email)
    phone = _collect(errors, "phone", normalise_mobile, phone) or ""
    if password:
        candidate = User(email=email, username=email, phone=phone or None, display_name=display_name)
        try:
            password_validation.validate_password(password, user=candidate)
        except ValidationError as exc:
            errors.setdefault("password", []).extend(
                ValidationError(m, code=Code.INVALID_PASSWORD.value) for m in exc.messages
            )
    return email, phone


def organization_register(
    *, name: str, org_type: str, parent_id: object = None, invoice_title: str, tax_number: str,
    contact_phone: str, address: AddressData, user: Any = None, email: str = "",
    display_name: str = "", phone: str = "", password: str = "",
) -> Membership | None:
    """Register a buyer organization (PENDING until staff verify it) with its first delivery
    address, and make the registrant its administrator.

    ``user``: a logged-in person registering another organization; otherwise an account is
    created from ``email``, ``display_name``, ``phone`` and ``password`` — unless the address
    already has one: then ``None`` is returned and the address is e-mailed an administrator
    invitation (``_claim_invitation``); the caller must answer both cases alike. Everything is
    checked first and written in one transaction: on any error nothing is written, and all
    field errors come back at once.
    """
    errors: dict[str, list[ValidationError]] = {}
    name = (name or "").strip()
    _required(errors, {"name": name, "invoice_title": invoice_title, "tax_number": tax_number,
                       "contact_phone": contact_phone}, "name", "invoice_title", "tax_number", "contact_phone")
    if name and BuyerOrganization.objects.filter(name__iexact=name).exists():
        errors.setdefault("name", []).append(_error(
            "name", _("An organization with this name is already registered."), Code.DUPLICATE
        ))
    if org_type not in OrganizationType.values:
        errors.setdefault("org_type", []).append(_error("org_type", _("Choose a type."), Code.INVALID))
    parent = None
    if parent_id not in (None, ""):
        parent = group_choices().filter(pk=int(str(parent_id)) if str(parent_id).isdigit() else 0).first()
        if parent is None:
            errors.setdefault("parent", []).append(_error(
                "parent", _("Choose a street or department from the list."), Code.INVALID_PARENT
            ))
    tax = _collect(errors, "tax_number", normalise_tax_number, tax_number) or ""
    contact = _collect(errors, "contact_phone", normalise_phone, contact_phone) or ""
    first_address = _clean_address(errors, address, prefix="address_")
    anonymous = user is None or not getattr(user, "is_authenticated", False)
    if anonymous:
        email, phone = _check_new_account(
            errors, email=email, display_name=display_name, phone=phone, password=password
        )
    if errors:
        raise ValidationError(errors)
    claim = anonymous and User._default_manager.filter(email__iexact=email).exists()
    try:
        with transaction.atomic():
            if claim:
                user = None
                make_password(password)  # the same work as a new account's
            elif anonymous:
                # A mobile number another account uses is not said so: it is left off.
                free_phone = phone if not User._default_manager.filter(phone=phone).exists() else None
                user = User._default_manager.create_user(
                    username=username_for_email(email), email=email, password=password,
                    phone=free_phone, display_name=(display_name or "").strip()[:64],
                )
            organization = BuyerOrganization.objects.create(
                name=name[:128], slug=_unique_slug(), org_type=org_type, parent=parent,
                invoice_title=(invoice_title or "").strip()[:128], tax_number=tax,
                contact_phone=contact, status=OS.PENDING,
            )
            DeliveryAddress.objects.create(
                organization=organization, label=first_address.label, recipient=first_address.recipient,
                phone=first_address.phone, address=first_address.address, is_default=True,
            )
            if user is None:
                _claim_invitation(organization=organization, email=email)
                return None
            membership = Membership.objects.create(user=user, organization=organization, role=MemberRole.ADMIN)
            audit_record(
                actor=user, instance=organization, action="buyer_organization.register",
                changes={"name": [None, organization.name], "admin": [None, user.email]},
            )
    except IntegrityError:
        # Two identical registrations at once: the database's unique constraints decide.
        raise ValidationError({"name": ValidationError(
            _("An organization with this name or an account with this e-mail address is already registered."),
            code=Code.DUPLICATE.value,
        )}) from None
    return membership


def _claim_invitation(*, organization: BuyerOrganization, email: str) -> None:
    """Registered, not logged in, with the address of an existing account: nobody becomes
    administrator; the address is e-mailed an administrator invitation that its account's
    holder accepts once logged in. The caller is told the same as for a new account, so the
    form reveals nothing about which addresses have accounts."""
    invitation = BuyerInvitation.objects.create(
        organization=organization, email=email, role=MemberRole.ADMIN, token=secrets.token_urlsafe(32),
        invited_by=None, expires_at=timezone.now() + timedelta(days=int(getattr(settings, "BUYER_INVITATION_DAYS", 7))),
    )
    audit_record(
        actor=None, instance=organization, action="buyer_organization.register",
        changes={"name": [None, organization.name], "admin_invitation": [None, email]},
    )
    enqueue_on_commit("shop.accounts.tasks.invitation_send", invitation.pk)
    return None


# --- Invoice details and addresses (organization administrators) ---------------------------


def require_admin(*, organization: BuyerOrganization, actor: Any) -> Membership:
    """The actor's ADMIN membership of ``organization``, or a permission error."""
    membership = None
    if getattr(actor, "is_authenticated", False):
        membership = Membership.objects.filter(
            organization=organization, user=actor, role=MemberRole.ADMIN
        ).first()
    if membership is None:
        raise ValidationError(
            _("Only an administrator of the organization can do this."), code=Code.FORBIDDEN.value
        )
    organization_require_not_suspended(organization=organization)
    return membership


@transaction.atomic
def organization_invoice_update(
    *, organization: BuyerOrganization, actor: Any, invoice_title: str, tax_number: str,
    contact_phone: str | None = None, invoice_type: str | None = None,
    invoice_address_phone: str | None = None, invoice_bank_account: str | None = None,
    invoice_email: str | None = None,
) -> BuyerOrganization:
    """An administrator changes the organization's invoice profile (what checkout proposes).
    A keyword left ``None`` keeps the stored value (checkout's "save as the default" does not
    send the contact phone). Every field's error comes back at once."""
    locked = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
    require_admin(organization=locked, actor=actor)
    keep = {"contact_phone": contact_phone, "invoice_type": invoice_type,
            "invoice_address_phone": invoice_address_phone, "invoice_bank_account": invoice_bank_account,
            "invoice_email": invoice_email}
    given = {name: (getattr(locked, name) if value is None else value) for name, value in keep.items()}
    errors: dict[str, list[ValidationError]] = {}
    _required(errors, {"invoice_title": invoice_title, "tax_number": tax_number}, "invoice_title", "tax_number")
    if contact_phone is not None:  # the account page sends it and needs it
        _required(errors, {"contact_phone": contact_phone}, "contact_phone")
    contact = _collect(errors, "contact_phone", normalise_phone, given["contact_phone"]) or ""
    profile: dict[str, str] = {}
    try:
        profile = invoice_profile_clean(
            invoice_type=given["invoice_type"], invoice_title=invoice_title, tax_number=tax_number,
            invoice_address_phone=given["invoice_address_phone"],
            invoice_bank_account=given["invoice_bank_account"], invoice_email=given["invoice_email"],
        )
    except ValidationError as exc:
        for name, field_errors in exc.error_dict.items():
            if name not in errors:
                errors[name] = list(field_errors)
    if errors:
        raise ValidationError(errors)
    new = {**profile, "contact_phone": contact}
    changes = {k: [getattr(locked, k), v] for k, v in new.items() if getattr(locked, k) != v}
    if not changes:
        return locked
    for field, (_old, value) in changes.items():
        setattr(locked, field, value)
    locked.save(update_fields=[*changes, "updated_at"])
    audit_record(actor=actor, instance=locked, action="buyer_organization.invoice_update", changes=changes)
    return locked


def _make_default(organization_id: int, address_id: int) -> None:
    DeliveryAddress.objects.filter(organization_id=organization_id).exclude(pk=address_id).filter(
        is_default=True
    ).update(is_default=False)
    DeliveryAddress.objects.filter(pk=address_id).update(is_default=True)


@transaction.atomic
def address_save(
    *, organization: BuyerOrganization, actor: Any, data: AddressData, is_default: bool = False,
    address: DeliveryAddress | None = None,
) -> DeliveryAddress:
    """Add (``address`` None) or edit one of the organization's delivery addresses. The first
    address is the default; choosing another as default unsets the previous one."""
    locked_org = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
    require_admin(organization=locked_org, actor=actor)
    if address is not None and address.organization_id != locked_org.pk:
        raise ValidationError(_("This address does not exist."), code=Code.NOT_FOUND.value)
    errors: dict[str, list[ValidationError]] = {}
    clean = _clean_address(errors, data)
    if errors:
        raise ValidationError(errors)
    target = address or DeliveryAddress(organization=locked_org)
    target.label, target.recipient, target.phone, target.address = (
        clean.label, clean.recipient, clean.phone, clean.address
    )
    first = not DeliveryAddress.objects.filter(organization=locked_org).exclude(pk=target.pk).exists()
    target.is_default = target.is_default or is_default or first
    target.save()
    if target.is_default:
        _make_default(locked_org.pk, target.pk)
    audit_record(
        actor=actor, instance=locked_org,
        action="buyer_organization.address_add" if address is None else "buyer_organization.address_edit",
        changes={"address": [None, f"{clean.label}: {clean.address}"]},
    )
    return target


@transaction.atomic
def address_set_default(*, address: DeliveryAddress, actor: Any) -> DeliveryAddress:
    locked_org = BuyerOrganization.objects.select_for_update().get(pk=address.organization_id)
    require_admin(organization=locked_org, actor=actor)
    _make_default(locked_org.pk, address.pk)
    address.is_default = True
    return address


@transaction.atomic
def address_delete(*, address: DeliveryAddress, actor: Any) -> None:
    """Orders keep a copy of the address, so deleting it does not change past orders. When
    the default goes, the oldest remaining address becomes the default."""
    locked_org = BuyerOrganization.objects.select_for_update().get(pk=address.organization_id)
    require_admin(organization=locked_org, actor=actor)
    row = DeliveryAddress.objects.filter(pk=address.pk, organization=locked_org).first()
    if row is None:
        return  # already deleted: a repeated click changes nothing
    row.delete()
    if row.is_default:
        successor = DeliveryAddress.objects.filter(organization=locked_org).order_by("pk").first()
        if successor is not None:
            _make_default(locked_org.pk, successor.pk)
    audit_record(
        actor=actor, instance=locked_org, action="buyer_organization.address_delete",
        changes={"address": [f"{row.label}: {row.address}", None]},
    )

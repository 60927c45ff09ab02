"""Reads of memberships: which organization a member acts for, and with what role; the
username a new account gets."""

import secrets
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from shop.accounts.choices import InvoiceType
from shop.accounts.models import BuyerOrganization, MemberRole, Membership, OrganizationStatus, User

ORDERING_ROLES = frozenset({MemberRole.PURCHASER, MemberRole.APPROVER, MemberRole.ADMIN})
APPROVING_ROLES = frozenset({MemberRole.APPROVER, MemberRole.ADMIN})


def memberships_of(*, user: User | AnonymousUser) -> QuerySet[Membership]:
    """The user's memberships of verified organizations, oldest first."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.filter(user=user, organization__status=OrganizationStatus.VERIFIED)
        .select_related("organization")
        .order_by("id")
    )


def membership_for(*, user: User | AnonymousUser, organization_id: object = None) -> Membership | None:
    """The membership through which ``user`` acts for ``organization_id`` (or, when it is
    ``None``, for the user's first verified organization). ``None`` when there is none: the
    caller answers with a permission error and never reveals whether the organization exists."""
    qs = memberships_of(user=user)
    if organization_id is not None:
        try:
            pk = int(str(organization_id))
        except (TypeError, ValueError):
            return None
        qs = qs.filter(organization_id=pk)
    return qs.first()


def organization_for_member(*, user: User | AnonymousUser, organization_id: object = None) -> BuyerOrganization | None:
    membership = membership_for(user=user, organization_id=organization_id)
    return membership.organization if membership else None


def username_for_email(email: str) -> str:
    """The e-mail as username when it fits and is free (logins use the e-mail anyway)."""
    candidate = email.lower()
    if len(candidate) <= 150 and not User._default_manager.filter(username=candidate).exists():
        return candidate
    return f"user-{secrets.token_hex(8)}"


def invoice_profile_initial(*, organization: BuyerOrganization) -> dict[str, Any]:
    """What checkout proposes: the organization's invoice profile, its name as the title when
    none is stored."""
    return {
        "invoice_type": organization.invoice_type or InvoiceType.NORMAL,
        "invoice_title": organization.invoice_title or organization.name,
        "tax_number": organization.tax_number,
        "invoice_address_phone": organization.invoice_address_phone,
        "invoice_bank_account": organization.invoice_bank_account,
        "invoice_email": organization.invoice_email,
    }

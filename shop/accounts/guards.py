"""The one rule for writes made by a member on behalf of a buyer organization.

Buying (cart, checkout, approving, paying, accepting) needs a *verified* organization; the
services read the membership and the organization's status from the database on every call
(``membership_for`` filters on the status), so a suspension stops an existing session's very
next request. Managing the organization (members, invitations, addresses, invoice details)
is refused once it is suspended; an organization still pending verification may prepare them
(its administrator invites colleagues and enters addresses before staff verify it). Reads:
the order pages list only verified organizations' orders (``memberships_of``), so a
suspended organization's orders are hidden from its members until the suspension is lifted
(staff still see them).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shop.accounts.models import BuyerOrganization, Membership, OrganizationStatus
from shop.accounts.selectors import ORDERING_ROLES

NOT_VERIFIED_CODE = "organization_not_verified"
SUSPENDED_CODE = "organization_suspended"


def _status_now(organization_id: int) -> str | None:
    return BuyerOrganization.objects.filter(pk=organization_id).values_list("status", flat=True).first()


def member_require_ordering(*, user: Any, organization: BuyerOrganization | int) -> None:
    """Refuse unless ``user`` has an ordering role in ``organization`` and it is verified now."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    membership = (
        Membership.objects.filter(user_id=user.pk, organization_id=organization_id)
        .select_related("organization").only("role", "organization__status").first()
        if getattr(user, "is_authenticated", False) else None
    )
    if membership is None or membership.role not in ORDERING_ROLES:
        raise ValidationError(
            _("You are not a member of a verified buyer organization that may order."),
            code="permission_denied",
        )
    if membership.organization.status != OrganizationStatus.VERIFIED:
        raise ValidationError(organization_refusal_message(membership.organization.status), code=NOT_VERIFIED_CODE)


def organization_refusal_message(status: str | None) -> str:
    if status == OrganizationStatus.SUSPENDED:
        return _(
            "Your organization is suspended by the platform: it cannot order, pay, accept deliveries "
            "or change its members and addresses until the suspension is lifted."
        )
    return _("Your organization is waiting for verification by the platform; it cannot order yet.")


def organization_require_not_suspended(*, organization: BuyerOrganization | int) -> None:
    """For managing members, invitations, addresses and invoice details."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    status = _status_now(organization_id)
    if status in (OrganizationStatus.SUSPENDED, None):
        raise ValidationError(organization_refusal_message(status), code=SUSPENDED_CODE)

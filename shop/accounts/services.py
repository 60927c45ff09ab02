"""Write actions on buyer organizations. Staff verify an organization before its members
may buy for it, and may suspend it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shop.accounts.models import BuyerOrganization, OrganizationStatus

OS = OrganizationStatus
ORGANIZATION_TRANSITIONS: dict[str, set[str]] = {
    OS.PENDING: {OS.VERIFIED, OS.SUSPENDED},
    OS.VERIFIED: {OS.SUSPENDED},
    OS.SUSPENDED: {OS.VERIFIED},
}


@transaction.atomic
def organization_set_status(*, organization: BuyerOrganization, status: str) -> BuyerOrganization:
    """Locks the row so two staff acting at once cannot both apply a transition."""
    locked = BuyerOrganization.objects.select_for_update().get(pk=organization.pk)
    if status == locked.status:
        return locked  # idempotent: a repeated click changes nothing
    if status not in ORGANIZATION_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("An organization cannot go from “%(old)s” to “%(new)s”.")
            % {"old": OS(locked.status).label, "new": OS(status).label},
            code="invalid_transition",
        )
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    return locked


def organization_verify(*, organization: BuyerOrganization) -> BuyerOrganization:
    return organization_set_status(organization=organization, status=OS.VERIFIED)


def organization_suspend(*, organization: BuyerOrganization) -> BuyerOrganization:
    return organization_set_status(organization=organization, status=OS.SUSPENDED)

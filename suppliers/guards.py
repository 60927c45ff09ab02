"""The one rule for writes made on behalf of a supplier: only an approved supplier changes
its listings (products, variants, prices, stock, photos) and its team.

Every supplier write service calls :func:`supplier_require_active` inside its transaction,
after locking the rows it changes, so the status is read from the database on every request
(never from a session or an object loaded earlier). A suspended supplier's portal stays
readable, and its orders in progress stay: confirming and shipping paid orders is allowed
(``orders.services.fulfilment`` does not call this guard) so buyers still get their goods.

Platform staff acting in the admin are not refused: suspension is their decision, and they
may still correct a suspended supplier's listings.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from suppliers.models import Supplier, SupplierStatus

# The code the catalog mutations already answer for a supplier under admission; a suspended
# supplier is "not approved" too, with its own message.
NOT_APPROVED_CODE = "supplier_not_approved"


def supplier_status_now(*, supplier_id: int) -> str | None:
    """The supplier's status as the database has it now."""
    return Supplier.objects.filter(pk=supplier_id).values_list("status", flat=True).first()


def supplier_refusal(*, status: str | None) -> ValidationError:
    if status == SupplierStatus.SUSPENDED:
        message = _(
            "Your supplier account is suspended by the platform: listings, prices, stock, photos "
            "and the team cannot be changed. Orders already paid can still be confirmed and shipped."
        )
    else:
        message = _("Your supplier account is not approved yet.")
    return ValidationError(message, code=NOT_APPROVED_CODE)


def supplier_require_active(*, supplier: Supplier | int, actor: Any = None) -> None:
    """Refuse (``supplier_not_approved``) unless the supplier is approved right now.
    ``actor``: platform staff are not refused."""
    if getattr(actor, "is_staff", False):
        return
    supplier_id = supplier if isinstance(supplier, int) else supplier.pk
    status = supplier_status_now(supplier_id=supplier_id)
    if status != SupplierStatus.APPROVED:
        raise supplier_refusal(status=status)


def supplier_require_not_suspended(*, supplier: Supplier | int, actor: Any = None) -> None:
    """For the team: a supplier under admission builds its team; a suspended (or rejected)
    one cannot add members."""
    if getattr(actor, "is_staff", False):
        return
    supplier_id = supplier if isinstance(supplier, int) else supplier.pk
    status = supplier_status_now(supplier_id=supplier_id)
    if status in (SupplierStatus.SUSPENDED, SupplierStatus.REJECTED, None):
        raise supplier_refusal(status=status)

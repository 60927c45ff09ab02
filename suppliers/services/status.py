"""A supplier's status. Every status change goes through ``supplier_set_status``, which
checks the allowed transitions in one place, records an audit row and e-mails the applicant
after commit."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.common.audit import audit_record, diff, snapshot
from shop.common.listing_version import listings_changed
from suppliers.errors import SupplierErrorCode
from suppliers.models import Supplier, SupplierStatus
from suppliers.notifications import notify_after_commit

S = SupplierStatus
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    S.APPLIED: {S.RECOMMENDED, S.REJECTED},
    S.RECOMMENDED: {S.APPROVED, S.REJECTED},
    S.APPROVED: {S.SUSPENDED},
    S.SUSPENDED: {S.APPROVED},
    S.REJECTED: set(),
}
NEEDS_REASON = {S.REJECTED, S.SUSPENDED}
STATUS_ACTIONS: dict[str, str] = {
    S.RECOMMENDED: "supplier.recommend",
    S.APPROVED: "supplier.approve",
    S.REJECTED: "supplier.reject",
    S.SUSPENDED: "supplier.suspend",
}


@transaction.atomic
def supplier_set_status(
    *, supplier: Supplier, status: str, reason: str = "", actor: Any = None
) -> Supplier:
    """Move a supplier along its admission pipeline. Locks the row so that two staff
    clicking at once cannot both apply a transition."""
    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if status == locked.status:
        return locked  # idempotent: a repeated click changes nothing
    if status not in ALLOWED_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("A supplier cannot go from “%(old)s” to “%(new)s”.")
            % {"old": S(locked.status).label, "new": S(status).label},
            code=SupplierErrorCode.INVALID_TRANSITION.value,
        )
    reason = (reason or "").strip()
    if status in NEEDS_REASON and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason."), code=SupplierErrorCode.REASON_REQUIRED.value)}
        )
    action = (
        "supplier.reinstate"
        if locked.status == S.SUSPENDED and status == S.APPROVED
        else STATUS_ACTIONS[status]
    )
    before = snapshot(locked, ["status", "status_reason"])
    locked.status = status
    locked.status_reason = reason[:255]
    locked.status_changed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    listings_changed()
    _sync_listing_visibility(supplier=locked)
    event = audit_record(
        actor=actor, instance=locked, action=action, changes=diff(before, locked), reason=reason
    )
    notify_after_commit(supplier_id=locked.pk, action=action, audit_event_id=event.pk)
    return locked


@transaction.atomic
def supplier_reinstate(*, supplier: Supplier, actor: Any = None) -> Supplier:
    """Lifts a suspension only; approving an application is a separate step."""
    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if locked.status != S.SUSPENDED:
        raise ValidationError(
            _("Only a suspended supplier can be reinstated."),
            code=SupplierErrorCode.INVALID_TRANSITION.value,
        )
    return supplier_set_status(supplier=locked, status=S.APPROVED, actor=actor)


def _sync_listing_visibility(*, supplier: Supplier) -> int:
    """Listings follow their supplier at once, in the same transaction. The rule and the
    stored ``Product.is_visible`` are the catalog's (``ProductQuerySet.refresh_visibility``),
    reached through the reverse relation because suppliers must not import catalog."""
    return supplier.products.all().refresh_visibility()


def supplier_recommend(*, supplier: Supplier, actor: Any = None, reason: str = "") -> Supplier:
    """The county recommends the application; ``reason`` is an optional comment."""
    return supplier_set_status(supplier=supplier, status=S.RECOMMENDED, reason=reason, actor=actor)


def supplier_approve(*, supplier: Supplier, actor: Any = None) -> Supplier:
    """Only a supplier its county recommended can be approved (or a suspended one
    reinstated, which ``supplier_reinstate`` says more clearly)."""
    return supplier_set_status(supplier=supplier, status=S.APPROVED, actor=actor)


def supplier_reject(*, supplier: Supplier, reason: str, actor: Any = None) -> Supplier:
    return supplier_set_status(supplier=supplier, status=S.REJECTED, reason=reason, actor=actor)


def supplier_suspend(*, supplier: Supplier, reason: str, actor: Any = None) -> Supplier:
    """A suspended supplier's listings leave the storefront at once (their stored
    ``Product.is_visible`` is refreshed in the same transaction); orders in progress are
    untouched."""
    return supplier_set_status(supplier=supplier, status=S.SUSPENDED, reason=reason, actor=actor)


__all__ = [
    "ALLOWED_TRANSITIONS", "supplier_approve", "supplier_recommend", "supplier_reinstate",
    "supplier_reject", "supplier_set_status", "supplier_suspend",
]


"""Fulfilment: a supplier confirms and ships its part of a paid order; the buyer accepts
the delivery (验收), or it is accepted automatically after ``ORDER_AUTO_ACCEPT_DAYS``.

Every action is one transaction that locks the order first (``order_lock``), then the
fulfilment(s) in primary-key order, then - when shipping - the variants in primary-key
order: the same order as placement, cancellation and refunds, so two of them never wait on
each other in a cycle. Repeating an action that already happened changes nothing and
writes no second event (a double click, a retried request or task).

Stock: placement moved the units from ``ProductVariant.stock`` to ``reserved``; shipping
takes them out of ``reserved`` (they have left the warehouse). ``stock`` is not touched.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProductVariant
from orders.errors import OrderErrorCode
from orders.models import Fulfilment, FulfilmentStatus, Order, OrderEventKind, OrderStatus
from orders.services.ledger import tally_record_accepted
from orders.services.product_stats import product_stats_rating
from orders.services.status import order_event_record, order_lock, order_transition
from shop.accounts.models import User
from shop.accounts.selectors import membership_for
from suppliers.models import SupplierMember

E = OrderErrorCode
FS = FulfilmentStatus

CARRIER_MAX = cast(int, Fulfilment._meta.get_field("carrier").max_length)  # CharField: set
TRACKING_MAX = cast(int, Fulfilment._meta.get_field("tracking_number").max_length)
COMMENT_MAX = cast(int, Fulfilment._meta.get_field("comment").max_length)


# --- checks -------------------------------------------------------------------------------

def _field_error(field: str, message: str, code: E) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def is_supplier_member(*, user: User, supplier_id: int) -> bool:
    """Whether ``user`` works for the supplier (any role)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return SupplierMember.objects.filter(user=user, supplier_id=supplier_id).exists()


def _check_supplier(actor: User, fulfilment: Fulfilment) -> None:
    if not is_supplier_member(user=actor, supplier_id=fulfilment.supplier_id):
        raise ValidationError(
            _("Only the supplier of this part of the order can do this."), code=E.PERMISSION_DENIED.value
        )


def _check_buyer(actor: User, order: Order) -> None:
    if membership_for(user=actor, organization_id=order.organization_id) is None:
        raise ValidationError(
            _("Only a member of the organization that placed this order can accept it."),
            code=E.PERMISSION_DENIED.value,
        )


def _check_order_paid(order: Order) -> None:
    """Suppliers act only on paid orders; a cancelled or refunded order is closed."""
    if order.status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.ACCEPTED):
        return
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        message = _("This order was cancelled or refunded and can no longer be shipped.")
    else:
        message = _("This order is not paid yet.")
    raise ValidationError(message, code=E.INVALID_TRANSITION.value)


def _check_order_acceptable(order: Order) -> None:
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        raise ValidationError(
            _("This order was cancelled or refunded and can no longer be accepted."),
            code=E.INVALID_TRANSITION.value,
        )
    if order.status not in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.ACCEPTED):
        raise ValidationError(_("Nothing of this order has shipped yet."), code=E.NOT_SHIPPED.value)


def clean_shipping(*, carrier: object, tracking_number: object) -> tuple[str, str]:
    """Carrier and tracking number, stripped; field errors for both at once."""
    carrier = " ".join(str(carrier or "").split())
    tracking = str(tracking_number or "").strip()
    errors: dict[str, ValidationError] = {}
    for field, value, limit in (("carrier", carrier, CARRIER_MAX), ("tracking_number", tracking, TRACKING_MAX)):
        if not value:
            errors[field] = ValidationError(_("This field is required."), code=E.REQUIRED.value)
        elif len(value) > limit:
            errors[field] = ValidationError(_("At most %(n)s characters.") % {"n": limit}, code=E.INVALID.value)
        elif any(ord(c) < 32 for c in value):
            errors[field] = ValidationError(_("Enter plain text."), code=E.INVALID.value)
    if errors:
        raise ValidationError(errors)
    return carrier, tracking


def clean_rating(*, rating: object, comment: object) -> tuple[int | None, str]:
    """Rating 1-5 or none (whole numbers only, also from a form's string); comment ≤ 500."""
    value: int | None = None
    if rating is not None and rating != "":
        text = str(rating).strip()
        if isinstance(rating, bool) or not text.isdigit() or not 1 <= int(text) <= 5:
            raise _field_error("rating", _("Choose a rating from 1 to 5."), E.INVALID_RATING)
        value = int(text)
    comment = str(comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise _field_error("comment", _("At most %(n)s characters.") % {"n": COMMENT_MAX}, E.INVALID)
    return value, comment


def _lock_fulfilment(fulfilment_id: int) -> Fulfilment:
    return Fulfilment.objects.select_for_update().get(pk=fulfilment_id)


# --- supplier actions -----------------------------------------------------------------------

@transaction.atomic
def fulfilment_confirm(*, actor: User, fulfilment: Fulfilment) -> Fulfilment:
    """The supplier confirms it will ship its part (pending → confirmed)."""
    _check_supplier(actor, fulfilment)
    order = order_lock(order_id=fulfilment.order_id)
    fulfilment = _lock_fulfilment(fulfilment.pk)
    _check_order_paid(order)
    if fulfilment.status in (FS.CONFIRMED, FS.SHIPPED, FS.ACCEPTED):
        return fulfilment
    if fulfilment.status != FS.PENDING:
        raise ValidationError(_("This part of the order was cancelled."), code=E.INVALID_TRANSITION.value)
    fulfilment.status = FS.CONFIRMED
    fulfilment.confirmed_at = timezone.now()
    fulfilment.save(update_fields=["status", "confirmed_at"])
    order_event_record(order=order, kind=OrderEventKind.CONFIRMED, actor=actor, fulfilment=fulfilment)
    return fulfilment


@transaction.atomic
def fulfilment_ship(*, actor: User, fulfilment: Fulfilment, carrier: str, tracking_number: str) -> Fulfilment:
    """The supplier ships its part: the reserved units leave the stock for good. When every
    part that is not cancelled has shipped, the order is shipped. Shipping twice changes
    nothing (the first carrier and tracking number stay)."""
    _check_supplier(actor, fulfilment)
    carrier, tracking = clean_shipping(carrier=carrier, tracking_number=tracking_number)
    order = order_lock(order_id=fulfilment.order_id)
    fulfilment = _lock_fulfilment(fulfilment.pk)
    _check_order_paid(order)
    if fulfilment.status in (FS.SHIPPED, FS.ACCEPTED):
        return fulfilment
    if fulfilment.status not in (FS.PENDING, FS.CONFIRMED):
        raise ValidationError(_("This part of the order was cancelled."), code=E.INVALID_TRANSITION.value)
    lines = list(fulfilment.lines.order_by("variant_id", "id"))
    variant_ids = sorted({line.variant_id for line in lines})
    list(ProductVariant.objects.select_for_update().filter(pk__in=variant_ids).order_by("pk").values_list("pk", flat=True))
    for line in lines:
        ProductVariant.objects.filter(pk=line.variant_id).update(reserved=F("reserved") - line.quantity)
    now = timezone.now()
    fulfilment.status = FS.SHIPPED
    fulfilment.carrier = carrier
    fulfilment.tracking_number = tracking
    fulfilment.shipped_at = now
    fields = ["status", "carrier", "tracking_number", "shipped_at"]
    if fulfilment.confirmed_at is None:
        fulfilment.confirmed_at = now
        fields.append("confirmed_at")
    fulfilment.save(update_fields=fields)
    order_event_record(
        order=order, kind=OrderEventKind.SHIPPED, actor=actor, fulfilment=fulfilment,
        data={"carrier": carrier, "tracking_number": tracking},
    )
    waiting = order.fulfilments.exclude(status__in=[FS.CANCELLED, FS.SHIPPED, FS.ACCEPTED]).exists()
    if not waiting and order.status == OrderStatus.PAID:
        order_transition(order=order, status=OrderStatus.SHIPPED)
    return fulfilment


# --- buyer acceptance -----------------------------------------------------------------------

def _accept_locked(*, order: Order, fulfilment: Fulfilment, actor: User | None, rating: int | None, comment: str,
                   auto: bool = False) -> None:
    fulfilment.status = FS.ACCEPTED
    fulfilment.accepted_at = timezone.now()
    fulfilment.accepted_by = actor if getattr(actor, "is_authenticated", False) else None
    fulfilment.auto_accepted = auto
    fulfilment.rating = rating
    fulfilment.comment = comment
    fulfilment.save(update_fields=["status", "accepted_at", "accepted_by", "auto_accepted", "rating", "comment"])
    product_stats_rating(fulfilment=fulfilment, rating=rating)
    data: dict[str, Any] = {"auto": auto}
    if rating is not None:
        data["rating"] = rating
    order_event_record(
        order=order, kind=OrderEventKind.ACCEPTED, actor=actor, fulfilment=fulfilment,
        message=comment, data=data,
    )


def _complete_if_done(*, order: Order, actor: User | None) -> None:
    """Every part that is not cancelled accepted: the order is accepted and completed."""
    if order.status != OrderStatus.SHIPPED:
        return
    if order.fulfilments.exclude(status__in=[FS.CANCELLED, FS.ACCEPTED]).exists():
        return
    order_transition(order=order, status=OrderStatus.ACCEPTED)
    tally_record_accepted(order=order)
    order_event_record(order=order, kind=OrderEventKind.COMPLETED, actor=actor)


@transaction.atomic
def fulfilment_accept(*, actor: User, fulfilment: Fulfilment, rating: object = None, comment: object = "") -> Fulfilment:
    """A member of the buying organization accepts one shipped part (验收)."""
    _check_buyer(actor, fulfilment.order)
    rating, comment = clean_rating(rating=rating, comment=comment)
    order = order_lock(order_id=fulfilment.order_id)
    fulfilment = _lock_fulfilment(fulfilment.pk)
    _check_order_acceptable(order)
    if fulfilment.status == FS.ACCEPTED:
        return fulfilment
    if fulfilment.status != FS.SHIPPED:
        if fulfilment.status == FS.CANCELLED:
            raise ValidationError(_("This part of the order was cancelled."), code=E.INVALID_TRANSITION.value)
        raise ValidationError(_("This part of the order has not shipped yet."), code=E.NOT_SHIPPED.value)
    _accept_locked(order=order, fulfilment=fulfilment, actor=actor, rating=rating, comment=comment)
    _complete_if_done(order=order, actor=actor)
    return fulfilment


@transaction.atomic
def order_accept(*, actor: User, order: Order, rating: object = None, comment: object = "") -> Order:
    """Accept every shipped part of the order at once, with one rating and comment (the
    simple buyer page, GraphQL ``orderAccept``). Refused when nothing has shipped; a repeat
    after everything shipped was accepted changes nothing."""
    _check_buyer(actor, order)
    rating, comment = clean_rating(rating=rating, comment=comment)
    order = order_lock(order_id=order.pk)
    _check_order_acceptable(order)
    parts = list(order.fulfilments.select_for_update().order_by("pk"))
    shipped = [f for f in parts if f.status == FS.SHIPPED]
    if not shipped:
        if any(f.status == FS.ACCEPTED for f in parts):
            return order
        raise ValidationError(_("Nothing of this order has shipped yet."), code=E.NOT_SHIPPED.value)
    for fulfilment in shipped:
        _accept_locked(order=order, fulfilment=fulfilment, actor=actor, rating=rating, comment=comment)
    _complete_if_done(order=order, actor=actor)
    return order


def fulfilments_auto_accept(*, now: datetime | None = None) -> int:
    """Accept the parts shipped more than ``ORDER_AUTO_ACCEPT_DAYS`` ago that the buyer did
    not accept (the beat task). One transaction per part, so one failure does not hold up
    the others and a rerun picks up where it stopped. Returns how many were accepted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ORDER_AUTO_ACCEPT_DAYS)
    due = list(
        Fulfilment.objects.filter(
            status=FS.SHIPPED, shipped_at__lte=cutoff,
            order__status__in=[OrderStatus.PAID, OrderStatus.SHIPPED],
        ).order_by("pk").values_list("pk", "order_id")
    )
    done = 0
    for fulfilment_id, order_id in due:
        with transaction.atomic():
            order = order_lock(order_id=order_id)
            fulfilment = _lock_fulfilment(fulfilment_id)
            if fulfilment.status != FS.SHIPPED or order.status not in (OrderStatus.PAID, OrderStatus.SHIPPED):
                continue
            _accept_locked(order=order, fulfilment=fulfilment, actor=None, rating=None, comment="", auto=True)
            _complete_if_done(order=order, actor=None)
            done += 1
    return done


__all__ = [
    "clean_rating", "clean_shipping", "fulfilment_accept", "fulfilment_confirm", "fulfilment_ship",
    "fulfilments_auto_accept", "is_supplier_member", "order_accept",
]

"""Product status and publication (``product_set_status``, the one place a product's status
changes, with its allowed transitions), staff review and price monitoring.

Prices are compared with the market reference price times ``settings.PRICE_ALERT_MULTIPLE``
(default 1.3). ``overpriced_condition`` and ``needs_price_review_condition`` are the SQL twins
of ``ProductVariant.is_overpriced`` / ``needs_price_review``; they compare whole fen scaled
by the integer ratio of the multiple (1.3 = 13/10: ``price_fen × 10 > market_fen × 13``), so
neither a float nor a division enters the comparison on SQLite or PostgreSQL.

The ``product_review_*`` and ``variant_price_accept`` services record the audit row of the
review step (the status functions above them do not); being staff is checked by the caller
(the admin).
"""

from decimal import ROUND_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Round
from django.db.models.lookups import Exact, GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Product, ProductStatus, ProductVariant
from shop.common.audit import audit_record, diff, snapshot
from shop.common.listing_version import listings_changed

PRICE_ACCEPT_FIELDS = ("price_accepted",)  # who accepted is the event's actor
REVIEW_FIELDS = ("status", "status_reason", "is_published")


# --- Status and publication ---------------------------------------------------------------

P = ProductStatus
PRODUCT_TRANSITIONS: dict[str, set[str]] = {
    P.DRAFT: {P.SUBMITTED, P.ARCHIVED},
    P.SUBMITTED: {P.APPROVED, P.REJECTED, P.DRAFT, P.ARCHIVED},
    P.APPROVED: {P.SUBMITTED, P.ARCHIVED},
    P.REJECTED: {P.DRAFT, P.SUBMITTED, P.ARCHIVED},
    P.ARCHIVED: {P.DRAFT},
}


@transaction.atomic
def product_set_status(*, product: Product, status: str, reason: str = "") -> Product:
    """The one place product status changes; checks allowed transitions, locks the row."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if status == locked.status:
        return locked
    if status not in PRODUCT_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("A product cannot go from “%(old)s” to “%(new)s”.")
            % {"old": P(locked.status).label, "new": P(status).label},
            code=CatalogErrorCode.INVALID.value,
        )
    reason = (reason or "").strip()
    if status == P.REJECTED and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason."), code=CatalogErrorCode.REQUIRED.value)}
        )
    locked.status = status
    locked.status_reason = reason[:255]
    if status != P.APPROVED:
        locked.is_published = False
    locked.is_visible = locked.compute_is_visible()
    locked.save(update_fields=["status", "status_reason", "is_published", "is_visible", "updated_at"])
    listings_changed()
    return locked


@transaction.atomic
def product_approve(*, product: Product, publish: bool = True) -> Product:
    # Price monitoring: no approval while an active variant's price awaits staff acceptance.
    # The product row is locked first (as every product change does), then its variants.
    Product.objects.select_for_update().only("pk").get(pk=product.pk)
    variants = ProductVariant.objects.select_for_update().filter(product_id=product.pk, is_active=True)
    flagged = [v for v in variants.order_by("pk") if v.needs_price_review]
    if flagged:
        names = ", ".join(
            _("%(sku)s at ¥%(price)s (market price ¥%(market)s)")
            % {"sku": v.sku, "price": v.price, "market": v.market_price}
            for v in flagged
        )
        raise ValidationError(
            _("Staff must accept the price of these variants before approval: %(variants)s.")
            % {"variants": names},
            code=CatalogErrorCode.PRICE_REVIEW_REQUIRED.value,
        )
    product = product_set_status(product=product, status=P.APPROVED)
    if publish and not product.is_published:
        product.is_published = True
        product.is_visible = product.compute_is_visible()
        product.save(update_fields=["is_published", "is_visible", "updated_at"])
        listings_changed()
    return product


def product_reject(*, product: Product, reason: str) -> Product:
    return product_set_status(product=product, status=P.REJECTED, reason=reason)


@transaction.atomic
def product_unpublish(*, product: Product) -> Product:
    """Take a product off the storefront; its review status stays as it is."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if locked.is_published:
        locked.is_published = False
        locked.is_visible = locked.compute_is_visible()
        locked.save(update_fields=["is_published", "is_visible", "updated_at"])
        listings_changed()
    return locked


# --- Price monitoring in SQL ----------------------------------------------------------------


def price_alert_multiple() -> Decimal:
    return Decimal(str(getattr(settings, "PRICE_ALERT_MULTIPLE", "1.3")))


def _fen(field: str) -> Round:
    return Round(F(field) * 100)


def overpriced_condition() -> Q:
    """Variants priced above the alert multiple of their market price (read at call time,
    so that a settings override applies)."""
    numerator, denominator = price_alert_multiple().as_integer_ratio()
    return Q(market_price__isnull=False) & Q(
        GreaterThan(_fen("price") * denominator, _fen("market_price") * numerator)
    )


def needs_price_review_condition() -> Q:
    """Active, overpriced, and not accepted by staff at exactly the current price."""
    accepted_here = Q(price_accepted__isnull=False) & Q(Exact(_fen("price_accepted"), _fen("price")))
    return Q(is_active=True) & overpriced_condition() & ~accepted_here


def flagged_variants() -> QuerySet[ProductVariant]:
    """Active overpriced variants (accepted or not), with who accepted them."""
    return (
        ProductVariant.objects.filter(Q(is_active=True) & overpriced_condition())
        .select_related("price_accepted_by")
        .order_by("position", "id")
    )


def has_overpriced_variant() -> Exists:
    """For a Product queryset: any variant (active or not) priced above the multiple."""
    return Exists(ProductVariant.objects.filter(Q(product=OuterRef("pk")) & overpriced_condition()))


def has_variant_needing_price_review() -> Exists:
    return Exists(
        ProductVariant.objects.filter(Q(product=OuterRef("pk")) & needs_price_review_condition())
    )


def awaiting_review_condition() -> Q:
    """Submitted products, and approved ones with a price staff have not accepted yet."""
    return Q(status=ProductStatus.SUBMITTED) | (
        Q(status=ProductStatus.APPROVED) & Q(has_variant_needing_price_review())
    )


def price_ratio(variant: ProductVariant) -> Decimal | None:
    """Price ÷ market price, rounded up to 0.01 so that a flagged price never reads as
    exactly the multiple."""
    if not variant.market_price:
        return None
    return (variant.price / variant.market_price).quantize(Decimal("0.01"), rounding=ROUND_UP)


# --- Services -------------------------------------------------------------------------------


@transaction.atomic
def variant_price_accept(*, variant: ProductVariant, actor: Any) -> ProductVariant:
    """Staff accept the variant's current price. The acceptance holds for this exact price:
    any other price needs review again. Accepting an already accepted price does nothing."""
    locked = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    if locked.price_accepted == locked.price:
        return locked
    if not locked.is_overpriced:
        raise ValidationError(
            _("The price of %(variant)s is not above %(multiple)s× its market price; there is nothing to accept.")
            % {"variant": locked, "multiple": price_alert_multiple()},
            code=CatalogErrorCode.PRICE_NOT_FLAGGED.value,
        )
    before = snapshot(locked, PRICE_ACCEPT_FIELDS)
    locked.price_accepted = locked.price
    locked.price_accepted_by = actor if getattr(actor, "is_authenticated", False) else None
    locked.price_accepted_at = timezone.now()
    locked.save(update_fields=["price_accepted", "price_accepted_by", "price_accepted_at"])
    # The reason line tells the reader of the trail what the price was measured against.
    context = f"¥{locked.price} / ¥{locked.market_price} = {price_ratio(locked)}×"
    audit_record(
        actor=actor, instance=locked, action="variant.price_accept", changes=diff(before, locked),
        reason=context,
    )
    return locked


@transaction.atomic
def product_review_approve(*, product: Product, actor: Any, publish: bool = True) -> Product:
    """Approve (and by default publish) a submitted product. Refused with
    ``price_review_required`` while an active variant's price awaits staff acceptance."""
    before_row = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(before_row, REVIEW_FIELDS)
    approved = product_approve(product=before_row, publish=publish)
    changes = diff(before, approved)
    if changes:
        audit_record(actor=actor, instance=approved, action="product.approve", changes=changes)
    return approved


@transaction.atomic
def product_review_reject(*, product: Product, actor: Any, reason: str) -> Product:
    """Reject a submitted product; the reason is required and shown to the supplier."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason."), code=CatalogErrorCode.REQUIRED.value)}
        )
    before_row = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(before_row, REVIEW_FIELDS)
    rejected = product_reject(product=before_row, reason=reason)
    changes = diff(before, rejected)
    if changes:
        audit_record(
            actor=actor, instance=rejected, action="product.reject", changes=changes, reason=reason
        )
    return rejected


@transaction.atomic
def product_review_unpublish(*, product: Product, actor: Any) -> Product:
    """Take a product off the storefront (its review status stays)."""
    before_row = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(before_row, REVIEW_FIELDS)
    unpublished = product_unpublish(product=before_row)
    changes = diff(before, unpublished)
    if changes:
        audit_record(actor=actor, instance=unpublished, action="product.unpublish", changes=changes)
    return unpublished

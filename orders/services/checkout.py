"""Order placement: the one entry point that turns a cart into an order.

In one transaction it locks the variants' rows in primary-key order (so two checkouts
with the same variants in opposite order cannot deadlock), checks every line against the
locked stock, moves the units from ``stock`` to ``reserved``, copies the prices onto the
lines in integer fen and writes the order event. A client-supplied idempotency key makes
a double submit return the first order instead of creating a second one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, ProductVariant
from catalog.services.listings import product_refresh_summary
from orders.errors import OrderErrorCode
from orders.models import (
    CartLine,
    Fulfilment,
    FundingChannel,
    Order,
    OrderEventKind,
    OrderLine,
    OrderStatus,
)
from orders.services.invoices import invoice_details_clean
from orders.services.status import order_event_record
from shop.accounts.guards import member_require_ordering
from shop.accounts.models import BuyerOrganization, DeliveryAddress, User
from shop.common.listing_version import listings_changed
from shop.common.money import yuan_to_fen

E = OrderErrorCode
_KEY = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")
# Crockford-like alphabet without 0/O/1/I, easy to copy into a bank transfer's remark.
_REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
ORDER_FUNDING_CHANNELS = (FundingChannel.CANTEEN, FundingChannel.UNION, FundingChannel.PERSONAL)


def _field_error(field: str, message: str, code: E) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def new_payment_reference() -> str:
    return "XF" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def _validate_inputs(
    *, organization: BuyerOrganization, address_id: object, funding_channel: str,
    idempotency_key: str, invoice_title: str, tax_number: str, note: str,
) -> DeliveryAddress:
    errors: dict[str, ValidationError] = {}
    address = None
    try:
        address = DeliveryAddress.objects.filter(organization=organization, pk=int(str(address_id))).first()
    except (TypeError, ValueError):
        pass
    if address is None:
        errors["address"] = ValidationError(_("Choose one of your organization's delivery addresses."), code=E.INVALID_ADDRESS.value)
    if funding_channel not in ORDER_FUNDING_CHANNELS:
        errors["funding_channel"] = ValidationError(_("Choose canteen, union welfare or personal."), code=E.INVALID_FUNDING_CHANNEL.value)
    if not isinstance(idempotency_key, str) or not _KEY.match(idempotency_key):
        errors["idempotency_key"] = ValidationError(_("The form has expired; reload the page and try again."), code=E.INVALID_IDEMPOTENCY_KEY.value)
    for name, value, limit in (("invoice_title", invoice_title, 128), ("tax_number", tax_number, 20), ("note", note, 500)):
        if len(value) > limit:
            errors[name] = ValidationError(_("At most %(n)s characters.") % {"n": limit}, code=E.INVALID.value)
    if tax_number and not re.fullmatch(r"[0-9A-Z]{15,20}", tax_number):
        errors["tax_number"] = ValidationError(_("A tax number is 15 to 20 digits or capital letters."), code=E.INVALID.value)
    if errors:
        raise ValidationError(errors)
    assert address is not None  # no address is an error above
    return address


def order_place(
    *, user: User, organization: BuyerOrganization, address_id: object, funding_channel: str,
    idempotency_key: str, invoice_title: str | None = None, tax_number: str | None = None,
    note: str = "", invoice: dict[str, str] | None = None,
) -> Order:
    """Place the member's cart as an order. Returns the existing order when the same
    ``idempotency_key`` was used before by this member (a double click or a retry).
    ``invoice``: the invoice details (``orders.services.invoices.invoice_details_clean``),
    which then include the title and tax number."""
    member_require_ordering(user=user, organization=organization)
    existing = Order.objects.filter(placed_by=user, idempotency_key=str(idempotency_key)[:64]).first()
    if existing is not None:
        return existing
    invoice_title = (organization.invoice_title if invoice_title is None else invoice_title).strip()
    tax_number = (organization.tax_number if tax_number is None else tax_number).strip().upper()
    note = (note or "").strip()
    extra: dict[str, str] = {}
    if invoice is not None:
        extra = invoice_details_clean(**invoice)
        invoice_title, tax_number = extra.pop("invoice_title"), extra.pop("tax_number")
    address = _validate_inputs(
        organization=organization, address_id=address_id, funding_channel=funding_channel,
        idempotency_key=idempotency_key, invoice_title=invoice_title, tax_number=tax_number, note=note,
    )
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _place(
                    user=user, organization=organization, address=address, funding_channel=funding_channel,
                    idempotency_key=idempotency_key, invoice_title=invoice_title, tax_number=tax_number, note=note,
                    invoice_extra=extra,
                )
        except IntegrityError:
            # The same key committed by a concurrent request first: that order is the answer.
            existing = Order.objects.filter(placed_by=user, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
            if attempt:
                raise
            # Otherwise a random payment reference collided (about 1 in 10^12): try again.
    raise AssertionError("unreachable")


def _place(*, user: User, organization: BuyerOrganization, address: DeliveryAddress, funding_channel: str,
           idempotency_key: str, invoice_title: str, tax_number: str, note: str,
           invoice_extra: dict[str, str]) -> Order:
    cart_lines = list(
        CartLine.objects.filter(cart__user=user, cart__organization=organization)
        .annotate(product_id=F("variant__product_id"))
        .order_by("variant_id")
    )
    if not cart_lines:
        raise _field_error("cart", _("Your cart is empty."), E.CART_EMPTY)
    wanted = {line.variant_id: line.quantity for line in cart_lines}
    # Lock products, then variants, each in primary-key order — the order every catalog
    # service uses — so concurrent checkouts and suppliers' stock edits queue on the same
    # rows in the same order instead of deadlocking.
    _lock_products(sorted({line.product_id for line in cart_lines}))
    variants = list(
        ProductVariant.objects.select_for_update(of=("self",))
        .select_related("product", "product__supplier")
        .filter(pk__in=wanted)
        .order_by("pk")
    )
    _check_cart(variants, wanted)

    total = sum(yuan_to_fen(v.price) * wanted[v.pk] for v in variants)
    threshold = organization.approval_threshold
    needs_approval = threshold is not None and total > yuan_to_fen(threshold)
    status = OrderStatus.PENDING_APPROVAL if needs_approval else OrderStatus.AWAITING_PAYMENT
    order = Order.objects.create(
        number=f"TMP{secrets.token_hex(8)}",
        organization=organization, placed_by=user, idempotency_key=idempotency_key, status=status,
        funding_channel=funding_channel, delivery_address=address, ship_label=address.label,
        ship_recipient=address.recipient, ship_phone=address.phone, ship_address=address.address,
        invoice_title=invoice_title, tax_number=tax_number, note=note, total_fen=total, **invoice_extra,
        payment_reference=new_payment_reference(),
        payment_due_at=None if needs_approval else timezone.now() + timedelta(hours=settings.ORDER_PAYMENT_HOURS),
    )
    order.number = f"{timezone.localdate():%Y%m%d}{order.pk:06d}"
    order.save(update_fields=["number"])

    _create_parts(order, variants, wanted)
    # One UPDATE for every variant (issue 15: statements per order no longer grow with lines).
    quantity = Case(*(When(pk=v.pk, then=Value(wanted[v.pk])) for v in variants), output_field=IntegerField())
    ProductVariant.objects.filter(pk__in=[v.pk for v in variants]).update(
        stock=F("stock") - quantity, reserved=F("reserved") + quantity
    )
    CartLine.objects.filter(pk__in=[line.pk for line in cart_lines]).delete()
    order_event_record(order=order, kind=OrderEventKind.PLACED, actor=user)
    if needs_approval:
        order_event_record(order=order, kind=OrderEventKind.APPROVAL_REQUESTED, actor=user)
    # The products were locked first; one UPDATE recomputes each one's in-stock summary.
    Product.objects.filter(pk__in=sorted({v.product_id for v in variants})).update(
        total_stock=_active_stock(OuterRef("pk"))
    )
    listings_changed()  # the pages show the stock left
    return order


def _check_cart(variants: list[ProductVariant], wanted: dict[int, int]) -> None:
    """Every line still on sale, at or above its minimum and within stock, or a
    ``ValidationError`` on ``cart`` listing every line that is not."""
    found = {v.pk: v for v in variants}
    errors: list[ValidationError] = []
    for variant_id, qty in wanted.items():
        variant = found.get(variant_id)
        if variant is None or not (variant.is_active and variant.product.is_visible):
            name = variant.product.name if variant else _("An item")
            errors.append(ValidationError(_("%(name)s is no longer on sale; remove it from your cart.") % {"name": name}, code=E.PRODUCT_UNAVAILABLE.value))
        elif qty < variant.min_order_qty:
            errors.append(ValidationError(
                _("%(name)s: the minimum order is %(moq)s.") % {"name": variant.product.name, "moq": variant.min_order_qty},
                code=E.BELOW_MINIMUM_QUANTITY.value,
            ))
        elif qty > variant.stock:
            errors.append(ValidationError(
                _("Insufficient stock: %(name)s (%(spec)s) has only %(stock)s left.")
                % {"name": variant.product.name, "spec": variant.spec, "stock": variant.stock},
                code=E.INSUFFICIENT_STOCK.value,
            ))
    if errors:
        raise ValidationError({"cart": errors})


def _create_parts(order: Order, variants: list[ProductVariant], wanted: dict[int, int]) -> None:
    """One fulfilment per supplier (its subtotal) and the order's lines, in bulk."""
    fulfilments: dict[int, Fulfilment] = {}
    for variant in variants:
        supplier_id = variant.product.supplier_id
        if supplier_id not in fulfilments:
            subtotal = sum(yuan_to_fen(v.price) * wanted[v.pk] for v in variants if v.product.supplier_id == supplier_id)
            fulfilments[supplier_id] = Fulfilment(order=order, supplier_id=supplier_id, subtotal_fen=subtotal)
    Fulfilment.objects.bulk_create(fulfilments.values())
    if not all(f.pk for f in fulfilments.values()):  # backends without RETURNING
        for f in Fulfilment.objects.filter(order=order):
            fulfilments[f.supplier_id] = f
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order, fulfilment=fulfilments[v.product.supplier_id], variant=v,
            supplier_id=v.product.supplier_id, county_id=v.product.county_id,
            category_id=v.product.category_id, product_name=v.product.name, spec=v.spec,
            unit=v.unit, sku=v.sku, quantity=wanted[v.pk], unit_price_fen=yuan_to_fen(v.price),
            total_fen=yuan_to_fen(v.price) * wanted[v.pk],
        )
        for v in variants
    )


def _active_stock(product_id: int | OuterRef) -> Coalesce:
    """The storefront's in-stock summary, recomputed from the variants (never drifts);
    ``product_id`` may be ``OuterRef("pk")`` to update several products at once."""
    return Coalesce(
        Subquery(
            ProductVariant.objects.filter(product_id=product_id, is_active=True)
            .values("product_id").annotate(s=Sum("stock")).values("s")[:1]
        ),
        Value(0),
    )


def _lock_products(product_ids: list[int]) -> None:
    list(Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk").values_list("pk", flat=True))


def _lock_products_of(variant_ids: Iterable[int]) -> None:
    _lock_products(sorted(set(ProductVariant.objects.filter(pk__in=list(variant_ids)).values_list("product_id", flat=True))))


def stock_release(*, order: Order) -> None:
    """Put the unshipped units of ``order`` back on sale (cancellation or expiry). Locks
    products then variants in primary-key order, like placement."""
    lines = list(order.lines.exclude(fulfilment__status__in=["shipped", "accepted"]).order_by("variant_id"))
    ids = [line.variant_id for line in lines]
    _lock_products_of(ids)
    list(ProductVariant.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
    for line in lines:
        ProductVariant.objects.filter(pk=line.variant_id).update(
            stock=F("stock") + line.quantity, reserved=F("reserved") - line.quantity
        )
    _refresh_product_stock(set(ProductVariant.objects.filter(pk__in=ids).values_list("product_id", flat=True)))


def _refresh_product_stock(product_ids: set[int]) -> None:
    """Recompute the storefront's in-stock summary after units come back."""
    for product in Product.objects.filter(pk__in=sorted(product_ids)).order_by("pk"):
        product_refresh_summary(product=product)

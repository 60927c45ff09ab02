"""Listings (supplier portal) and their summaries.

What a supplier's team does to its own listings; ownership is checked by the caller (the
portal looks objects up through the supplier, so another supplier's ids are 404s).

Review rules (decided here, in one place):
- a new product is a draft; ``product_submit`` sends it to staff review;
- editing a field staff judged (REVIEWED_FIELDS: name, text, category, origin,
  certifications, households supported) of an approved product sends it back to review:
  status "submitted", off the storefront until staff approve it again. Shelf life, storage,
  stock, images and variants priced within the alert multiple do not;
- a variant change (new variant, price or market price) that leaves an active variant of an
  approved product needing price review (``ProductVariant.needs_price_review``) also sends
  the product back to review, so the price is never published before staff accept it.
"""

import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Min, Q, Sum
from django.utils.translation import gettext as _

from catalog import validators as v
from catalog.errors import CatalogErrorCode
from catalog.models import Category, Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.review import product_set_status
from catalog.services.search import product_search_fields, search_terms_refresh
from shop.common.audit import audit_record, diff, snapshot
from shop.common.listing_version import listings_changed
from shop.regions.models import Region
from suppliers.guards import supplier_require_active
from suppliers.models import Supplier

P = ProductStatus
C = CatalogErrorCode


def product_search_text(*, product: Product) -> str:
    """Lower-cased text that search matches by substring (Chinese has no word spaces):
    names with their pinyin and initials; see ``catalog.services.search``."""
    return product_search_fields(product=product)[0]


@transaction.atomic
def product_refresh_summary(*, product: Product) -> Product:
    """Recompute the listing summaries (lowest active price, total stock, search text,
    storefront visibility)."""
    agg = ProductVariant.objects.filter(product=product).aggregate(
        min_price=Min("price", filter=Q(is_active=True)),
        total_stock=Sum("stock", filter=Q(is_active=True)),
    )
    product.min_price = agg["min_price"]
    product.total_stock = agg["total_stock"] or 0
    product.search_text, product.search_name = product_search_fields(product=product)
    product.is_visible = product.compute_is_visible()
    product.save(update_fields=[
        "min_price", "total_stock", "search_text", "search_name", "is_visible", "updated_at",
    ])
    listings_changed()
    search_terms_refresh(product=product)
    return product


def id_list(ids: Iterable[int]) -> str:
    """Ids as the audit trail shows them: "3, 1, 2"."""
    return ", ".join(str(pk) for pk in ids)


PRODUCT_FIELDS = (
    "name", "name_en", "category", "summary", "description", "county", "township", "village",
    "poor_households", "shelf_life_days", "storage",
)
PRODUCT_EDITABLE = frozenset(PRODUCT_FIELDS) - {"county"} | {"certifications"}
REVIEWED_FIELDS = frozenset(PRODUCT_FIELDS) - {"shelf_life_days", "storage"} | {"certifications"}
STATUS_FIELDS = ("status", "status_reason", "is_published")
VARIANT_FIELDS = (
    "sku", "spec", "unit", "price", "market_price", "min_order_qty", "lead_time_days", "position",
    "is_active",
)
VARIANT_EDITABLE = frozenset(VARIANT_FIELDS) - {"is_active"} | {"stock"}
MAX_VARIANTS = 50  # × MAX_STOCK stays within the product's total_stock column


def _error(message: str, code: CatalogErrorCode, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code.value)
    return ValidationError({field: error}) if field else error


def _lock_listing(product: Product | int, actor: Any) -> Product:
    """Lock the product row, then check its supplier may change listings (the status is
    read after the lock, so a suspension committed meanwhile is seen)."""
    locked = Product.objects.select_for_update().get(pk=product if isinstance(product, int) else product.pk)
    supplier_require_active(supplier=locked.supplier_id, actor=actor)
    return locked


def _lock_product_row(product: Product, actor: Any) -> Product:
    locked = _lock_listing(product, actor)
    if locked.status == P.ARCHIVED:
        raise _error(_("This product is archived; restore it first."), C.PRODUCT_ARCHIVED)
    return locked


@transaction.atomic
def product_create(
    *, supplier: Supplier, actor: Any, name: str, name_en: str = "", category: Category,
    summary: str = "", description: str = "", township: Region, village: Region | None = None,
    certifications: Iterable[Any] = (), poor_households: int = 0,
    shelf_life_days: int | None = None, storage: str = "",
) -> Product:
    """A draft listing of ``supplier``; its county is the origin township's county."""
    supplier_require_active(supplier=supplier, actor=actor)
    product = Product(supplier=supplier, status=P.DRAFT, slug=f"p-{secrets.token_hex(6)}")
    fields = {
        "name": name, "name_en": name_en, "category": category, "summary": summary,
        "description": description, "township": township, "village": village,
        "certifications": certifications, "poor_households": poor_households,
        "shelf_life_days": shelf_life_days, "storage": storage,
    }
    cert_ids = v.apply_product_fields(product, fields=fields)
    product.save()
    product.certifications.set(cert_ids or [])
    changes = {k: [None, val] for k, val in snapshot(product, PRODUCT_FIELDS).items() if val not in (None, "")}
    if cert_ids:
        changes["certifications"] = [None, id_list(cert_ids)]
    audit_record(actor=actor, instance=product, action="product.create", changes=changes)
    return product_refresh_summary(product=product)


def _certification_ids(product: Product) -> list[int]:
    return sorted(product.certifications.values_list("pk", flat=True))


@transaction.atomic
def product_update(*, product: Product, actor: Any, **fields: Any) -> Product:
    """Edit a listing. See the review rules above: a reviewed field of an approved product
    sends it back to review."""
    unknown = set(fields) - PRODUCT_EDITABLE
    if unknown:
        raise TypeError(f"product_update() got unexpected fields: {sorted(unknown)}")
    locked = _lock_product_row(product, actor)
    before = snapshot(locked, PRODUCT_FIELDS + STATUS_FIELDS)
    old_certs = _certification_ids(locked)
    cert_ids = v.apply_product_fields(locked, fields=fields)
    changes = diff(before, locked)
    if cert_ids is not None and cert_ids != old_certs:
        locked.certifications.set(cert_ids)
        changes["certifications"] = [id_list(old_certs), id_list(cert_ids)]
    if not changes:
        return locked
    locked.save()
    reason = ""
    if locked.status == P.APPROVED and REVIEWED_FIELDS & set(changes):
        reason = _("Changed after approval; waiting for staff review again.")
        locked = product_set_status(product=locked, status=P.SUBMITTED, reason=reason)
        changes.update(diff(before, locked))
    audit_record(actor=actor, instance=locked, action="product.update", changes=changes, reason=reason)
    return product_refresh_summary(product=locked)


@transaction.atomic
def product_submit(*, product: Product, actor: Any) -> Product:
    """Send a draft (or a rejected product, once corrected) to staff review. Needs an active
    variant and an image; submitting twice changes nothing."""
    locked = _lock_product_row(product, actor)
    if locked.status == P.SUBMITTED:
        return locked
    if locked.status not in (P.DRAFT, P.REJECTED):
        raise _error(
            _("Only a draft or a rejected product can be submitted for review."), C.INVALID_TRANSITION
        )
    problems = []
    if not ProductVariant.objects.filter(product=locked, is_active=True).exists():
        problems.append(_error(_("Add at least one specification with a price."), C.NO_ACTIVE_VARIANT))
    if not ProductImage.objects.filter(product=locked).exists():
        problems.append(_error(_("Add at least one photo."), C.NO_IMAGE))
    if problems:
        raise ValidationError(problems)
    before = snapshot(locked, STATUS_FIELDS)
    submitted = product_set_status(product=locked, status=P.SUBMITTED)
    audit_record(actor=actor, instance=submitted, action="product.submit", changes=diff(before, submitted))
    return submitted


@transaction.atomic
def product_archive(*, product: Product, actor: Any) -> Product:
    """Withdraw a listing (from any status); it leaves the storefront. Idempotent."""
    locked = _lock_listing(product, actor)
    if locked.status == P.ARCHIVED:
        return locked
    before = snapshot(locked, STATUS_FIELDS)
    archived = product_set_status(product=locked, status=P.ARCHIVED)
    audit_record(actor=actor, instance=archived, action="product.archive", changes=diff(before, archived))
    return archived


@transaction.atomic
def product_restore(*, product: Product, actor: Any) -> Product:
    """An archived listing becomes a draft again (to be edited and submitted)."""
    locked = _lock_listing(product, actor)
    if locked.status != P.ARCHIVED:
        return locked
    before = snapshot(locked, STATUS_FIELDS)
    restored = product_set_status(product=locked, status=P.DRAFT)
    audit_record(actor=actor, instance=restored, action="product.restore", changes=diff(before, restored))
    return restored


def _save_variant(variant: ProductVariant) -> None:
    """Save; a concurrent insert of the same SKU becomes a field error, not a 500."""
    try:
        with transaction.atomic():
            variant.save()
    except IntegrityError:
        if ProductVariant.objects.filter(sku=variant.sku).exclude(pk=variant.pk).exists():
            raise _error(v.duplicate_sku_message(), C.DUPLICATE_SKU, "sku") from None
        raise


def _after_variant_change(*, product: Product, actor: Any) -> Product:
    """Send an approved product back to review if a price now needs staff acceptance, then
    refresh its summaries. ``product`` is locked by the caller."""
    if product.status == P.APPROVED and any(
        variant.needs_price_review for variant in ProductVariant.objects.filter(product=product, is_active=True)
    ):
        before = snapshot(product, STATUS_FIELDS)
        reason = _("A price is above the alert multiple of its market reference price; staff must accept it.")
        product = product_set_status(product=product, status=P.SUBMITTED, reason=reason)
        audit_record(actor=actor, instance=product, action="product.update", changes=diff(before, product), reason=reason)
    return product_refresh_summary(product=product)


@transaction.atomic
def variant_create(
    *, product: Product, actor: Any, sku: str = "", spec: str, unit: str, price: Any,
    market_price: Any = None, min_order_qty: Any = 1, stock: Any = 0, lead_time_days: Any = 3,
) -> ProductVariant:
    """A new specification of the product, last in order; the SKU is generated when empty."""
    locked = _lock_product_row(product, actor)
    siblings = list(ProductVariant.objects.filter(product=locked).values_list("position", "is_active"))
    if sum(1 for _position, active in siblings if active) >= MAX_VARIANTS:
        raise _error(_("A product has at most %(n)d specifications.") % {"n": MAX_VARIANTS}, C.TOO_MANY_VARIANTS)
    variant = ProductVariant(product=locked, position=max((p for p, _a in siblings), default=-1) + 1)
    v.apply_variant_fields(variant, fields={
        "sku": sku, "spec": spec, "unit": unit, "price": price, "market_price": market_price,
        "min_order_qty": min_order_qty, "stock": stock, "lead_time_days": lead_time_days,
    })
    _save_variant(variant)
    changes = {k: [None, val] for k, val in snapshot(variant, VARIANT_FIELDS + ("stock",)).items() if val is not None}
    audit_record(actor=actor, instance=variant, action="variant.create", changes=changes)
    _after_variant_change(product=locked, actor=actor)
    return variant


@transaction.atomic
def variant_update(*, variant: ProductVariant, actor: Any, **fields: Any) -> ProductVariant:
    """Edit a specification. A stock change is recorded as its own ``stock.update`` event."""
    unknown = set(fields) - VARIANT_EDITABLE
    if unknown:
        raise TypeError(f"variant_update() got unexpected fields: {sorted(unknown)}")
    product = _lock_product_row(variant.product, actor)
    locked = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    if not locked.is_active:
        raise _error(_("This specification is archived."), C.INVALID)
    before = snapshot(locked, VARIANT_FIELDS)
    old_stock = locked.stock
    v.apply_variant_fields(locked, fields=fields)
    changes = diff(before, locked)
    if not changes and locked.stock == old_stock:
        return locked
    _save_variant(locked)
    if changes:
        audit_record(actor=actor, instance=locked, action="variant.update", changes=changes)
    if locked.stock != old_stock:
        audit_record(actor=actor, instance=locked, action="stock.update", changes={"stock": [old_stock, locked.stock]})
    _after_variant_change(product=product, actor=actor)
    return locked


@transaction.atomic
def variant_archive(*, variant: ProductVariant, actor: Any) -> ProductVariant:
    """Withdraw a specification; an approved product keeps at least one. Idempotent."""
    product = _lock_product_row(variant.product, actor)
    locked = ProductVariant.objects.select_for_update().get(pk=variant.pk)
    if not locked.is_active:
        return locked
    others = ProductVariant.objects.filter(product=product, is_active=True).exclude(pk=locked.pk)
    if product.status == P.APPROVED and not others.exists():
        raise _error(
            _("An approved product needs at least one specification; archive the product instead."),
            C.LAST_ACTIVE_VARIANT,
        )
    locked.is_active = False
    locked.save(update_fields=["is_active"])
    audit_record(actor=actor, instance=locked, action="variant.archive", changes={"is_active": [True, False]})
    product_refresh_summary(product=product)
    return locked


def stock_update_many(*, supplier: Supplier, actor: Any, changes: Mapping[Any, Any]) -> list[ProductVariant]:
    """Set the stock of several of the supplier's variants at once: all or nothing.

    Any id that is not one of the supplier's variants refuses the whole batch (``not_found``,
    so another supplier's ids reveal nothing); any bad quantity gives a field error keyed by
    the variant id. Rows are locked products first, then variants, each in primary-key order
    (the order every catalog service uses), so concurrent batches cannot deadlock. One
    ``stock.update`` event per variant whose stock changed.
    """
    if not changes:
        return []
    missing = _error(_("Some of these specifications do not exist."), C.NOT_FOUND)
    ids: dict[int, Any] = {}
    for key, value in changes.items():
        try:
            pk = v.parse_whole(str(key), minimum=1, maximum=2**31 - 1, code=C.NOT_FOUND)
        except ValidationError:
            raise missing from None
        ids[pk] = value
    with transaction.atomic():
        product_ids = sorted(
            set(
                ProductVariant.objects.filter(pk__in=ids, product__supplier=supplier)
                .values_list("product_id", flat=True)
            )
        )
        list(Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk").values_list("pk"))
        supplier_require_active(supplier=supplier, actor=actor)
        variants = list(
            ProductVariant.objects.select_for_update()
            .filter(pk__in=ids, product_id__in=product_ids)
            .order_by("pk")
        )
        if len(variants) != len(ids):
            raise missing
        errors = v.Errors()
        new_stock = {
            variant.pk: errors.collect(str(variant.pk), v.parse_stock, ids[variant.pk]) for variant in variants
        }
        errors.raise_if_any()
        changed = []
        for variant in variants:
            old = variant.stock
            if new_stock[variant.pk] != old:
                variant.stock = new_stock[variant.pk]
                changed.append((variant, old))
        if changed:
            ProductVariant.objects.bulk_update([variant for variant, _old in changed], ["stock"])
            for variant, old in changed:
                audit_record(actor=actor, instance=variant, action="stock.update", changes={"stock": [old, variant.stock]})
            _refresh_total_stock(product_ids=sorted({variant.product_id for variant, _old in changed}))
    return variants


def _refresh_total_stock(*, product_ids: list[int]) -> None:
    """``Product.total_stock`` after a stock-only change: one aggregate, one bulk update."""
    totals = dict(
        ProductVariant.objects.filter(product_id__in=product_ids, is_active=True)
        .values("product_id").annotate(total=Sum("stock")).values_list("product_id", "total")
    )
    products = list(Product.objects.filter(pk__in=product_ids).only("pk", "total_stock"))
    for product in products:
        product.total_stock = totals.get(product.pk) or 0
    Product.objects.bulk_update(products, ["total_stock"])
    listings_changed()

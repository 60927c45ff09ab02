"""What every catalog mutation checks before calling its service: a logged-in member of a
supplier team that may use the portal, and IDs that name that supplier's own objects.

Order of the checks: who asks (PERMISSION_DENIED), then the IDs' form (INVALID_ID), then
whether the object is the supplier's (NOT_FOUND, the same answer as for an ID that does not
exist, so that nothing reveals what other suppliers have).
"""

from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Category, Product, ProductImage, ProductVariant
from shop.graphql.core.mutations import decode_input_id, not_found, permission_denied
from shop.graphql.core.permissions import require_staff, require_user
from shop.regions.models import Region
from suppliers.guards import supplier_require_active
from suppliers.models import Supplier
from suppliers.selectors import supplier_membership_of

REVIEW_PERMISSION = "catalog.change_product"  # as the admin's review actions require


def supplier_member(info: graphene.ResolveInfo) -> tuple[Any, Supplier]:
    """(user, supplier) for a member of an approved supplier (read from the database on
    every request: a suspension stops the very next mutation of an existing session)."""
    user = require_user(info)
    membership = supplier_membership_of(user=user)
    if membership is None:
        raise permission_denied(_("Only members of a supplier team can manage listings."))
    supplier_require_active(supplier=membership.supplier, actor=user)
    return user, membership.supplier


def reviewer(info: graphene.ResolveInfo) -> Any:
    """Platform staff allowed to review products."""
    return require_staff(info, perm=REVIEW_PERMISSION)


def own_product(supplier: Supplier | None, global_id: str, *, field: str = "id") -> Product:
    """The product with this ID if it is ``supplier``'s (any product when None: staff)."""
    pk = decode_input_id(global_id, expected_type="Product", field=field)
    queryset = Product.objects.select_related("supplier").filter(pk=pk)
    if supplier is not None:
        queryset = queryset.filter(supplier=supplier)
    product = queryset.first()
    if product is None:
        raise not_found(field)
    return product


def own_variant(supplier: Supplier | None, global_id: str, *, field: str = "id") -> ProductVariant:
    pk = decode_input_id(global_id, expected_type="Variant", field=field)
    queryset = ProductVariant.objects.select_related("product", "product__supplier").filter(pk=pk)
    if supplier is not None:
        queryset = queryset.filter(product__supplier=supplier)
    variant = queryset.first()
    if variant is None:
        raise not_found(field)
    return variant


def own_image(supplier: Supplier, global_id: str, *, field: str = "id") -> ProductImage:
    pk = decode_input_id(global_id, expected_type="ProductImage", field=field)
    image = ProductImage.objects.filter(pk=pk, product__supplier=supplier).first()
    if image is None:
        raise not_found(field)
    return image


def reloaded(product: Product) -> Product:
    """The product as it is now (after a service changed its images or variants)."""
    return Product.objects.get(pk=product.pk)


# --- Input values -> service arguments ------------------------------------------------------


def _region(code: Any, *, field: str) -> Region | None:
    """The region with this code (None for none); an unknown code is a field error (the
    service checks that a known region is the right one)."""
    if code in (None, ""):
        return None
    text = str(code).strip()
    region = Region.objects.filter(code=text).first() if text.isascii() and text.isdigit() and len(text) <= 12 else None
    if region is None:
        message = _("Choose a township of your county.") if field == "township" else _("Choose a village of the chosen township.")
        raise ValidationError({field: ValidationError(message, code=CatalogErrorCode.INVALID_REGION.value)})
    return region


def product_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for ``product_create`` / ``product_update`` from an input; only the
    fields the client sent (an explicit null clears an optional field)."""
    fields: dict[str, Any] = {}
    for name in ("name", "name_en", "summary", "description", "storage"):
        if name in data:
            fields[name] = data[name] if data[name] is not None else ""
    for name in ("poor_households", "shelf_life_days"):
        if name in data:
            fields[name] = data[name]
    if "category" in data:
        value = data["category"]
        if value in (None, ""):
            fields["category"] = None
        else:
            pk = decode_input_id(value, expected_type="Category", field="category")
            fields["category"] = Category.objects.filter(pk=pk).first() or pk
    for name in ("township", "village"):
        if name in data:
            fields[name] = _region(data[name], field=name)
    if "certifications" in data:
        fields["certifications"] = [
            decode_input_id(value, expected_type="Certification", field="certifications")
            for value in data["certifications"] or []
        ]
    return fields


def variant_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments for ``variant_create`` / ``variant_update``: the fields sent."""
    return {name: value for name, value in data.items()}

"""Keeps the precomputed search text up to date: ``Product.search_text`` and
``search_name`` and the suggestion terms (``SearchTerm``) of suppliers and places.

Called by ``catalog.services.listings.product_refresh_summary`` (every product write ends there) and
by the task ``catalog.tasks.supplier_search_refresh`` when a supplier is renamed: suppliers must not
import the catalog, so ``suppliers.services.supplier_rename`` (and the supplier admin) queue
that task by name through the outbox.
"""

from django.db import transaction

from catalog.models import Product, SearchTerm, SearchTermKind
from catalog.pinyin import join_forms, name_forms
from shop.common.listing_version import listings_changed
from shop.regions.models import Region
from suppliers.models import Supplier


def _region_forms(region: Region | None) -> list[str]:
    if region is None:
        return []
    return name_forms(region.name, region.name_en, region.slug)


def _supplier_forms(supplier: Supplier) -> list[str]:
    return name_forms(supplier.legal_name, supplier.short_name)


def product_search_fields(*, product: Product) -> tuple[str, str]:
    """``(search_text, search_name)`` of a product whose supplier, category and regions
    are loaded. ``search_text`` holds every searchable form (names, pinyin, initials of the
    product, supplier and origin; summary; category), ``search_name`` only the product's."""
    names = name_forms(product.name, product.name_en)
    forms = [
        *names,
        *name_forms(product.summary),
        *_supplier_forms(product.supplier),
        *_region_forms(product.county), *_region_forms(product.township),
        *_region_forms(product.village if product.village_id else None),
        *name_forms(product.category.name, product.category.name_en),
    ]
    return join_forms(forms), join_forms(names)


def _term_upsert(*, kind: str, label: str, forms: list[str], supplier: Supplier | None = None,
                 region: Region | None = None) -> None:
    key = {"supplier": supplier} if supplier is not None else {"region": region}
    SearchTerm.objects.update_or_create(
        **key, defaults={"kind": kind, "label": label, "search_text": join_forms(forms)}
    )


def search_terms_refresh(*, product: Product) -> None:
    """The suggestion terms of the product's supplier and origin places."""
    supplier = product.supplier
    _term_upsert(
        kind=SearchTermKind.SUPPLIER, label=supplier.short_name or supplier.legal_name,
        forms=_supplier_forms(supplier), supplier=supplier,
    )
    places = [
        (SearchTermKind.COUNTY, product.county), (SearchTermKind.TOWNSHIP, product.township),
        (SearchTermKind.VILLAGE, product.village if product.village_id else None),
    ]
    for kind, region in places:
        if region is not None:
            _term_upsert(kind=kind, label=region.name, forms=_region_forms(region), region=region)


@transaction.atomic
def supplier_search_refresh(*, supplier: Supplier) -> int:
    """After a supplier is renamed: its term and its products' search text follow its names.
    Returns the number of products rewritten; running it again rewrites nothing."""
    if not SearchTerm.objects.filter(supplier=supplier).exists() and not supplier.products.exists():
        return 0
    products = list(
        Product.objects.filter(supplier=supplier)
        .select_related("category", "county", "township", "village")
        .order_by("id")
    )
    changed = []
    for product in products:
        product.supplier = supplier
        text, name = product_search_fields(product=product)
        if (text, name) != (product.search_text, product.search_name):
            product.search_text, product.search_name = text, name
            changed.append(product)
    Product.objects.bulk_update(changed, ["search_text", "search_name"], batch_size=500)
    listings_changed()
    if products:
        _term_upsert(
            kind=SearchTermKind.SUPPLIER, label=supplier.short_name or supplier.legal_name,
            forms=_supplier_forms(supplier), supplier=supplier,
        )
    return len(changed)

"""Writing the planned supply side: categories, suppliers, certifications, products.

Rows are inserted with the ORM (checked field by field first, products in bulk) in their
initial state — a supplier as *applied*, a product as a *draft* — and then moved along their
pipelines by the services (``supplier_recommend``/``supplier_approve``/``supplier_suspend``,
``product_set_status``/``product_approve``), so the demo ends in states the real flow can
reach. Pictures are stored as the upload service stores them, made once per kind
(``seed_images``). Anything that already exists (by slug, or credit code) is left as is.
"""

from typing import TypeVar

from django.db.models import Model, Q

from catalog.models import Category, Product, ProductStatus, ProductVariant
from catalog.services.listings import product_refresh_summary
from catalog.services.review import product_approve, product_set_status, variant_price_accept
from shop.demo.data import CATEGORIES
from shop.demo.plan_rows import ProductPlan, SupplierPlan
from shop.demo.seed_images import seed_product_images
from shop.regions.models import Region
from suppliers.models import Certification, Supplier, SupplierStatus
from suppliers.services.status import supplier_approve, supplier_recommend, supplier_suspend


def seed_categories() -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for position, (slug, name, name_en, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "position": position}
        )
        categories[slug] = parent
        for child_position, (child_slug, child_name, child_en) in enumerate(children):
            categories[child_slug], _ = Category.objects.get_or_create(
                slug=child_slug,
                defaults={"name": child_name, "name_en": child_en, "parent": parent,
                          "position": child_position},
            )
    return categories


def _regions(codes: set[str]) -> dict[str, Region]:
    return Region.objects.in_bulk(sorted(codes))


def _advance_supplier(supplier: Supplier, plan: SupplierPlan) -> Supplier:
    if plan.status in ("recommended", "approved", "suspended"):
        supplier = supplier_recommend(supplier=supplier)
    if plan.status in ("approved", "suspended"):
        supplier = supplier_approve(supplier=supplier)
    if plan.status == "suspended":
        supplier = supplier_suspend(supplier=supplier, reason=plan.status_reason)
    return supplier


def seed_suppliers(plans: tuple[SupplierPlan, ...]) -> tuple[dict[str, Supplier], int]:
    """Returns the suppliers by planned slug and how many were created."""
    found = Supplier.objects.filter(
        Q(slug__in=[p.slug for p in plans]) | Q(credit_code__in=[p.credit_code for p in plans])
    )
    by_slug = {s.slug: s for s in found}
    by_code = {s.credit_code: s for s in found}
    regions = _regions({c for p in plans for c in (p.county, p.township, p.village)})
    suppliers: dict[str, Supplier] = {}
    created = 0
    for plan in plans:
        supplier = by_slug.get(plan.slug) or by_code.get(plan.credit_code)
        if supplier is None:
            supplier = Supplier(
                slug=plan.slug, legal_name=plan.legal_name, short_name=plan.short_name,
                credit_code=plan.credit_code, supplier_type=plan.supplier_type,
                county=regions[plan.county], township=regions[plan.township],
                village=regions[plan.village], address=plan.address, description=plan.description,
                contact_name=plan.contact_name, contact_phone=plan.contact_phone,
                contact_email=plan.contact_email, bank_name=plan.bank_name,
                bank_account_name=plan.legal_name, bank_account_number=plan.bank_account_number,
                linkage_mechanism=plan.linkage_mechanism,
                linkage_description=plan.linkage_description,
                poor_households=plan.poor_households, status=SupplierStatus.APPLIED,
            )
            checked(supplier, exclude=("county", "township", "village"))
            supplier.save()
            for cert in plan.certs:
                Certification.objects.get_or_create(
                    supplier=supplier, kind=cert.kind, number=cert.number,
                    defaults={"title": cert.title, "issuer": cert.issuer,
                              "valid_from": cert.valid_from, "valid_until": cert.valid_until},
                )
            supplier = _advance_supplier(supplier, plan)
            created += 1
        suppliers[plan.slug] = supplier
    return suppliers, created


def _certifications_by_supplier(
    plans: tuple[SupplierPlan, ...], suppliers: dict[str, Supplier]
) -> dict[str, list[tuple[str, Certification]]]:
    """(gi key, certification) pairs per supplier slug; gi "" applies to every product."""
    gi_of = {(plan.slug, c.kind, c.number): c.gi for plan in plans for c in plan.certs}
    slug_of = {s.pk: slug for slug, s in suppliers.items()}
    result: dict[str, list[tuple[str, Certification]]] = {slug: [] for slug in suppliers}
    for cert in Certification.objects.filter(supplier_id__in=slug_of).order_by("id"):
        slug = slug_of[cert.supplier_id]
        result[slug].append((gi_of.get((slug, cert.kind, cert.number), ""), cert))
    return result


_M = TypeVar("_M", bound=Model)


def checked(obj: _M, *, exclude: tuple[str, ...] = ()) -> _M:
    """``full_clean`` without its per-row queries: fields and ``clean()`` are checked here;
    foreign keys (rows just read from the database), uniqueness and check constraints are
    enforced by the database on insert."""
    obj.clean_fields(exclude=list(exclude))
    obj.clean()
    return obj


PRODUCT_RELATIONS = ("supplier", "category", "county", "township", "village")


def seed_products(
    plans: tuple[ProductPlan, ...], *, supplier_plans: tuple[SupplierPlan, ...],
    suppliers: dict[str, Supplier], categories: dict[str, Category],
) -> int:
    """Creates the planned products that do not exist yet (rows in bulk, each checked first),
    then moves them through review with the catalog services; returns how many."""
    existing = set(Product.objects.filter(slug__in=[p.slug for p in plans]).values_list("slug", flat=True))
    todo = [p for p in plans if p.slug not in existing]
    if not todo:
        return 0
    regions = _regions({c for p in todo for c in (p.county, p.township, p.village)})
    certs = _certifications_by_supplier(supplier_plans, suppliers)
    products = Product.objects.bulk_create([
        checked(Product(
            supplier=suppliers[plan.supplier], category=categories[plan.category], name=plan.name,
            name_en=plan.name_en, slug=plan.slug, summary=plan.summary, description=plan.description,
            county=regions[plan.county], township=regions[plan.township],
            village=regions[plan.village], poor_households=plan.poor_households,
            shelf_life_days=plan.shelf_life_days, storage=plan.storage,
            status=ProductStatus.DRAFT, is_published=False, is_featured=plan.is_featured,
        ), exclude=PRODUCT_RELATIONS)
        for plan in todo
    ])
    ProductVariant.objects.bulk_create([
        checked(ProductVariant(
            product=product, sku=v.sku, spec=v.spec, unit=v.unit, price=v.price,
            market_price=v.market_price, min_order_qty=v.min_order_qty, stock=v.stock,
            lead_time_days=v.lead_time_days, position=v.position,
        ), exclude=("product",))
        for product, plan in zip(products, todo, strict=True) for v in plan.variants
    ])
    through = Product.certifications.through
    through.objects.bulk_create([
        through(product_id=product.pk, certification_id=c.pk)
        for product, plan in zip(products, todo, strict=True)
        for gi, c in certs[plan.supplier] if gi in ("", plan.gi)
    ])
    seed_product_images([(product, plan.kind, plan.name) for product, plan in zip(products, todo, strict=True)])
    for product, plan in zip(products, todo, strict=True):
        _review(product_refresh_summary(product=product), plan)
    return len(todo)


def _review(product: Product, plan: ProductPlan) -> None:
    if plan.status in ("submitted", "approved"):
        product = product_set_status(product=product, status=ProductStatus.SUBMITTED)
    if plan.status == "approved":
        for variant in product.variants.all():
            if variant.needs_price_review:  # the demo's staff accepted the dear prices
                variant_price_accept(variant=variant, actor=None)
        product_approve(product=product, publish=True)

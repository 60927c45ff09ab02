"""Extra products for benchmarks (``seed_demo --scale N``).

Bulk inserts in batches, bypassing the services on purpose: ``min_price``, ``total_stock``
and ``search_text`` are computed here the way ``product_refresh_summary`` computes them, and
all the products of one kind share one stored picture (and its thumbnails), so no image is
processed per product. The products are ``scale-000001`` … ``scale-N``; product *i* depends
only on the seed and *i*, so asking for more later adds the missing ones only.
"""

import random
from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from catalog.models import Category, Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.images import product_image_make_thumbnails
from catalog.services.search import product_search_fields
from shop.demo.data import KINDS, Kind
from shop.demo.pictures import HEIGHT, WIDTH, picture_jpeg
from shop.demo.plan_catalog import plan_variants
from shop.demo.plan_rows import SupplierPlan
from suppliers.models import Supplier, SupplierStatus

BATCH = 1000
PREFIX = "scale-"


def scale_slug(i: int) -> str:
    return f"{PREFIX}{i:06d}"


def _batches(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _shared_picture(kind: Kind) -> str:
    """One stored JPEG per kind, reused by every scale product of that kind."""
    name = f"products/demo/scale-{kind.key}.jpg"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(picture_jpeg(kind.key)))
    return name


def _sellers_by_kind(supplier_plans: tuple[SupplierPlan, ...]) -> dict[str, list[Supplier]]:
    """The approved demo suppliers that sell each kind of produce."""
    approved = {
        s.slug: s
        for s in Supplier.objects.filter(
            slug__in=[p.slug for p in supplier_plans], status=SupplierStatus.APPROVED
        ).select_related("county", "township", "village")
    }
    sellers: dict[str, list[Supplier]] = {}
    for plan in supplier_plans:
        if plan.slug in approved:
            for key in plan.kinds:
                sellers.setdefault(key, []).append(approved[plan.slug])
    return sellers


@transaction.atomic
def seed_scale(*, seed: int, count: int, supplier_plans: tuple[SupplierPlan, ...],
               categories: dict[str, Category]) -> int:
    """Makes sure products ``scale-000001`` … ``scale-<count>`` exist; returns how many were added."""
    if count <= 0:
        return 0
    wanted = {scale_slug(i): i for i in range(1, count + 1)}
    existing = set(Product.objects.filter(slug__in=list(wanted)).values_list("slug", flat=True))
    missing = [i for slug, i in wanted.items() if slug not in existing]
    if not missing:
        return 0
    sellers = _sellers_by_kind(supplier_plans)
    kinds = [k for k in KINDS if sellers.get(k.key)]
    if not kinds:
        raise ValueError("no approved demo supplier to attach scale products to")
    pictures: dict[str, str] = {}
    thumbnails: dict[str, dict[str, str]] = {}
    for batch in _batches(missing, BATCH):
        products: list[Product] = []
        variant_plans = {}
        for i in batch:
            rng = random.Random(f"{seed}:scale:{i}")
            kind = rng.choice(kinds)
            supplier = rng.choice(sellers[kind.key])
            style = rng.choice(kind.styles)
            slug = scale_slug(i)
            variants = plan_variants(rng, kind, slug)
            product = Product(
                supplier=supplier, category=categories[kind.category],
                name=f"{kind.name}·{style[0]} {i:05d}", name_en=f"{kind.name_en}, {style[1]} #{i}",
                slug=slug, summary=kind.summary, description=kind.summary,
                county=supplier.county, township=supplier.township, village=supplier.village,
                shelf_life_days=kind.shelf_life_days, storage=kind.storage,
                poor_households=rng.randint(3, 60), status=ProductStatus.APPROVED,
                is_published=True, is_visible=True, min_price=min(v.price for v in variants),
                total_stock=sum(v.stock for v in variants),
            )
            product.search_text, product.search_name = product_search_fields(product=product)
            products.append(product)
            variant_plans[slug] = (kind, variants)
        Product.objects.bulk_create(products, batch_size=BATCH)
        if any(p.pk is None for p in products):  # a backend that cannot return ids
            ids = dict(Product.objects.filter(slug__in=[p.slug for p in products]).values_list("slug", "id"))
            for p in products:
                p.pk = ids[p.slug]
        rows: list[ProductVariant] = []
        images: list[ProductImage] = []
        for product in products:
            kind, variants = variant_plans[product.slug]
            rows += [
                ProductVariant(
                    product=product, sku=v.sku, spec=v.spec, unit=v.unit, price=v.price,
                    market_price=v.market_price, min_order_qty=v.min_order_qty, stock=v.stock,
                    lead_time_days=v.lead_time_days, position=v.position,
                )
                for v in variants
            ]
            if kind.key not in pictures:
                pictures[kind.key] = _shared_picture(kind)
                first = ProductImage.objects.create(
                    product=product, image=pictures[kind.key], width=WIDTH, height=HEIGHT,
                    alt=product.name,
                )
                thumbnails[kind.key] = dict(product_image_make_thumbnails(image=first).thumbnails)
                continue
            images.append(ProductImage(
                product=product, image=pictures[kind.key], width=WIDTH, height=HEIGHT,
                alt=product.name, thumbnails=thumbnails[kind.key],
            ))
        ProductVariant.objects.bulk_create(rows, batch_size=BATCH)
        ProductImage.objects.bulk_create(images, batch_size=BATCH)
    return len(missing)

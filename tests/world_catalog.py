"""The catalog test worlds, beside ``tests.world`` (regions must be loaded first, the
``regions`` fixture):

- ``build_catalog_world``: the public catalog of the GraphQL and security tests (four visible
  products across the three counties, three that must stay hidden), with ``make_product`` and
  ``add_image``.
- ``storefront_categories``, ``storefront_suppliers``, ``storefront_products``: the
  storefront pages' catalog (five visible products with recognisable names, prices and
  origins), in three steps because page tests ask for one, two or all three; with
  ``attach_image`` and ``add_variant``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.images import product_image_add
from catalog.services.listings import product_refresh_summary
from shop.regions.models import Region
from suppliers.models import CertificationKind, Supplier, SupplierStatus, SupplierType
from tests.factories import (
    DAHUA,
    DUAN,
    LONGCHUAN,
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    SupplierFactory,
    first_village,
)
from tests.world import png_bytes

# --- The public catalog (GraphQL and security tests) ----------------------------------------

QIBAINONG = "451229211"  # 七百弄乡, Dahua


def add_image(product: Product, *, alt: str = "", position: int = 0) -> ProductImage:
    """A small PNG stored as it is (no service: no re-encoding, no thumbnails)."""
    upload = SimpleUploadedFile(
        f"{product.slug}-{position}.png", png_bytes(size=(32, 24), color=(0, 128, 0)), content_type="image/png"
    )
    return ProductImage.objects.create(product=product, image=upload, alt=alt, position=position)


def make_product(*, prices: tuple[str, ...] = ("88.00",), stock: int = 50, **kwargs: Any) -> Product:
    """A product with one variant per price (and the listing summaries refreshed)."""
    product = ProductFactory(with_variant=False, **kwargs)
    for i, price in enumerate(prices):
        ProductVariant.objects.create(
            product=product, sku=f"SKU-{product.slug}-{i}", spec=f"{i + 1}斤/箱", unit="箱",
            price=Decimal(price), market_price=Decimal(price), stock=stock, position=i,
        )
    return product_refresh_summary(product=product)


@dataclass
class CatalogWorld:
    goat: Product
    chicken: Product
    oil: Product
    rice: Product
    hidden: list[Product]


def build_catalog_world() -> CatalogWorld:
    """Four visible products across the three counties and three hidden ones."""
    grain_oil = CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil")
    edible_oil = CategoryFactory(slug="edible-oil", name="食用油", name_en="Edible oil", parent=grain_oil)
    meat = CategoryFactory(slug="meat", name="肉禽蛋", name_en="Meat, poultry and eggs", position=1)

    duan_coop = SupplierFactory(county_code=DUAN, legal_name="都安瑶族自治县山羊养殖专业合作社", slug="duan-goat")
    qibainong = Region.objects.get(code=QIBAINONG)
    dahua_coop = SupplierFactory(
        county_code=DAHUA, legal_name="大化七百弄鸡养殖专业合作社", slug="dahua-chicken",
        township=qibainong, village=first_village(qibainong),
    )
    longchuan_coop = SupplierFactory(county_code=LONGCHUAN, legal_name="龙川县佗城农产品专业合作社", slug="lc-oil")
    gi = CertificationFactory(supplier=duan_coop, kind=CertificationKind.GEOGRAPHICAL_INDICATION)
    szstandard = CertificationFactory(supplier=dahua_coop, kind=CertificationKind.SHENZHEN_STANDARD)

    goat = make_product(name="都安山羊肉", slug="duan-goat-meat", supplier=duan_coop, category=meat, prices=("58.00", "65.00"))
    goat.certifications.add(gi)
    chicken = make_product(name="七百弄鸡", slug="qibainong-chicken", supplier=dahua_coop, category=meat, prices=("168.00",))
    chicken.certifications.add(szstandard)
    oil = make_product(name="龙川山茶油", slug="longchuan-camellia-oil", supplier=longchuan_coop, category=edible_oil, prices=("98.00", "128.00"))
    rice = make_product(name="龙川大米", slug="longchuan-rice", supplier=longchuan_coop, category=grain_oil, prices=("6.50",), stock=0)
    for product in (goat, chicken, oil, rice):
        add_image(product, alt=product.name)

    suspended = SupplierFactory(county_code=DUAN, slug="suspended-coop", status=SupplierStatus.SUSPENDED)
    hidden = [
        make_product(name="都安山羊干(待审核)", slug="hidden-unapproved", supplier=duan_coop, category=meat, status=ProductStatus.SUBMITTED),
        make_product(name="都安山羊汤(未上架)", slug="hidden-unpublished", supplier=duan_coop, category=meat, is_published=False),
        make_product(name="都安山羊排(暂停供应商)", slug="hidden-suspended", supplier=suspended, category=meat),
    ]
    return CatalogWorld(goat=goat, chicken=chicken, oil=oil, rice=rice, hidden=hidden)


# --- The storefront pages' catalog ----------------------------------------------------------


def attach_image(product: Product, *, alt: str = "", color: tuple[int, int, int] = (60, 140, 80)) -> ProductImage:
    """A real PNG (640×480) through the catalog service (re-encoded, with thumbnails)."""
    upload = ContentFile(png_bytes(size=(640, 480), color=color), name="photo.png")
    return product_image_add(product=product, upload=upload, alt=alt)


def add_variant(product: Product, *, spec: str, price: str, stock: int = 20, **extra: Any) -> ProductVariant:
    variant = ProductVariant.objects.create(
        product=product, sku=f"{product.slug}-{spec}-{ProductVariant.objects.count()}",
        spec=spec, unit=extra.pop("unit", "箱"), price=Decimal(price), stock=stock, **extra,
    )
    product_refresh_summary(product=product)
    return variant


def storefront_categories() -> dict[str, Any]:
    return {
        "oil": CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil"),
        "meat": CategoryFactory(slug="meat", name="肉禽蛋", name_en="Meat, poultry and eggs"),
        "tea": CategoryFactory(slug="tea", name="茶叶", name_en="Tea"),
    }


def storefront_suppliers() -> dict[str, Supplier]:
    yidu = Region.objects.get(code="441622102")  # 义都镇, Longchuan
    qibainong = Region.objects.get(code=QIBAINONG)
    return {
        "longchuan": SupplierFactory(
            legal_name="龙川县义都镇山茶油专业合作社", slug="yidu-oil", county_code=LONGCHUAN,
            township=yidu, village=first_village(yidu),
            bank_account_number="6222020200112233445", bank_name="中国农业银行龙川支行",
            contact_phone="13912345678", contact_email="secret-contact@example.com",
        ),
        "longchuan_tea": SupplierFactory(
            legal_name="龙川县义都镇桂林茶场", slug="yidu-tea", county_code=LONGCHUAN,
            supplier_type=SupplierType.FAMILY_FARM, township=yidu,
        ),
        "duan": SupplierFactory(legal_name="都安瑶族自治县山羊养殖合作社", slug="duan-goat", county_code=DUAN),
        "dahua": SupplierFactory(
            legal_name="大化县七百弄鸡养殖合作社", slug="qibainong-chicken", county_code=DAHUA,
            township=qibainong, village=first_village(qibainong),
        ),
    }


def storefront_products(categories: dict[str, Any], suppliers: dict[str, Supplier]) -> dict[str, Product]:
    """Five visible products with recognisable names, prices and origins."""
    oil = ProductFactory(
        name="龙川山茶油", name_en="Longchuan camellia oil", slug="longchuan-camellia-oil",
        supplier=suppliers["longchuan"], category=categories["oil"], with_variant=False,
        shelf_life_days=540, storage="阴凉干燥处", is_featured=True,
    )
    add_variant(oil, spec="500ml/瓶", price="98.00", unit="瓶", market_price=Decimal("110.00"))
    goat = ProductFactory(
        name="都安山羊肉", name_en="Du'an goat meat", slug="duan-goat-meat",
        supplier=suppliers["duan"], category=categories["meat"], with_variant=False,
    )
    add_variant(goat, spec="5斤/箱", price="325.00")
    chicken = ProductFactory(
        name="七百弄鸡", name_en="Qibainong chicken", slug="qibainong-chicken",
        supplier=suppliers["dahua"], category=categories["meat"], with_variant=False,
    )
    add_variant(chicken, spec="1只", price="168.00", stock=0)
    tea = ProductFactory(
        name="龙川桂林茶", slug="longchuan-tea", supplier=suppliers["longchuan_tea"],
        category=categories["tea"], with_variant=False,
    )
    add_variant(tea, spec="250g/罐", price="45.50")
    dahua_goat = ProductFactory(
        name="七百弄山羊", slug="qibainong-goat", supplier=suppliers["dahua"],
        category=categories["meat"], with_variant=False,
    )
    add_variant(dahua_goat, spec="10斤/箱", price="620.00")
    return {"oil": oil, "goat": goat, "chicken": chicken, "tea": tea, "dahua_goat": dahua_goat}

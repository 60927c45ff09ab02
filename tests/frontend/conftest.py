"""Storefront fixtures: products in the three counties, built with the shared factories."""

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from catalog.models import Product, ProductImage, ProductVariant
from catalog.services.listings import product_refresh_summary
from shop.regions.models import Region
from suppliers.models import SupplierType
from tests.factories import (
    DAHUA,
    DUAN,
    LONGCHUAN,
    CategoryFactory,
    ProductFactory,
    SupplierFactory,
    first_village,
)


def png_bytes(color: tuple[int, int, int] = (60, 140, 80), size: tuple[int, int] = (640, 480)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def attach_image(product: Product, *, alt: str = "", color: tuple[int, int, int] = (60, 140, 80)) -> ProductImage:
    """A real PNG through the catalog service."""
    from catalog.services.images import product_image_add

    upload = ContentFile(png_bytes(color), name="photo.png")
    return product_image_add(product=product, upload=upload, alt=alt)


def add_variant(product: Product, *, spec: str, price: str, stock: int = 20, **extra) -> ProductVariant:
    variant = ProductVariant.objects.create(
        product=product, sku=f"{product.slug}-{spec}-{ProductVariant.objects.count()}",
        spec=spec, unit=extra.pop("unit", "箱"), price=Decimal(price), stock=stock, **extra,
    )
    product_refresh_summary(product=product)
    return variant


def township(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path):
    """WhiteNoise warns about a missing STATIC_ROOT on every request otherwise."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()


@pytest.fixture
def categories(regions):
    return {
        "oil": CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil"),
        "meat": CategoryFactory(slug="meat", name="肉禽蛋", name_en="Meat, poultry and eggs"),
        "tea": CategoryFactory(slug="tea", name="茶叶", name_en="Tea"),
    }


@pytest.fixture
def suppliers(regions):
    qibainong = township("451229211")  # 七百弄乡, Dahua
    return {
        "longchuan": SupplierFactory(
            legal_name="龙川县义都镇山茶油专业合作社", slug="yidu-oil", county_code=LONGCHUAN,
            township=township("441622102"), village=first_village(township("441622102")),
            bank_account_number="6222020200112233445", bank_name="中国农业银行龙川支行",
            contact_phone="13912345678", contact_email="secret-contact@example.com",
        ),
        "longchuan_tea": SupplierFactory(
            legal_name="龙川县义都镇桂林茶场", slug="yidu-tea", county_code=LONGCHUAN,
            supplier_type=SupplierType.FAMILY_FARM, township=township("441622102"),
        ),
        "duan": SupplierFactory(legal_name="都安瑶族自治县山羊养殖合作社", slug="duan-goat", county_code=DUAN),
        "dahua": SupplierFactory(
            legal_name="大化县七百弄鸡养殖合作社", slug="qibainong-chicken", county_code=DAHUA,
            township=qibainong, village=first_village(qibainong),
        ),
    }


@pytest.fixture
def products(categories, suppliers):
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


def switch_to_english(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302

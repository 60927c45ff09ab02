"""Fixtures for the GraphQL tests: a small catalog across the three counties, with
products that must stay hidden, and a helper that posts queries to /graphql/."""

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.listings import product_refresh_summary
from shop.regions.models import Region
from suppliers.models import CertificationKind, SupplierStatus
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

QIBAINONG = "451229211"  # 七百弄乡, Dahua


@pytest.fixture
def gql(client):
    """Post a query; assert the HTTP status; return the decoded JSON body."""

    def run(query: str, variables: dict[str, Any] | None = None, *, status: int = 200) -> dict:
        response = client.post(
            "/graphql/", data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
        )
        assert response.status_code == status, response.content.decode()
        return response.json()

    return run


def png_bytes(width: int = 32, height: int = 24, color: str = "green") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def add_image(product: Product, *, alt: str = "", position: int = 0) -> ProductImage:
    upload = SimpleUploadedFile(f"{product.slug}-{position}.png", png_bytes(), content_type="image/png")
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
class Catalog:
    goat: Product
    chicken: Product
    oil: Product
    rice: Product
    hidden: list[Product]


@pytest.fixture
def catalog(regions) -> Catalog:
    return build_catalog()


def build_catalog() -> Catalog:
    """Four visible products across the three counties and three hidden ones (regions loaded)."""
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
    return Catalog(goat=goat, chicken=chicken, oil=oil, rice=rice, hidden=hidden)


def names(result: dict, field: str = "products") -> list[str]:
    assert "errors" not in result, result
    return [edge["node"]["name"] for edge in result["data"][field]["edges"]]

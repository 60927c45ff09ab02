"""Helpers of the listing service tests: a photo, error codes, a draft and an approved
product of the ``world`` fixture (tests/catalog/conftest.py)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product, ProductStatus
from catalog.services.listings import product_create, variant_create
from tests.factories import ProductFactory


def png(color=(40, 120, 60), size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def codes(exc: ValidationError) -> dict[str, list[str]]:
    """Field -> codes (``__all__`` for errors that name no field)."""
    if hasattr(exc, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}
    return {"__all__": [e.code for e in exc.error_list]}


def create(world, **overrides) -> Product:
    fields = {
        "supplier": world["supplier"], "actor": world["user"], "name": "龙川山茶油",
        "category": world["category"], "township": world["township"], "village": world["village"],
    }
    fields.update(overrides)
    return product_create(**fields)


def approved_product(world, **variant) -> Product:
    product = ProductFactory(supplier=world["supplier"], category=world["category"], with_variant=False)
    variant_create(
        product=product, actor=None, spec="500ml/瓶", unit="瓶",
        price=variant.get("price", "88.00"), market_price=variant.get("market_price", "90.00"), stock=10,
    )
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED and product.is_visible
    return product

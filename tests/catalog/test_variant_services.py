"""The variant and stock services behind the supplier portal: validation with codes, audit
rows, price review, and the all-or-nothing stock batch."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import ProductStatus, ProductVariant
from catalog.services.listings import (
    stock_update_many,
    variant_archive,
    variant_create,
    variant_update,
)
from shop.common.audit import audit_events_for
from tests.catalog.listing_world import approved_product, codes, create
from tests.factories import ProductFactory, SupplierFactory

pytestmark = pytest.mark.django_db


# --- Variants -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field, code",
    [
        ({"price": "0"}, "price", "price_not_positive"),
        ({"price": "-5"}, "price", "price_not_positive"),
        ({"price": "12.345"}, "price", "invalid_price"),
        ({"price": "abc"}, "price", "invalid_price"),
        ({"price": 12.5}, "price", "invalid_price"),
        ({"price": "NaN"}, "price", "invalid_price"),
        ({"price": "1e30"}, "price", "invalid_price"),
        ({"price": ""}, "price", "required"),
        ({"market_price": "0"}, "market_price", "price_not_positive"),
        ({"min_order_qty": 0}, "min_order_qty", "invalid_quantity"),
        ({"stock": -1}, "stock", "invalid_stock"),
        ({"stock": "2.5"}, "stock", "invalid_stock"),
        ({"stock": "9" * 30}, "stock", "invalid_stock"),
        ({"stock": "many"}, "stock", "invalid_stock"),
        ({"stock": True}, "stock", "invalid_stock"),
        ({"spec": ""}, "spec", "required"),
        ({"sku": "bad sku!"}, "sku", "invalid"),
    ],
)
def test_variant_create_refuses_bad_values(world, fields, field, code):
    product = create(world)
    values = {"spec": "5斤/箱", "unit": "箱", "price": "58.00", **fields}
    with pytest.raises(ValidationError) as exc_info:
        variant_create(product=product, actor=None, **values)
    assert code in codes(exc_info.value)[field]
    assert not ProductVariant.objects.exists()


def test_variant_create_generates_a_sku_refreshes_the_summary_and_audits(world):
    product = create(world)
    a = variant_create(product=product, actor=world["user"], spec="5斤/箱", unit="箱", price="58.5", stock="20")
    b = variant_create(product=product, actor=None, spec="10斤/箱", unit="箱", price="99", stock=5)
    assert a.sku and b.sku and a.sku != b.sku
    assert a.price == Decimal("58.50") and (a.position, b.position) == (0, 1)
    product.refresh_from_db()
    assert product.min_price == Decimal("58.50") and product.total_stock == 25
    event = audit_events_for(a).get()
    assert event.action == "variant.create" and event.changes["price"] == [None, "58.50"]
    with pytest.raises(ValidationError) as exc_info:
        variant_create(product=product, actor=None, sku=a.sku, spec="x", unit="箱", price="1")
    assert codes(exc_info.value) == {"sku": ["duplicate_sku"]}


def test_an_overpriced_price_on_an_approved_product_sends_it_to_review(world):
    product = approved_product(world)
    variant = product.variants.get()
    variant_update(variant=variant, actor=world["user"], price="117.00")  # 1.3 × 90: not above
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED and product.is_visible
    variant_update(variant=variant, actor=world["user"], price="117.01")
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED and not product.is_visible
    assert product.status_reason
    event = audit_events_for(product).filter(action="product.update").first()
    assert event.changes["status"] == ["approved", "submitted"] and event.reason
    price_event = audit_events_for(variant).filter(action="variant.update").first()
    assert price_event.changes == {"price": ["117.00", "117.01"]}


def test_a_price_staff_already_accepted_does_not_send_it_back(world):
    product = approved_product(world)
    variant = product.variants.get()
    ProductVariant.objects.filter(pk=variant.pk).update(price_accepted=Decimal("150.00"))
    variant_update(variant=variant, actor=None, price="150")
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED and product.is_visible


def test_a_new_overpriced_variant_on_an_approved_product_sends_it_to_review(world):
    product = approved_product(world)
    variant_create(product=product, actor=None, spec="礼盒", unit="盒", price="300", market_price="100")
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED and not product.is_visible


def test_stock_change_in_variant_update_is_its_own_event_and_never_reviews(world):
    product = approved_product(world)
    variant = product.variants.get()
    variant_update(variant=variant, actor=world["user"], stock=3)
    assert [e.action for e in audit_events_for(variant)] == ["stock.update", "variant.create"]
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED and product.total_stock == 3


def test_the_last_active_variant_of_an_approved_product_cannot_be_archived(world):
    product = approved_product(world)
    variant = product.variants.get()
    with pytest.raises(ValidationError) as exc_info:
        variant_archive(variant=variant, actor=None)
    assert codes(exc_info.value) == {"__all__": ["last_active_variant"]}
    second = variant_create(product=product, actor=None, spec="1L", unit="瓶", price="150", market_price="160")
    variant_archive(variant=variant, actor=world["user"])
    product.refresh_from_db()
    assert product.min_price == second.price and product.total_stock == 0
    with pytest.raises(ValidationError):
        variant_update(variant=variant, actor=None, price="1")


# --- Stock ----------------------------------------------------------------------------------


@pytest.fixture
def stocked(world):
    product = create(world)
    a = variant_create(product=product, actor=None, spec="1斤", unit="袋", price="10", stock=5)
    b = variant_create(product=product, actor=None, spec="5斤", unit="箱", price="45", stock=7)
    other = ProductFactory(supplier=SupplierFactory())
    return {"product": product, "a": a, "b": b, "foreign": other.variants.get()}


def stocks(*variants) -> list[int]:
    return [ProductVariant.objects.get(pk=v.pk).stock for v in variants]


def test_stock_update_many_changes_audits_and_refreshes(world, stocked):
    a, b = stocked["a"], stocked["b"]
    result = stock_update_many(
        supplier=world["supplier"], actor=world["user"], changes={a.pk: 12, str(b.pk): "7"}
    )
    assert [v.pk for v in result] == sorted([a.pk, b.pk])
    assert stocks(a, b) == [12, 7]
    event = audit_events_for(a).filter(action="stock.update").get()
    assert event.changes == {"stock": [5, 12]} and event.actor == world["user"]
    assert not audit_events_for(b).filter(action="stock.update").exists()  # unchanged
    stocked["product"].refresh_from_db()
    assert stocked["product"].total_stock == 19


def test_stock_update_many_with_a_foreign_id_changes_nothing(world, stocked):
    a, foreign = stocked["a"], stocked["foreign"]
    for changes in ({a.pk: 1, foreign.pk: 0}, {a.pk: 1, 999999: 3}, {a.pk: 1, "abc": 3}, {a.pk: 1, -4: 3}):
        with pytest.raises(ValidationError) as exc_info:
            stock_update_many(supplier=world["supplier"], actor=None, changes=changes)
        assert codes(exc_info.value) == {"__all__": ["not_found"]}
    assert stocks(a, foreign) == [5, 50]


@pytest.mark.parametrize("bad", [-1, "-3", "2.5", 2.5, "1e3", "9" * 40, 10**7, "", "十", None])
def test_stock_update_many_refuses_bad_quantities_all_or_nothing(world, stocked, bad):
    a, b = stocked["a"], stocked["b"]
    with pytest.raises(ValidationError) as exc_info:
        stock_update_many(supplier=world["supplier"], actor=None, changes={a.pk: 9, b.pk: bad})
    assert codes(exc_info.value) == {str(b.pk): ["invalid_stock"]}
    assert stocks(a, b) == [5, 7]
    assert not audit_events_for(a).filter(action="stock.update").exists()


def test_stock_update_many_with_nothing_is_nothing(world):
    assert stock_update_many(supplier=world["supplier"], actor=None, changes={}) == []

"""Staff review of products and price monitoring (services and their SQL twins)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Product, ProductStatus, ProductVariant
from catalog.selectors import products_awaiting_review
from catalog.services.review import (
    flagged_variants,
    has_overpriced_variant,
    has_variant_needing_price_review,
    product_approve,
    product_review_approve,
    product_review_reject,
    variant_price_accept,
)
from shop.common.audit import audit_events_for
from shop.common.models import AuditEvent
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
P = ProductStatus


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", is_staff=True)


def submitted_product(price: str, market: str = "100.00", **kwargs) -> tuple[Product, ProductVariant]:
    product = ProductFactory(status=P.SUBMITTED, is_published=False, with_variant=False, **kwargs)
    variant = ProductVariant.objects.create(
        product=product, sku=f"SKU-{product.slug}", spec="5斤/箱", unit="箱",
        price=Decimal(price), market_price=Decimal(market), stock=10,
    )
    return product, variant


def flagged_in_sql(variant: ProductVariant) -> bool:
    return flagged_variants().filter(pk=variant.pk).exists()


def test_an_overpriced_variant_blocks_approval_until_staff_accept_its_price(regions, reviewer):
    product, variant = submitted_product("140.00")
    with pytest.raises(ValidationError) as refused:
        product_review_approve(product=product, actor=reviewer)
    assert refused.value.code == "price_review_required"
    assert variant.sku in refused.value.messages[0] and "140.00" in refused.value.messages[0]
    product.refresh_from_db()
    assert (product.status, product.is_published, product.is_visible) == (P.SUBMITTED, False, False)
    assert not AuditEvent.objects.exists()  # a refusal writes nothing

    accepted = variant_price_accept(variant=variant, actor=reviewer)
    assert (accepted.price_accepted, accepted.price_accepted_by) == (Decimal("140.00"), reviewer)
    assert accepted.price_accepted_at is not None
    assert not accepted.needs_price_review

    approved = product_review_approve(product=product, actor=reviewer)
    assert (approved.status, approved.is_published) == (P.APPROVED, True)
    assert Product.objects.visible().filter(pk=product.pk).exists()

    accept_row = audit_events_for(variant).get()
    assert (accept_row.action, accept_row.actor) == ("variant.price_accept", reviewer)
    assert accept_row.changes == {"price_accepted": [None, "140.00"]}
    assert accept_row.reason == "¥140.00 / ¥100.00 = 1.40×"
    approve_row = audit_events_for(product).get()
    assert (approve_row.action, approve_row.actor) == ("product.approve", reviewer)
    assert approve_row.changes == {"status": ["submitted", "approved"], "is_published": [False, True]}


def test_the_plain_approve_service_refuses_too(regions):
    product, _variant = submitted_product("150.00")
    with pytest.raises(ValidationError) as refused:
        product_approve(product=product)
    assert refused.value.code == "price_review_required"


def test_acceptance_lapses_when_the_price_changes(regions, reviewer):
    product, variant = submitted_product("140.00")
    variant_price_accept(variant=variant, actor=reviewer)
    variant.refresh_from_db()
    variant.price = Decimal("145.00")
    variant.save(update_fields=["price"])

    assert variant.needs_price_review
    assert Product.objects.filter(has_variant_needing_price_review(), pk=product.pk).exists()
    with pytest.raises(ValidationError) as refused:
        product_review_approve(product=product, actor=reviewer)
    assert refused.value.code == "price_review_required"

    # The acceptance is of a value: the accepted price is fine again, any other is not.
    variant.price = Decimal("140.00")
    variant.save(update_fields=["price"])
    assert not variant.needs_price_review
    assert not Product.objects.filter(has_variant_needing_price_review(), pk=product.pk).exists()


@pytest.mark.parametrize(
    ("price", "market", "flagged"),
    [
        ("130.00", "100.00", False),  # exactly 1.3×
        ("131.00", "100.00", True),  # 1.31×
        ("130.01", "100.00", True),
        ("43.03", "33.10", False),  # exactly 1.3× where floats would round
        ("43.04", "33.10", True),
        ("0.13", "0.10", False),
        ("0.14", "0.10", True),
    ],
)
def test_only_a_price_above_the_multiple_is_flagged(regions, price, market, flagged):
    product, variant = submitted_product(price, market)
    assert variant.is_overpriced is flagged
    assert flagged_in_sql(variant) is flagged
    assert Product.objects.filter(has_overpriced_variant(), pk=product.pk).exists() is flagged


def test_a_price_at_exactly_the_multiple_is_approved_without_acceptance(regions, reviewer):
    product, _variant = submitted_product("130.00")
    assert product_review_approve(product=product, actor=reviewer).is_visible


def test_a_product_without_market_price_is_never_flagged(regions, reviewer):
    product, variant = submitted_product("999.00")
    variant.market_price = None
    variant.save(update_fields=["market_price"])
    assert not flagged_in_sql(variant)
    assert product_review_approve(product=product, actor=reviewer).status == P.APPROVED


@pytest.mark.parametrize(
    ("multiple", "price", "flagged"),
    [("1.5", "150.00", False), ("1.5", "150.01", True), ("1.25", "125.00", False), ("1.25", "126.00", True)],
)
def test_the_multiple_follows_the_setting(regions, settings, reviewer, multiple, price, flagged):
    settings.PRICE_ALERT_MULTIPLE = multiple
    product, variant = submitted_product(price)
    assert variant.is_overpriced is flagged
    assert flagged_in_sql(variant) is flagged
    if flagged:
        with pytest.raises(ValidationError):
            product_review_approve(product=product, actor=reviewer)
    else:
        assert product_review_approve(product=product, actor=reviewer).status == P.APPROVED


def test_an_inactive_overpriced_variant_does_not_block(regions, reviewer):
    product, variant = submitted_product("100.00")
    ProductVariant.objects.create(
        product=product, sku="OLD-1", spec="旧规格", unit="箱", price=Decimal("500.00"),
        market_price=Decimal("100.00"), is_active=False,
    )
    assert product_review_approve(product=product, actor=reviewer).is_published


def test_a_fair_price_has_nothing_to_accept(regions, reviewer):
    _product, variant = submitted_product("120.00")
    with pytest.raises(ValidationError) as refused:
        variant_price_accept(variant=variant, actor=reviewer)
    assert refused.value.code == "price_not_flagged"
    variant.refresh_from_db()
    assert variant.price_accepted is None


def test_accepting_twice_records_once(regions, reviewer):
    _product, variant = submitted_product("140.00")
    variant_price_accept(variant=variant, actor=reviewer)
    variant_price_accept(variant=variant, actor=reviewer)
    assert audit_events_for(variant).count() == 1


def test_reject_needs_a_reason(regions, reviewer):
    product, _variant = submitted_product("100.00")
    for empty in ("", "   "):
        with pytest.raises(ValidationError) as refused:
            product_review_reject(product=product, actor=reviewer, reason=empty)
        assert refused.value.error_dict["reason"][0].code == "required"
    product.refresh_from_db()
    assert product.status == P.SUBMITTED
    assert not AuditEvent.objects.exists()

    rejected = product_review_reject(product=product, actor=reviewer, reason="  图片与实物不符 ")
    assert (rejected.status, rejected.status_reason) == (P.REJECTED, "图片与实物不符")
    row = audit_events_for(product).get()
    assert (row.action, row.actor, row.reason) == ("product.reject", reviewer, "图片与实物不符")
    assert row.changes["status"] == ["submitted", "rejected"]
    assert row.changes["status_reason"] == ["", "图片与实物不符"]


def test_an_invalid_review_step_changes_nothing_and_records_nothing(regions, reviewer):
    draft = ProductFactory(status=P.DRAFT, is_published=False)
    with pytest.raises(ValidationError):
        product_review_approve(product=draft, actor=reviewer)
    with pytest.raises(ValidationError):
        product_review_reject(product=draft, actor=reviewer, reason="不完整")
    draft.refresh_from_db()
    assert draft.status == P.DRAFT
    assert not AuditEvent.objects.exists()


def test_the_review_queue_puts_submitted_products_first(regions, reviewer):
    live_dear = ProductFactory(name="已上架高价", with_variant=False)
    ProductVariant.objects.create(
        product=live_dear, sku="LIVE-1", spec="1斤", unit="斤", price=Decimal("90.00"),
        market_price=Decimal("50.00"),
    )
    submitted, _variant = submitted_product("100.00", name="待审核")
    accepted = ProductFactory(name="已接受高价", with_variant=False)
    dear = ProductVariant.objects.create(
        product=accepted, sku="ACC-1", spec="1斤", unit="斤", price=Decimal("90.00"),
        market_price=Decimal("50.00"),
    )
    variant_price_accept(variant=dear, actor=reviewer)
    ProductFactory(name="草稿", status=P.DRAFT, is_published=False)
    ProductFactory(name="公道价")

    queue = list(products_awaiting_review())
    assert [p.name for p in queue] == ["待审核", "已上架高价"]
    assert [v.sku for v in queue[1].flagged_variants] == ["LIVE-1"]
    assert queue[0].flagged_variants == []

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Product, ProductStatus
from catalog.services.review import product_approve, product_reject, product_set_status
from suppliers.models import SupplierStatus
from suppliers.services.status import (
    supplier_approve,
    supplier_recommend,
    supplier_reinstate,
    supplier_reject,
    supplier_suspend,
)
from tests.factories import ProductFactory, SupplierFactory

pytestmark = pytest.mark.django_db


def test_application_goes_county_then_platform(regions):
    supplier = SupplierFactory(status=SupplierStatus.APPLIED)
    with pytest.raises(ValidationError) as exc:
        supplier_approve(supplier=supplier)  # the county has not recommended it yet
    assert exc.value.code == "invalid_transition"
    supplier_recommend(supplier=supplier)
    supplier = supplier_approve(supplier=supplier)
    assert supplier.status == SupplierStatus.APPROVED and supplier.status_changed_at


def test_rejection_needs_a_reason_and_changes_nothing_without_one(regions):
    supplier = SupplierFactory(status=SupplierStatus.APPLIED)
    with pytest.raises(ValidationError) as exc:
        supplier_reject(supplier=supplier, reason="  ")
    assert "reason" in exc.value.message_dict
    supplier.refresh_from_db()
    assert supplier.status == SupplierStatus.APPLIED


def test_repeated_click_is_idempotent(regions):
    supplier = SupplierFactory(status=SupplierStatus.RECOMMENDED)
    first = supplier_approve(supplier=supplier)
    second = supplier_approve(supplier=supplier)
    assert first.status_changed_at == second.status_changed_at


def test_suspending_a_supplier_hides_its_listings_at_once(regions):
    product = ProductFactory()
    assert Product.objects.visible().filter(pk=product.pk).exists()
    supplier_suspend(supplier=product.supplier, reason="食品安全抽检不合格")
    assert not Product.objects.visible().filter(pk=product.pk).exists()


def test_product_review(regions):
    product = ProductFactory(status=ProductStatus.SUBMITTED, is_published=False)
    with pytest.raises(ValidationError):
        product_reject(product=product, reason="")
    product = product_approve(product=product)
    assert product.status == ProductStatus.APPROVED and product.is_published
    assert Product.objects.visible().filter(pk=product.pk).exists()
    product = product_set_status(product=product, status=ProductStatus.ARCHIVED)
    assert not product.is_published
    with pytest.raises(ValidationError):
        product_set_status(product=product, status=ProductStatus.APPROVED)


def test_reinstating_a_supplier_brings_back_only_its_published_approved_listings(regions):
    supplier = SupplierFactory()
    live = ProductFactory(supplier=supplier)
    draft = ProductFactory(supplier=supplier, status=ProductStatus.DRAFT, is_published=False)
    supplier_suspend(supplier=supplier, reason="整改")
    assert not Product.objects.visible().filter(supplier=supplier).exists()
    supplier_reinstate(supplier=supplier)
    visible = set(Product.objects.visible().filter(supplier=supplier))
    assert visible == {live} and draft not in visible


def test_only_a_suspended_supplier_can_be_reinstated(regions):
    supplier = SupplierFactory(status=SupplierStatus.RECOMMENDED)
    with pytest.raises(ValidationError) as exc:
        supplier_reinstate(supplier=supplier)
    assert exc.value.code == "invalid_transition"
    supplier.refresh_from_db()
    assert supplier.status == SupplierStatus.RECOMMENDED

"""Staff edits in the admin go through the services: the same rules (field errors on the
row, nothing written), the same locks and the same audit rows as the portal and the API,
many-to-many changes included."""

import pytest
from django.urls import reverse

from catalog.models import ProductStatus, ProductVariant
from shop.common.audit import audit_events_for
from shop.common.models import AuditEvent
from suppliers.models import SupplierStatus
from tests.admin.conftest import change_form_data
from tests.factories import CertificationFactory, ProductFactory
from tests.world_catalog import add_image

pytestmark = pytest.mark.django_db


def change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def errors_of(response) -> list:
    return [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms]


@pytest.mark.parametrize("field, value", [
    ("stock", "-5"), ("stock", "abc"), ("price", "1.234"), ("price", "0"), ("min_order_qty", "0"),
])
def test_a_bad_variant_value_is_a_field_error_on_its_row_and_writes_nothing(staff, regions, field, value):
    product = ProductFactory()
    variant = product.variants.get()
    data = change_form_data(staff.get(change_url(product)))
    data[f"variants-0-{field}"] = value
    events = AuditEvent.objects.count()
    response = staff.post(change_url(product), data)
    assert response.status_code == 200
    assert field in errors_of(response)[0]
    assert ProductVariant.objects.get(pk=variant.pk).stock == variant.stock
    assert ProductVariant.objects.get(pk=variant.pk).price == variant.price
    assert AuditEvent.objects.count() == events


def test_price_and_stock_edits_are_audited_like_the_portal(staff, regions, superuser):
    product = ProductFactory()
    variant = product.variants.get()
    data = change_form_data(staff.get(change_url(product)))
    data["variants-0-price"], data["variants-0-stock"] = "66.50", "7"
    assert staff.post(change_url(product), data).status_code == 302
    actions = {e.action: e for e in audit_events_for(variant)}
    assert actions["variant.update"].changes == {"price": ["88.00", "66.50"]}
    assert actions["stock.update"].changes == {"stock": [variant.stock, 7]}
    assert actions["stock.update"].actor == superuser


def test_an_overpriced_price_set_in_the_admin_sends_an_approved_product_back_to_review(staff, regions):
    product = ProductFactory(status=ProductStatus.APPROVED, is_published=True)
    variant = product.variants.get()
    ProductVariant.objects.filter(pk=variant.pk).update(market_price="60.00")
    data = change_form_data(staff.get(change_url(product)))
    data["variants-0-price"] = "99.00"  # above the alert multiple of the market price
    assert staff.post(change_url(product), data).status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED and not product.is_visible


def test_unticking_active_archives_and_an_archived_variant_stays_archived(staff, regions):
    product = ProductFactory(status=ProductStatus.DRAFT)
    variant = product.variants.get()
    data = change_form_data(staff.get(change_url(product)))
    data.pop("variants-0-is_active", None)
    assert staff.post(change_url(product), data).status_code == 302
    assert not ProductVariant.objects.get(pk=variant.pk).is_active
    assert audit_events_for(variant).filter(action="variant.archive").exists()
    data = change_form_data(staff.get(change_url(product)))
    data["variants-0-is_active"] = "on"
    response = staff.post(change_url(product), data)
    assert response.status_code == 200 and "is_active" in errors_of(response)[0]
    assert not ProductVariant.objects.get(pk=variant.pk).is_active
    assert "variants-0-DELETE" not in data  # variants are never deleted


def test_a_new_variant_row_is_created_by_the_service_with_its_audit_row(staff, regions):
    product = ProductFactory()
    data = change_form_data(staff.get(change_url(product)))
    data.update({
        "variants-TOTAL_FORMS": "2", "variants-1-sku": "LC-OIL-10", "variants-1-spec": "10斤/箱", "variants-1-unit": "箱",
        "variants-1-price": "120.00", "variants-1-stock": "-1", "variants-1-min_order_qty": "1",
        "variants-1-lead_time_days": "3", "variants-1-position": "1", "variants-1-is_active": "on",
        "variants-1-product": str(product.pk),
    })
    response = staff.post(change_url(product), data)
    assert response.status_code == 200 and "stock" in errors_of(response)[1]
    assert product.variants.count() == 1
    data["variants-1-stock"] = "30"
    assert staff.post(change_url(product), data).status_code == 302
    new = product.variants.get(spec="10斤/箱")
    assert new.sku == "LC-OIL-10" and new.stock == 30
    assert audit_events_for(new).get().action == "variant.create"


def test_alt_text_and_certifications_are_audited(staff, regions):
    product = ProductFactory()
    image = add_image(product, alt="旧说明")
    cert = CertificationFactory(supplier=product.supplier)
    data = change_form_data(staff.get(change_url(product)))
    data["images-0-alt"] = "山茶油礼盒"
    data["certifications"] = [str(cert.pk)]
    assert staff.post(change_url(product), data).status_code == 302
    image.refresh_from_db()
    assert image.alt == "山茶油礼盒"
    events = {e.action: e.changes for e in audit_events_for(product)}
    assert events["image.update"] == {"alt": ["旧说明", "山茶油礼盒"]}
    assert events["product.update"] == {"certifications": ["", str(cert.pk)]}


def test_staff_may_still_correct_a_suspended_suppliers_stock(staff, regions):
    product = ProductFactory()
    product.supplier.status = SupplierStatus.SUSPENDED
    product.supplier.save()
    data = change_form_data(staff.get(change_url(product)))
    data["variants-0-stock"] = "0"
    assert staff.post(change_url(product), data).status_code == 302
    assert product.variants.get().stock == 0

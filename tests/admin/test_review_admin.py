"""Staff review products in the admin: the review queue, the review panel on the product
page (approve and publish, reject with a reason, accept a flagged price) and list actions."""

import io
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from catalog.models import Product, ProductStatus, ProductVariant
from shop.common.audit import audit_events_for
from shop.common.models import AuditEvent
from tests.admin.conftest import change_form_data, messages_of
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:catalog_product_changelist")
P = ProductStatus


def url(name: str, *args) -> str:
    return reverse(f"admin:catalog_product_{name}", args=args)


def with_variant(product: Product, sku: str, price: str, market: str = "100.00") -> ProductVariant:
    return ProductVariant.objects.create(
        product=product, sku=sku, spec="5斤/箱", unit="箱", price=Decimal(price),
        market_price=Decimal(market), stock=5,
    )


@pytest.fixture
def dear(regions):
    """A submitted product with one fair and one overpriced (1.4×) variant."""
    product = ProductFactory(name="高价山茶油", status=P.SUBMITTED, is_published=False, with_variant=False)
    with_variant(product, "FAIR-1", "100.00")
    with_variant(product, "DEAR-1", "140.00")
    return product


def english_client(user) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_the_review_queue_lists_submitted_products_first_with_their_flagged_prices(staff, regions, dear):
    live = ProductFactory(name="已上架高价", with_variant=False)
    with_variant(live, "LIVE-1", "90.00", "50.00")
    fair = ProductFactory(name="待审核公道价", status=P.SUBMITTED, is_published=False)
    ProductFactory(name="已上架公道价")

    response = staff.get(CHANGELIST, {"review": "awaiting"})
    names = [p.name for p in response.context["cl"].result_list]
    assert set(names[:2]) == {dear.name, fair.name}
    assert names[2:] == [live.name]
    html = response.content.decode()
    assert "DEAR-1: ¥140.00 / ¥100.00 = 1.40×" in html
    assert "LIVE-1: ¥90.00 / ¥50.00 = 1.80×" in html
    assert "FAIR-1:" not in html
    assert html.count("awaiting acceptance</span>") == 2

    only_prices = staff.get(CHANGELIST, {"review": "price"}).context["cl"].result_list
    assert {p.name for p in only_prices} == {dear.name, live.name}


def test_the_review_queue_runs_a_constant_number_of_queries(staff, regions):
    def make(n: int) -> None:
        for i in range(n):
            product = ProductFactory(status=P.SUBMITTED, is_published=False, with_variant=False)
            with_variant(product, f"Q-{product.pk}-{i}", "150.00")

    make(3)
    staff.get(CHANGELIST, {"review": "awaiting"})
    with CaptureQueriesContext(connection) as few:
        staff.get(CHANGELIST, {"review": "awaiting"})
    make(27)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(CHANGELIST, {"review": "awaiting"})
    assert response.context["cl"].result_count == 30
    assert len(many) == len(few)


def test_approval_waits_for_the_price_to_be_accepted_on_the_product_page(staff, superuser, dear):
    page = staff.get(url("change", dear.pk)).content.decode()
    assert 'id="review-panel"' in page
    assert "Accept price" in page
    assert 'value="Approve and publish" disabled' in page

    refused = staff.post(url("review_approve", dear.pk))
    assert refused.status_code == 302
    assert any("DEAR-1" in m and "accept the price" in m for m in messages_of(refused))
    dear.refresh_from_db()
    assert (dear.status, dear.is_published) == (P.SUBMITTED, False)

    variant = dear.variants.get(sku="DEAR-1")
    accepted = staff.post(url("accept_price", dear.pk, variant.pk))
    assert accepted.status_code == 302
    assert "Price of DEAR-1 5斤/箱 accepted at ¥140.00." in messages_of(accepted)
    variant.refresh_from_db()
    assert (variant.price_accepted, variant.price_accepted_by) == (Decimal("140.00"), superuser)
    page = staff.get(url("change", dear.pk)).content.decode()
    assert 'value="Approve and publish" disabled' not in page
    assert "Accept price" not in page

    approved = staff.post(url("review_approve", dear.pk))
    assert f"“{dear.name}” approved and published." in messages_of(approved)
    assert Product.objects.visible().filter(pk=dear.pk).exists()
    assert [(e.action, e.actor) for e in AuditEvent.objects.order_by("id")] == [
        ("variant.price_accept", superuser), ("product.approve", superuser),
    ]


def test_reject_from_the_product_page_needs_a_reason(staff, superuser, dear):
    assert staff.get(url("review_reject", dear.pk)).status_code == 200
    refused = staff.post(url("review_reject", dear.pk), {"reason": "  "})
    assert refused.status_code == 400
    assert refused.context["form"].errors["reason"] == ["Give a reason."]
    dear.refresh_from_db()
    assert dear.status == P.SUBMITTED

    done = staff.post(url("review_reject", dear.pk), {"reason": "价格明显高于市场价"})
    assert done.status_code == 302
    dear.refresh_from_db()
    assert (dear.status, dear.status_reason) == (P.REJECTED, "价格明显高于市场价")
    row = audit_events_for(dear).get()
    assert (row.action, row.actor, row.reason) == ("product.reject", superuser, "价格明显高于市场价")


def test_list_action_accepts_the_flagged_prices_of_the_selected_products(staff, superuser, regions, dear):
    other = ProductFactory(status=P.SUBMITTED, is_published=False, with_variant=False)
    with_variant(other, "DEAR-2", "200.00")
    fair = ProductFactory(status=P.SUBMITTED, is_published=False)
    data = {"action": "accept_flagged_prices", ACTION_CHECKBOX_NAME: [dear.pk, other.pk, fair.pk]}
    response = staff.post(CHANGELIST, data)
    assert "2 prices accepted." in messages_of(response)
    accepted = ProductVariant.objects.filter(price_accepted__isnull=False)
    assert sorted(accepted.values_list("sku", flat=True)) == ["DEAR-1", "DEAR-2"]
    assert set(AuditEvent.objects.values_list("action", "actor")) == {("variant.price_accept", superuser.pk)}

    again = staff.post(CHANGELIST, data)
    assert "None of the selected products has a price awaiting acceptance." in messages_of(again)

    approved = staff.post(CHANGELIST, {"action": "approve_and_publish", ACTION_CHECKBOX_NAME: [dear.pk, other.pk]})
    assert "2 products approved and published." in messages_of(approved)


def test_list_approve_action_reports_the_price_block_per_product(staff, dear):
    response = staff.post(CHANGELIST, {"action": "approve_and_publish", ACTION_CHECKBOX_NAME: [dear.pk]})
    assert any(m.startswith(f"{dear.name}:") and "DEAR-1" in m for m in messages_of(response))
    dear.refresh_from_db()
    assert dear.status == P.SUBMITTED


def test_publishing_by_hand_is_refused_while_a_price_awaits_acceptance(staff, regions):
    product = ProductFactory(is_published=False, with_variant=False)  # approved, unpublished
    with_variant(product, "HAND-1", "300.00")
    data = change_form_data(staff.get(url("change", product.pk)))
    data["is_published"] = "on"
    response = staff.post(url("change", product.pk), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["is_published"]
    product.refresh_from_db()
    assert not product.is_published


def test_form_edits_of_prices_and_stock_are_recorded_with_old_and_new_values(staff, superuser, regions):
    product = ProductFactory(name="龙川大米")
    data = change_form_data(staff.get(url("change", product.pk)))
    data["variants-0-price"] = "99.00"
    data["summary"] = "新米上市"
    assert staff.post(url("change", product.pk), data).status_code == 302
    variant = product.variants.get()
    price_row = audit_events_for(variant).get()
    assert (price_row.action, price_row.actor) == ("variant.update", superuser)
    assert price_row.changes == {"price": ["88.00", "99.00"]}
    product_row = audit_events_for(product).get()
    assert (product_row.action, product_row.changes) == ("product.update", {"summary": ["", "新米上市"]})

    data = change_form_data(staff.get(url("change", product.pk)))
    data["variants-0-stock"] = "7"
    staff.post(url("change", product.pk), data)
    assert audit_events_for(variant).first().action == "stock.update"

    # The price change shows in the product's trail, newest first, as "field: old → new".
    page = staff.get(url("change", product.pk)).content.decode()
    assert "Audit trail" in page
    assert page.index("stock: 50 → 7") < page.index("price (CNY): 88.00 → 99.00")
    history = staff.get(url("audit", product.pk))
    assert history.status_code == 200
    assert "summary: — → 新米上市" in history.content.decode()


def test_a_variant_archived_in_the_form_stays_in_the_products_trail(staff, regions):
    """Variants are never deleted (order lines point at them): unticking "active" archives
    one through ``variant_archive``, and the product's trail shows it."""
    product = ProductFactory()
    with_variant(product, "GONE-1", "50.00")
    data = change_form_data(staff.get(url("change", product.pk)))
    index = next(i for i in range(2) if data[f"variants-{i}-sku"] == "GONE-1")
    assert f"variants-{index}-DELETE" not in data
    data.pop(f"variants-{index}-is_active", None)
    assert staff.post(url("change", product.pk), data).status_code == 302
    gone = product.variants.get(sku="GONE-1")
    assert not gone.is_active
    [row] = audit_events_for(gone)
    assert (row.action, row.changes) == ("variant.archive", {"is_active": [True, False]})
    assert "variant.archive" in staff.get(url("change", product.pk)).content.decode()


def test_review_buttons_refuse_non_staff_and_staff_without_change_permission(regions, dear):
    variant = dear.variants.get(sku="DEAR-1")
    targets = [url("review_approve", dear.pk), url("review_reject", dear.pk), url("accept_price", dear.pk, variant.pk)]

    buyer = english_client(UserFactory(username="buyer"))
    for target in targets:
        response = buyer.post(target, {"reason": "x"})
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_product"))
    viewer_client = english_client(viewer)
    assert viewer_client.get(url("change", dear.pk)).status_code == 200
    for target in targets:
        assert viewer_client.post(target, {"reason": "x"}).status_code == 403
    anonymous = Client().post(targets[0])
    assert anonymous.status_code == 302

    dear.refresh_from_db()
    variant.refresh_from_db()
    assert (dear.status, variant.price_accepted) == (P.SUBMITTED, None)
    assert not AuditEvent.objects.exists()


def test_bad_requests_get_4xx(staff, regions, dear):
    other = ProductFactory()
    foreign = other.variants.get()
    assert staff.get(url("review_approve", dear.pk)).status_code == 405
    assert staff.get(url("accept_price", dear.pk, foreign.pk)).status_code == 405
    assert staff.post(url("accept_price", dear.pk, foreign.pk)).status_code == 404
    assert staff.post(url("review_approve", 999999)).status_code == 404
    assert staff.post(url("review_reject", dear.pk), {"reason": "x" * 300}).status_code == 400
    fair = dear.variants.get(sku="FAIR-1")
    response = staff.post(url("accept_price", dear.pk, fair.pk))
    assert any("nothing to accept" in m for m in messages_of(response))
    fair.refresh_from_db()
    assert fair.price_accepted is None


def test_photos_added_in_the_form_are_recorded_with_the_staff_member(staff, superuser, regions):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 40)).save(buf, "JPEG")
    product = ProductFactory()
    data = change_form_data(staff.get(url("change", product.pk)))
    data["images-TOTAL_FORMS"] = "1"
    data["images-0-image"] = SimpleUploadedFile("a.jpg", buf.getvalue(), content_type="image/jpeg")
    data["images-0-alt"] = "正面"
    data["images-0-position"] = "0"
    assert staff.post(url("change", product.pk), data).status_code == 302
    row = audit_events_for(product).get()
    assert (row.action, row.actor) == ("image.add", superuser)
    assert "image added (image.add)" in staff.get(url("change", product.pk)).content.decode()

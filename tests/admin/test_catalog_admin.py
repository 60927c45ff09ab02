"""Staff review products, edit variants and images from the product admin."""

import io
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from suppliers.models import SupplierStatus
from tests.admin.conftest import change_form_data, messages_of
from tests.factories import DAHUA, CategoryFactory, ProductFactory, SupplierFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:catalog_product_changelist")
P = ProductStatus


def act(client, action, products, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [p.pk for p in products], **extra}
    return client.post(CHANGELIST, data)


def change_url(product) -> str:
    return reverse("admin:catalog_product_change", args=[product.pk])


def jpeg_bytes(size=(64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buf, "JPEG")
    return buf.getvalue()


def test_approve_and_publish_puts_a_submitted_product_on_the_storefront(staff, regions):
    product = ProductFactory(status=P.SUBMITTED, is_published=False)
    response = act(staff, "approve_and_publish", [product])
    assert "1 product approved and published." in messages_of(response)
    assert Product.objects.visible().filter(pk=product.pk).exists()


def test_a_draft_cannot_be_approved_and_the_error_names_it(staff, regions):
    draft = ProductFactory(status=P.DRAFT, is_published=False, name="七百弄鸡草稿")
    submitted = ProductFactory(status=P.SUBMITTED, is_published=False)
    response = act(staff, "approve_and_publish", [draft, submitted])
    draft.refresh_from_db()
    submitted.refresh_from_db()
    assert (draft.status, draft.is_published) == (P.DRAFT, False)
    assert (submitted.status, submitted.is_published) == (P.APPROVED, True)
    assert any(t.startswith("七百弄鸡草稿:") and "cannot go from" in t for t in messages_of(response))


def test_reject_needs_a_reason_and_takes_the_product_down(staff, regions):
    product = ProductFactory(status=P.SUBMITTED, is_published=False)
    assert act(staff, "reject", [product]).status_code == 200  # the reason page
    refused = act(staff, "reject", [product], apply="1", reason="")
    assert refused.status_code == 400
    product.refresh_from_db()
    assert product.status == P.SUBMITTED
    act(staff, "reject", [product], apply="1", reason="图片与实物不符")
    product.refresh_from_db()
    assert (product.status, product.status_reason) == (P.REJECTED, "图片与实物不符")


def test_unpublish_removes_the_product_from_the_storefront_but_keeps_its_review(staff, regions):
    product = ProductFactory()
    act(staff, "unpublish", [product])
    product.refresh_from_db()
    assert (product.status, product.is_published) == (P.APPROVED, False)
    assert not Product.objects.visible().filter(pk=product.pk).exists()


def test_overpriced_products_are_flagged_in_the_list(staff, regions):
    fair = ProductFactory(name="公道价山茶油")
    dear = ProductFactory(name="高价山茶油")
    ProductVariant.objects.create(
        product=dear, sku="DEAR-2", spec="5斤/桶", unit="桶", price=Decimal("130.01"),
        market_price=Decimal("100.00"), stock=1,
    )
    at_limit = ProductFactory(name="临界价山茶油", with_variant=False)
    ProductVariant.objects.create(
        product=at_limit, sku="LIMIT-1", spec="5斤/桶", unit="桶", price=Decimal("130.00"),
        market_price=Decimal("100.00"), stock=1,
    )
    response = staff.get(CHANGELIST)
    rows = {p.name: p._overpriced for p in response.context["cl"].result_list}
    assert rows == {fair.name: False, dear.name: True, at_limit.name: False}
    assert [v.is_overpriced for v in at_limit.variants.all()] == [False]
    assert response.content.decode().count("⚠ overpriced") == 1
    flagged = staff.get(CHANGELIST, {"overpriced": "yes"}).context["cl"].result_list
    assert [p.name for p in flagged] == [dear.name]
    # The variant row that is too dear is flagged on the product page too.
    page = staff.get(change_url(dear)).content.decode()
    assert page.count("⚠ overpriced") == 1


def test_search_and_filters(staff, regions):
    oil = ProductFactory(name="龙川山茶油", slug="longchuan-camellia-oil")
    chicken = ProductFactory(name="七百弄鸡", supplier=SupplierFactory(county_code=DAHUA, legal_name="大化七百弄鸡养殖场"))
    hidden = ProductFactory(name="停售山羊肉", supplier=SupplierFactory(status=SupplierStatus.SUSPENDED))

    def names(**params):
        return {p.name for p in staff.get(CHANGELIST, params).context["cl"].result_list}

    assert names(q="山茶") == {oil.name}
    assert names(q="七百弄鸡养殖场") == {chicken.name}
    assert names(q="camellia") == {oil.name}
    assert names(county__code__exact=DAHUA) == {chicken.name}
    assert names(supplier_status=SupplierStatus.SUSPENDED) == {hidden.name}
    assert names(category__id__exact=oil.category_id) == {oil.name}


def test_editing_variants_in_the_change_form_refreshes_the_listing_summary(staff, regions):
    product = ProductFactory()
    data = change_form_data(staff.get(change_url(product)))
    assert data["variants-0-price"] == "88.00"
    data["variants-0-price"] = "66.50"
    data["variants-0-stock"] = "7"
    response = staff.post(change_url(product), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    product.refresh_from_db()
    assert (product.min_price, product.total_stock) == (Decimal("66.50"), 7)


def test_an_html_file_named_jpg_is_refused_on_the_image_field(staff, regions):
    product = ProductFactory()
    data = change_form_data(staff.get(change_url(product)))
    data["images-TOTAL_FORMS"] = "1"
    data["images-0-image"] = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    data["images-0-alt"] = "伪装的图片"
    data["images-0-position"] = "0"
    response = staff.post(change_url(product), data)
    assert response.status_code == 200
    formset = next(f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "images")
    assert formset.forms[0].errors["image"]
    assert not ProductImage.objects.filter(product=product).exists()


def test_an_uploaded_photo_is_stored_re_encoded_under_a_new_name(staff, regions):
    product = ProductFactory()
    data = change_form_data(staff.get(change_url(product)))
    data["images-TOTAL_FORMS"] = "1"
    data["images-0-image"] = SimpleUploadedFile("我的照片.jpg", jpeg_bytes(), content_type="image/jpeg")
    data["images-0-alt"] = "山茶油"
    data["images-0-position"] = "0"
    response = staff.post(change_url(product), data)
    assert response.status_code == 302
    image = ProductImage.objects.get(product=product)
    assert (image.alt, image.width, image.height, image.position) == ("山茶油", 64, 48, 0)
    assert "我的照片" not in image.image.name
    with image.image.open("rb") as fh:
        assert Image.open(fh).format == "JPEG"

    # Deleting it in the inline goes through the service too.
    data = change_form_data(staff.get(change_url(product)))
    data["images-0-DELETE"] = "on"
    assert staff.post(change_url(product), data).status_code == 302
    assert not ProductImage.objects.filter(product=product).exists()


def test_images_are_reordered_from_their_positions_and_get_thumbnails(
    staff, regions, django_capture_on_commit_callbacks
):
    product = ProductFactory()
    data = change_form_data(staff.get(change_url(product)))
    data["images-TOTAL_FORMS"] = "2"
    for i, alt in enumerate(("正面", "背面")):
        data[f"images-{i}-image"] = SimpleUploadedFile(f"{i}.jpg", jpeg_bytes(), content_type="image/jpeg")
        data[f"images-{i}-alt"] = alt
        data[f"images-{i}-position"] = "0"
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(change_url(product), data).status_code == 302
    images = list(product.images.order_by("position"))
    assert [(i.alt, i.position) for i in images] == [("正面", 0), ("背面", 1)]
    assert all(set(i.thumbnails) == {"160", "480", "960"} for i in images)

    data = change_form_data(staff.get(change_url(product)))
    data["images-0-position"], data["images-1-position"] = "1", "0"
    assert staff.post(change_url(product), data).status_code == 302
    assert [i.alt for i in product.images.order_by("position")] == ["背面", "正面"]


def test_product_regions_autocomplete_offers_only_the_right_level(staff, regions):
    url = reverse("admin:autocomplete")
    params = {"app_label": "catalog", "model_name": "product", "field_name": "township", "term": ""}
    ids = [r["id"] for r in staff.get(url, params).json()["results"]]
    assert ids and all(len(code) == 9 for code in ids)
    params["field_name"] = "village"
    ids = [r["id"] for r in staff.get(url, params).json()["results"]]
    assert ids and all(len(code) == 12 for code in ids)


def test_changelist_query_count_does_not_grow_with_rows(staff, regions):
    category = CategoryFactory(slug="grain")
    for _ in range(3):
        ProductFactory(category=category)
    staff.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        assert staff.get(CHANGELIST).status_code == 200
    supplier = SupplierFactory(county_code=DAHUA)
    for _ in range(27):
        ProductFactory(supplier=supplier, category=CategoryFactory())
    with CaptureQueriesContext(connection) as many:
        response = staff.get(CHANGELIST)
    assert response.context["cl"].result_count == 30
    assert len(many) == len(few)

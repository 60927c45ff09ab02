"""Supplier portal: the photos of a listing (several uploads at once, reorder, main photo,
delete) and the stock page (many variants in one all-or-nothing POST)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import ProductVariant
from catalog.services.listings import variant_create
from shop.common.audit import audit_events_for
from shop.common.models import AuditEvent
from tests.world import png_upload

pytestmark = pytest.mark.django_db



@pytest.fixture
def owner(client, portal_world):
    client.force_login(portal_world["owner"])
    return client


def order(product) -> list[int]:
    return list(product.images.order_by("position").values_list("pk", flat=True))


# --- Photos ---------------------------------------------------------------------------------


def test_upload_several_photos_at_once(owner, portal_world, django_capture_on_commit_callbacks):
    product = portal_world["our_product"]
    url = f"/portal/products/{product.pk}/images/"
    with django_capture_on_commit_callbacks(execute=True):  # the thumbnail task runs after commit
        response = owner.post(
            url, {"once": "u1", "photos": [png_upload("a.png"), png_upload("b.png", (200, 30, 30))]}
        )
    assert response.status_code == 302 and response["Location"] == url
    assert product.images.count() == 3
    page = owner.get(url)
    html = page.content.decode()
    assert html.count('class="card photo"') == 3
    assert 'multiple accept="image/jpeg,image/png,image/webp"' in html
    for image in product.images.order_by("position")[1:]:
        assert image.thumbnails and image.thumbnail_url(480) in html  # thumbnails are shown
    # The same POST again: recognised, nothing added.
    owner.post(url, {"once": "u1", "photos": [png_upload("a.png")]})
    assert product.images.count() == 3
    assert audit_events_for(product).filter(action="image.add", actor=portal_world["owner"]).count() == 2


def _bomb() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, format="PNG")
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    "bad",
    [
        lambda: SimpleUploadedFile("page.jpg", b"<!DOCTYPE html><html><body>x</body></html>", content_type="image/jpeg"),
        lambda: SimpleUploadedFile("notes.txt", "只是文字".encode(), content_type="text/plain"),
        lambda: SimpleUploadedFile("empty.png", b"", content_type="image/png"),
        _bomb,
    ],
)
def test_a_bad_file_refuses_the_batch_with_a_message_naming_it(owner, portal_world, bad, settings):
    settings.IMAGE_MAX_PIXELS = 50_000_000 // 1000
    product = portal_world["our_product"]
    before = order(product)
    upload = bad()
    response = owner.post(f"/portal/products/{product.pk}/images/", {"photos": [png_upload("good.png"), upload]})
    assert response.status_code == 400
    html = response.content.decode()
    assert upload.name in html and 'role="alert"' in html
    assert order(product) == before


def test_upload_with_no_file_is_a_400(owner, portal_world):
    product = portal_world["our_product"]
    assert owner.post(f"/portal/products/{product.pk}/images/", {}).status_code == 400


def test_move_main_and_delete(owner, portal_world):
    product = portal_world["our_product"]
    base = f"/portal/products/{product.pk}/images/"
    owner.post(base, {"photos": [png_upload("b.png"), png_upload("c.png")]})
    a, b, c = order(product)
    assert owner.post(f"{base}{a}/move/", {"position": "3"}).status_code == 302
    assert order(product) == [b, c, a]
    owner.post(f"{base}{a}/move/", {"position": "3"})  # the same request again: no change
    assert order(product) == [b, c, a]
    assert owner.post(f"{base}{c}/main/").status_code == 302
    assert order(product) == [c, b, a]
    assert owner.post(f"{base}{b}/delete/", {"once": "d1"}).status_code == 302
    assert order(product) == [c, a]
    # A double click on "delete" posts the same token again: no 404, nothing else removed.
    response = owner.post(f"{base}{b}/delete/", {"once": "d1"})
    assert response.status_code == 302 and order(product) == [c, a]
    actions = [e.action for e in audit_events_for(product)][:4]
    assert actions == ["image.delete", "image.reorder", "image.reorder", "image.add"]


@pytest.mark.parametrize("position", ["0", "9", "-1", "x", "", "１"])
def test_move_to_an_impossible_position_is_a_400(owner, portal_world, position):
    product = portal_world["our_product"]
    owner.post(f"/portal/products/{product.pk}/images/", {"photos": [png_upload()]})
    before = order(product)
    response = owner.post(f"/portal/products/{product.pk}/images/{before[0]}/move/", {"position": position})
    assert response.status_code == 400 and order(product) == before


# --- Stock ----------------------------------------------------------------------------------


@pytest.fixture
def variants(portal_world):
    product = portal_world["our_product"]
    second = variant_create(product=product, actor=None, spec="1L/瓶", unit="瓶", price="150", stock=4)
    return [product.variants.order_by("pk").first(), second]


def stock_form(variants, **values) -> dict[str, str]:
    data = {}
    for v in variants:
        data[f"stock-{v.pk}"] = str(values.get(str(v.pk), v.stock))
        data[f"was-{v.pk}"] = str(v.stock)
    return data


def stocks(variants) -> list[int]:
    return [ProductVariant.objects.get(pk=v.pk).stock for v in variants]


def test_stock_page_lists_our_variants_only(owner, portal_world, variants):
    html = owner.get("/portal/stock/").content.decode()
    for v in variants:
        assert f'name="stock-{v.pk}"' in html
    foreign = portal_world["their_product"].variants.get()
    assert f'name="stock-{foreign.pk}"' not in html


def test_stock_saved_in_one_post(owner, portal_world, variants):
    a, b = variants
    response = owner.post("/portal/stock/", stock_form(variants, **{str(a.pk): "0", str(b.pk): " 35 "}))
    assert response.status_code == 302 and response["Location"] == "/portal/stock/"
    assert stocks(variants) == [0, 35]
    events = AuditEvent.objects.filter(action="stock.update")
    assert events.count() == 2 and {e.actor for e in events} == {portal_world["owner"]}
    portal_world["our_product"].refresh_from_db()
    assert portal_world["our_product"].total_stock == 35
    # Posting the same page again changes nothing more.
    owner.post("/portal/stock/", stock_form(variants, **{str(a.pk): "0", str(b.pk): "35"}))
    assert AuditEvent.objects.filter(action="stock.update").count() == 2


@pytest.mark.parametrize("bad", ["-1", "2.5", "abc", "99999999999", "1e3", "５"])
def test_one_bad_quantity_saves_nothing_and_marks_the_field(owner, variants, bad):
    a, b = variants
    response = owner.post("/portal/stock/", stock_form(variants, **{str(a.pk): "12", str(b.pk): bad}))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="stock-{b.pk}-error"' in html and f'id="stock-{a.pk}-error"' not in html
    assert f'value="{bad}"' in html  # what was typed is kept
    assert stocks(variants) == [20, 4]


def test_a_foreign_variant_in_the_post_is_404_and_changes_nothing(owner, portal_world, variants):
    foreign = portal_world["their_product"].variants.get()
    data = stock_form(variants, **{str(variants[0].pk): "1"}) | {f"stock-{foreign.pk}": "0"}
    assert owner.post("/portal/stock/", data).status_code == 404
    assert stocks([*variants, foreign]) == [20, 4, 20]
    data = {"stock-abc": "1", f"stock-{variants[0].pk}": "3"}
    assert owner.post("/portal/stock/", data).status_code == 404
    assert stocks(variants) == [20, 4]


def test_a_stale_page_does_not_overwrite_stock_it_did_not_touch(owner, variants):
    a, b = variants
    page = stock_form(variants)  # the page as rendered
    ProductVariant.objects.filter(pk=b.pk).update(stock=99)  # someone else (an order) meanwhile
    owner.post("/portal/stock/", page | {f"stock-{a.pk}": "15"})
    assert stocks(variants) == [15, 99]

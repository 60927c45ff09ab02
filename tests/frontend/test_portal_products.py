"""Supplier portal: dashboard, product list, creating and editing a listing with its
specifications, submitting, archiving; bad input comes back with messages and a 400."""

from decimal import Decimal

import pytest

from catalog.models import Product, ProductStatus, ProductVariant
from catalog.services.listings import variant_update
from catalog.services.review import product_reject
from shop.common.audit import audit_events_for
from shop.common.models import AuditEvent
from tests.factories import DUAN, first_township
from tests.frontend.conftest import switch_to_english
from tests.world import listing, png_upload

pytestmark = pytest.mark.django_db



@pytest.fixture
def owner(client, portal_world):
    client.force_login(portal_world["owner"])
    return client


def product_data(world, **overrides) -> dict[str, str]:
    """A complete product form with one specification row."""
    data = {
        "once": "", "name": "龙川高山茶油", "name_en": "", "category": str(world["category"].pk),
        "summary": "冷榨一级", "description": "", "township": world["township"].code,
        "village": world["village"].code, "certifications": [str(world["cert"].pk)],
        "poor_households": "12", "shelf_life_days": "540", "storage": "阴凉干燥处",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "0",
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "50",
        "variants-0-id": "", "variants-0-spec": "500ml/瓶", "variants-0-unit": "瓶",
        "variants-0-price": "98.00", "variants-0-market_price": "110", "variants-0-min_order_qty": "2",
        "variants-0-stock": "40", "variants-0-lead_time_days": "3", "variants-0-sku": "",
    }
    data.update(overrides)
    return data


def edit_data(product: Product, **overrides) -> dict[str, str]:
    """The edit form as the page renders it (every active specification, one empty row)."""
    product.refresh_from_db()
    variants = list(product.variants.filter(is_active=True).order_by("position", "id"))
    data = {
        "name": product.name, "name_en": product.name_en, "category": str(product.category_id),
        "summary": product.summary, "description": product.description,
        "township": product.township_id, "village": product.village_id or "",
        "certifications": [str(c.pk) for c in product.certifications.all()],
        "poor_households": str(product.poor_households), "shelf_life_days": product.shelf_life_days or "",
        "storage": product.storage,
        "variants-TOTAL_FORMS": str(len(variants) + 1), "variants-INITIAL_FORMS": str(len(variants)),
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "50",
    }
    for i, v in enumerate([*variants, None]):
        values = {
            "id": v.pk if v else "", "spec": v.spec if v else "", "unit": v.unit if v else "",
            "price": v.price if v else "", "market_price": (v.market_price or "") if v else "",
            "min_order_qty": v.min_order_qty if v else 1, "stock": v.stock if v else 0,
            "lead_time_days": v.lead_time_days if v else 3, "sku": v.sku if v else "",
        }
        data.update({f"variants-{i}-{k}": str(val) for k, val in values.items()})
    data.update(overrides)
    return data


def test_dashboard_shows_counts_low_stock_rejections_and_the_team(owner, portal_world):
    low = listing(portal_world["ours"], portal_world["category"], name="龙川柿饼", stock=3)
    rejected = listing(portal_world["ours"], portal_world["category"], name="龙川大米",
                       status=ProductStatus.SUBMITTED, is_published=False)
    product_reject(product=rejected, reason="照片不清晰")
    html = owner.get("/portal/").content.decode()
    assert low.name in html and "照片不清晰" in html and "龙川大米" in html
    assert "/portal/team/" in html
    assert portal_world["their_product"].name not in html
    assert 'lang="zh-hans"' in html


def test_product_list_filters_by_status_and_search(owner, portal_world):
    rejected = listing(portal_world["ours"], portal_world["category"], name="龙川大米",
                       status=ProductStatus.SUBMITTED, is_published=False)
    product_reject(product=rejected, reason="价格过高")
    html = owner.get("/portal/products/?status=rejected").content.decode()
    assert "龙川大米" in html and "龙川山茶油" not in html
    html = owner.get("/portal/products/?q=茶油").content.decode()
    assert "龙川山茶油" in html and "龙川大米" not in html
    sku = portal_world["our_product"].variants.get().sku
    assert "龙川山茶油" in owner.get(f"/portal/products/?q={sku}").content.decode()
    response = owner.get("/portal/products/?status=bogus&q=" + "x" * 100)
    assert response.status_code == 400
    assert "龙川山茶油" in response.content.decode()  # the unfiltered list still shows


def test_the_form_offers_only_our_townships_and_certifications(owner, portal_world):
    html = owner.get("/portal/products/new/").content.decode()
    assert portal_world["township"].name in html
    assert first_township(DUAN).name not in html
    assert "AGI01234" in html and "AGI09999" not in html


def test_create_a_product_with_a_specification(owner, portal_world):
    response = owner.post("/portal/products/new/", product_data(portal_world, once="tok-1"))
    product = Product.objects.get(name="龙川高山茶油")
    assert response.status_code == 302
    assert response["Location"] == f"/portal/products/{product.pk}/images/"
    assert product.status == ProductStatus.DRAFT and product.supplier == portal_world["ours"]
    assert product.county_id == portal_world["township"].parent_id
    assert list(product.certifications.all()) == [portal_world["cert"]]
    variant = product.variants.get()
    assert (variant.price, variant.min_order_qty, variant.stock) == (Decimal("98.00"), 2, 40)
    assert product.min_price == Decimal("98.00") and product.total_stock == 40
    assert audit_events_for(product).get().actor == portal_world["owner"]
    # The same form posted again (double click, reload): no second product.
    again = owner.post("/portal/products/new/", product_data(portal_world, once="tok-1"))
    assert again.status_code == 302 and Product.objects.filter(name="龙川高山茶油").count() == 1


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"township": "not-a-code"}, "township"),
        ({"variants-0-price": "0"}, "variants-0-price"),
        ({"variants-0-price": "-3"}, "variants-0-price"),
        ({"variants-0-price": "12.345"}, "variants-0-price"),
        ({"variants-0-stock": "-1"}, "variants-0-stock"),
        ({"variants-0-stock": "2.5"}, "variants-0-stock"),
        ({"variants-0-stock": "99999999999999999999"}, "variants-0-stock"),
        ({"variants-0-min_order_qty": "0"}, "variants-0-min_order_qty"),
        ({"certifications": ["999999"]}, "certifications"),
        ({"variants-0-sku": "含 空格"}, "variants-0-sku"),
        ({"name": "茶\x00油"}, "name"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_saved(owner, portal_world, overrides, field):
    before = (Product.objects.count(), ProductVariant.objects.count(), AuditEvent.objects.count())
    response = owner.post("/portal/products/new/", product_data(portal_world, **overrides))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="field-error"' in html and f'id="id_{field}_error"' in html
    assert (Product.objects.count(), ProductVariant.objects.count(), AuditEvent.objects.count()) == before


def test_a_township_of_another_county_is_refused(owner, portal_world):
    data = product_data(portal_world, township=first_township(DUAN).code, village="")
    response = owner.post("/portal/products/new/", data)
    assert response.status_code == 400 and not Product.objects.filter(name="龙川高山茶油").exists()


def test_a_duplicate_sku_in_a_row_undoes_the_whole_form(owner, portal_world):
    taken = portal_world["their_product"].variants.get().sku
    response = owner.post("/portal/products/new/", product_data(portal_world, **{"variants-0-sku": taken}))
    assert response.status_code == 400
    assert 'id="id_variants-0-sku_error"' in response.content.decode()
    assert not Product.objects.filter(name="龙川高山茶油").exists()


def test_edit_an_approved_product_sends_it_back_to_review(owner, portal_world):
    product = portal_world["our_product"]
    response = owner.post(f"/portal/products/{product.pk}/", edit_data(product, name="龙川山茶油（新榨）"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED and not product.is_visible
    page = owner.get(response["Location"]).content.decode()
    assert "龙川山茶油（新榨）" in page


def test_edit_specifications_add_change_and_remove(owner, portal_world):
    product = portal_world["our_product"]
    first = product.variants.get()
    data = edit_data(product, **{
        "variants-0-stock": "7", "variants-0-lead_time_days": "5",
        "variants-1-spec": "1L/瓶", "variants-1-unit": "瓶", "variants-1-price": "150",
        "variants-1-market_price": "160", "variants-1-stock": "9",
    })
    assert owner.post(f"/portal/products/{product.pk}/", data).status_code == 302
    first.refresh_from_db()
    assert (first.stock, first.lead_time_days) == (7, 5)
    second = product.variants.exclude(pk=first.pk).get()
    assert second.spec == "1L/瓶" and second.stock == 9
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED and product.total_stock == 16
    assert [e.action for e in audit_events_for(first)][:2] == ["stock.update", "variant.update"]
    data = edit_data(product, **{"variants-0-archive": "on"})
    assert owner.post(f"/portal/products/{product.pk}/", data).status_code == 302
    first.refresh_from_db()
    assert not first.is_active
    # Removing the last one of an approved product is refused, with the reason.
    response = owner.post(f"/portal/products/{product.pk}/", edit_data(product, **{"variants-0-archive": "on"}))
    assert response.status_code == 400
    assert ProductVariant.objects.get(pk=second.pk).is_active


def test_an_overpriced_price_is_flagged_and_unpublished(owner, portal_world):
    product = portal_world["our_product"]
    response = owner.post(f"/portal/products/{product.pk}/", edit_data(product, **{"variants-0-price": "200"}))
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED and not product.is_visible
    html = owner.get(f"/portal/products/{product.pk}/").content.decode()
    assert "¥200.00" in html and "¥60.00" in html  # the flagged price and its market price


def test_a_foreign_variant_id_in_the_form_is_404_and_changes_nothing(owner, portal_world):
    product = portal_world["our_product"]
    foreign = portal_world["their_product"].variants.get()
    data = edit_data(product, **{"variants-0-id": str(foreign.pk), "variants-0-stock": "1"})
    assert owner.post(f"/portal/products/{product.pk}/", data).status_code == 404
    foreign.refresh_from_db()
    assert foreign.stock == 20
    assert not audit_events_for(foreign).filter(action="stock.update").exists()


def test_submit_needs_a_photo_then_goes_to_review(owner, portal_world):
    draft = listing(portal_world["ours"], portal_world["category"], name="龙川柿饼", images=0,
                    status=ProductStatus.DRAFT, is_published=False)
    response = owner.post(f"/portal/products/{draft.pk}/submit/")
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == ProductStatus.DRAFT
    owner.post(f"/portal/products/{draft.pk}/images/", {"photos": [png_upload()]})
    response = owner.post(f"/portal/products/{draft.pk}/submit/")
    assert response.status_code == 302
    assert owner.post(f"/portal/products/{draft.pk}/submit/").status_code == 302  # twice: harmless
    draft.refresh_from_db()
    assert draft.status == ProductStatus.SUBMITTED
    assert audit_events_for(draft).filter(action="product.submit").count() == 1


def test_archive_and_restore(owner, portal_world):
    product = portal_world["our_product"]
    assert owner.post(f"/portal/products/{product.pk}/archive/").status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED and not product.is_visible
    response = owner.post(f"/portal/products/{product.pk}/", edit_data(product, name="改名"))
    assert response.status_code == 400
    assert owner.post(f"/portal/products/{product.pk}/restore/").status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT and product.name == "龙川山茶油"


def test_variant_price_change_elsewhere_shows_on_the_list(owner, portal_world):
    variant = portal_world["our_product"].variants.get()
    variant_update(variant=variant, actor=None, price="45.5")
    assert "¥45.50" in owner.get("/portal/products/").content.decode()


def test_english_is_available(owner, portal_world):
    switch_to_english(owner)
    html = owner.get("/portal/products/new/").content.decode()
    assert 'lang="en"' in html and "Specifications and prices" in html

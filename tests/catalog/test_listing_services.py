"""The listing services behind the supplier portal: validation with codes, audit rows,
review and price rules, and the all-or-nothing stock batch."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.images import (
    product_image_add,
    product_image_delete,
    product_image_set_main,
    product_images_add,
)
from catalog.services.listings import (
    product_archive,
    product_create,
    product_restore,
    product_submit,
    product_update,
    stock_update_many,
    variant_archive,
    variant_create,
    variant_update,
)
from shop.common.audit import audit_events_for
from shop.regions.models import Region
from suppliers.models import SupplierStatus
from tests.factories import (
    DUAN,
    LONGCHUAN,
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
    first_township,
    first_village,
)

pytestmark = pytest.mark.django_db


def png(color=(40, 120, 60), size=(64, 48)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def codes(exc: ValidationError) -> dict[str, list[str]]:
    """Field -> codes (``__all__`` for errors that name no field)."""
    if hasattr(exc, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}
    return {"__all__": [e.code for e in exc.error_list]}


@pytest.fixture
def world(regions):
    supplier = SupplierFactory(county_code=LONGCHUAN)
    township = first_township(LONGCHUAN)
    return {
        "supplier": supplier,
        "user": UserFactory(username="owner"),
        "category": CategoryFactory(slug="oil", name="粮油"),
        "township": township,
        "village": first_village(township),
        "cert": CertificationFactory(supplier=supplier),
    }


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


# --- Products -------------------------------------------------------------------------------


def test_create_makes_a_draft_in_the_township_county_with_an_audit_row(world):
    product = create(world, certifications=[world["cert"].pk], name_en=" Camellia oil ")
    assert product.status == ProductStatus.DRAFT and not product.is_visible
    assert product.county_id == LONGCHUAN and product.name_en == "Camellia oil"
    assert product.slug.isascii() and product.slug.startswith("p-")
    assert list(product.certifications.all()) == [world["cert"]]
    event = audit_events_for(product).get()
    assert event.action == "product.create" and event.actor == world["user"]
    assert event.changes["name"] == [None, "龙川山茶油"]
    assert create(world).slug != product.slug


@pytest.mark.parametrize(
    "overrides, field, code",
    [
        ({"name": "  "}, "name", "required"),
        ({"name": "茶\x00油"}, "name", "invalid"),
        ({"name": "油" * 129}, "name", "invalid"),
        ({"category": None}, "category", "required"),
        ({"poor_households": -3}, "poor_households", "invalid_quantity"),
        ({"shelf_life_days": "2.5"}, "shelf_life_days", "invalid_quantity"),
        ({"certifications": ["x"]}, "certifications", "invalid_certification"),
        ({"certifications": [10**40]}, "certifications", "invalid_certification"),
    ],
)
def test_create_refuses_bad_fields_with_codes(world, overrides, field, code):
    with pytest.raises(ValidationError) as exc_info:
        create(world, **overrides)
    assert code in codes(exc_info.value)[field]
    assert not Product.objects.exists()


def test_origin_must_be_in_the_suppliers_county(world):
    duan_township = first_township(DUAN)
    with pytest.raises(ValidationError) as exc_info:
        create(world, township=duan_township, village=None)
    assert codes(exc_info.value) == {"township": ["invalid_region"]}
    baoan_street = Region.objects.filter(level="street").first()
    with pytest.raises(ValidationError) as exc_info:
        create(world, township=baoan_street, village=None)
    assert codes(exc_info.value) == {"township": ["invalid_region"]}
    other_township_village = first_village(
        Region.objects.filter(parent_id=LONGCHUAN, level="township").order_by("-code").first()
    )
    with pytest.raises(ValidationError) as exc_info:
        create(world, village=other_township_village)
    assert codes(exc_info.value) == {"village": ["invalid_region"]}
    with pytest.raises(ValidationError) as exc_info:
        create(world, township="441622100")  # not a Region
    assert "township" in codes(exc_info.value)
    assert not Product.objects.exists()


def test_certifications_must_be_the_suppliers_own(world):
    foreign = CertificationFactory(supplier=SupplierFactory())
    with pytest.raises(ValidationError) as exc_info:
        create(world, certifications=[world["cert"], foreign])
    assert codes(exc_info.value) == {"certifications": ["invalid_certification"]}


def test_a_supplier_not_yet_approved_cannot_create(world):
    world["supplier"].status = SupplierStatus.APPLIED
    world["supplier"].save()
    with pytest.raises(ValidationError) as exc_info:
        create(world)
    assert codes(exc_info.value) == {"__all__": ["supplier_not_approved"]}


def test_editing_a_reviewed_field_of_an_approved_product_sends_it_back_to_review(world):
    product = approved_product(world)
    product = product_update(product=product, actor=world["user"], storage="阴凉处", shelf_life_days="365")
    assert product.status == ProductStatus.APPROVED and product.is_visible
    product = product_update(product=product, actor=world["user"], name="龙川高山茶油")
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED
    assert not product.is_published and not product.is_visible
    assert "龙川高山茶油" in product.search_text
    event = audit_events_for(product).filter(action="product.update").first()
    assert event.changes["name"][1] == "龙川高山茶油"
    assert event.changes["status"] == ["approved", "submitted"]
    assert event.actor == world["user"]


def test_update_with_no_change_records_nothing(world):
    product = create(world)
    before = audit_events_for(product).count()
    product_update(product=product, actor=world["user"], name="龙川山茶油")
    assert audit_events_for(product).count() == before


def test_update_validates_like_create_and_changes_nothing(world):
    product = create(world)
    with pytest.raises(ValidationError) as exc_info:
        product_update(product=product, actor=None, name="", township=first_township(DUAN))
    assert set(codes(exc_info.value)) == {"name", "township"}
    product.refresh_from_db()
    assert product.name == "龙川山茶油" and product.township == world["township"]


def test_submit_needs_a_variant_and_a_photo(world):
    product = create(world)
    with pytest.raises(ValidationError) as exc_info:
        product_submit(product=product, actor=world["user"])
    assert sorted(codes(exc_info.value)["__all__"]) == ["no_active_variant", "no_image"]
    variant_create(product=product, actor=None, spec="1斤", unit="袋", price="12.50")
    product_image_add(product=product, upload=png())
    product = product_submit(product=product, actor=world["user"])
    assert product.status == ProductStatus.SUBMITTED
    assert product_submit(product=product, actor=world["user"]).status == ProductStatus.SUBMITTED
    assert audit_events_for(product).filter(action="product.submit").count() == 1


def test_submit_refused_for_a_suspended_supplier_and_from_approved(world):
    product = approved_product(world)
    with pytest.raises(ValidationError) as exc_info:
        product_submit(product=product, actor=None)
    assert codes(exc_info.value) == {"__all__": ["invalid_transition"]}
    draft = create(world)
    variant_create(product=draft, actor=None, spec="1斤", unit="袋", price="12.50")
    product_image_add(product=draft, upload=png())
    world["supplier"].status = SupplierStatus.SUSPENDED
    world["supplier"].save()
    with pytest.raises(ValidationError) as exc_info:
        product_submit(product=Product.objects.get(pk=draft.pk), actor=None)
    assert codes(exc_info.value) == {"__all__": ["supplier_not_approved"]}


def test_archive_takes_it_off_the_storefront_and_restore_makes_a_draft(world):
    product = approved_product(world)
    product = product_archive(product=product, actor=world["user"])
    assert product.status == ProductStatus.ARCHIVED and not product.is_visible
    with pytest.raises(ValidationError) as exc_info:
        product_update(product=product, actor=None, name="新名字")
    assert codes(exc_info.value) == {"__all__": ["product_archived"]}
    assert product_archive(product=product, actor=None).status == ProductStatus.ARCHIVED
    product = product_restore(product=product, actor=world["user"])
    assert product.status == ProductStatus.DRAFT
    actions = list(audit_events_for(product).values_list("action", flat=True))
    assert actions[:2] == ["product.restore", "product.archive"]


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


# --- Images ---------------------------------------------------------------------------------


def test_image_services_record_who_did_what_on_the_product(world):
    product = create(world)
    user = world["user"]
    a = product_image_add(product=product, upload=png(), actor=user)
    b, c = product_images_add(product=product, uploads=[png((1, 2, 3)), png((9, 9, 9))], actor=user)
    assert [img.pk for img in product.images.order_by("position")] == [a.pk, b.pk, c.pk]
    product_image_set_main(image=c, actor=user)
    product_image_delete(image=a, actor=user)
    actions = [e.action for e in audit_events_for(product)]
    assert actions[:5] == ["image.delete", "image.reorder", "image.add", "image.add", "image.add"]
    reorder = audit_events_for(product).get(action="image.reorder")
    assert reorder.changes == {"images": [f"{a.pk}, {b.pk}, {c.pk}", f"{c.pk}, {a.pk}, {b.pk}"]}
    assert all(e.actor == user for e in audit_events_for(product).exclude(action="product.create"))


def test_several_uploads_are_all_or_nothing_with_an_error_per_file(world):
    product = create(world)
    fake = SimpleUploadedFile("x.jpg", b"<html><body>hi</body></html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc_info:
        product_images_add(product=product, uploads=[png(), fake, png()], actor=None)
    assert list(exc_info.value.error_dict) == ["1"]
    assert not ProductImage.objects.exists()
    with pytest.raises(ValidationError) as exc_info:
        product_images_add(product=product, uploads=[], actor=None)
    assert codes(exc_info.value) == {"uploads": ["required"]}


def test_a_product_has_a_limited_number_of_photos(world, settings):
    settings.PRODUCT_MAX_IMAGES = 2
    product = create(world)
    product_image_add(product=product, upload=png())
    with pytest.raises(ValidationError) as exc_info:
        product_images_add(product=product, uploads=[png(), png()], actor=None)
    assert codes(exc_info.value) == {"__all__": ["too_many_images"]}
    assert product.images.count() == 1


def test_changing_certifications_of_an_approved_product_is_reviewed_and_recorded(world):
    product = approved_product(world)
    second = CertificationFactory(supplier=world["supplier"])
    product = product_update(product=product, actor=world["user"], certifications=[world["cert"], second])
    assert product.status == ProductStatus.SUBMITTED
    assert set(product.certifications.all()) == {world["cert"], second}
    event = audit_events_for(product).get(action="product.update")
    assert event.changes["certifications"] == ["", f"{world['cert'].pk}, {second.pk}"]

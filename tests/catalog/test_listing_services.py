"""The product and image services behind the supplier portal: validation with codes, audit
rows and review rules. Variants and stock: ``test_variant_services``."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Product, ProductImage, ProductStatus
from catalog.services.images import (
    product_image_add,
    product_image_delete,
    product_image_set_main,
    product_images_add,
)
from catalog.services.listings import (
    product_archive,
    product_restore,
    product_submit,
    product_update,
    variant_create,
)
from shop.common.audit import audit_events_for
from shop.regions.models import Region
from suppliers.models import SupplierStatus
from tests.catalog.listing_world import approved_product, codes, create, png
from tests.factories import (
    DUAN,
    LONGCHUAN,
    CertificationFactory,
    SupplierFactory,
    first_township,
    first_village,
)

pytestmark = pytest.mark.django_db


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

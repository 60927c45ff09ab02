"""Listings over the API: a supplier's team creates, edits, submits and archives its
products and variants; staff review them. Bad input gets field errors and changes nothing."""

import pytest

from catalog.models import Product, ProductStatus, ProductVariant
from shop.common.audit import audit_events_for
from tests.graphql.api_world import client_for, codes, database_snapshot, gid, payload, post
from tests.world import build_api_world

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
PRODUCT_FIELDS = """id name nameEn status statusReason isPublished isVisible summary storage shelfLifeDays
    poorHouseholds category { slug } county { code } township { code } village { code }
    certifications { id number } totalStock minPrice { amount } needsPriceReview
    variants { id sku spec unit price { amount fen } marketPrice { amount } stock minOrderQty leadTimeDays isActive }
    images { id position isMain }"""
CREATE = f"mutation($input: ProductCreateInput!) {{ productCreate(input: $input) {{ product {{ {PRODUCT_FIELDS} }} {ERRORS} }} }}"
UPDATE = f"mutation($id: ID!, $input: ProductUpdateInput!) {{ productUpdate(id: $id, input: $input) {{ product {{ {PRODUCT_FIELDS} }} {ERRORS} }} }}"
SUBMIT = f"mutation($id: ID!) {{ productSubmit(id: $id) {{ product {{ status }} {ERRORS} }} }}"
ARCHIVE = f"mutation($id: ID!) {{ productArchive(id: $id) {{ product {{ status isVisible }} {ERRORS} }} }}"
VARIANT_CREATE = f"""mutation($p: ID!, $input: VariantCreateInput!) {{ variantCreate(productId: $p, input: $input) {{
    variant {{ id sku price {{ amount }} stock isOverpriced needsPriceReview }} product {{ totalStock minPrice {{ amount }} }} {ERRORS} }} }}"""
VARIANT_UPDATE = f"""mutation($id: ID!, $input: VariantUpdateInput!) {{ variantUpdate(id: $id, input: $input) {{
    variant {{ price {{ amount }} stock }} product {{ status statusReason totalStock }} {ERRORS} }} }}"""
VARIANT_ARCHIVE = f"mutation($id: ID!) {{ variantArchive(id: $id) {{ variant {{ isActive }} product {{ totalStock }} {ERRORS} }} }}"
APPROVE = f"mutation($id: ID!) {{ productApprove(id: $id) {{ product {{ status isVisible }} {ERRORS} }} }}"
REJECT = f"mutation($id: ID!, $reason: String!) {{ productReject(id: $id, reason: $reason) {{ product {{ status statusReason }} {ERRORS} }} }}"
PRICE_ACCEPT = f"mutation($id: ID!) {{ variantPriceAccept(id: $id) {{ variant {{ needsPriceReview priceAccepted {{ amount }} }} {ERRORS} }} }}"


@pytest.fixture
def world(regions):
    return build_api_world()


@pytest.fixture
def owner(world):
    return client_for(world.owner)


def new_product(world, **extra):
    return {
        "name": "龙川山茶油(一级压榨)", "nameEn": "Longchuan camellia oil", "category": gid("Category", world.category),
        "township": world.township.code, "village": world.village.code, "summary": "古法压榨",
        "certifications": [gid("Certification", world.cert)], "poorHouseholds": 12, "shelfLifeDays": 540,
        "storage": "阴凉干燥处", **extra,
    }


def test_create_a_draft_listing_with_every_field(world, owner):
    result = payload(post(owner, CREATE, {"input": new_product(world)}), "productCreate")
    assert result["errors"] == []
    product = result["product"]
    assert product["status"] == "DRAFT" and product["isVisible"] is False
    assert product["county"]["code"] == world.ours.county_id and product["township"]["code"] == world.township.code
    assert product["certifications"] == [{"id": gid("Certification", world.cert), "number": "AGI01234"}]
    assert (product["shelfLifeDays"], product["poorHouseholds"], product["variants"]) == (540, 12, [])
    created = Product.objects.get(name="龙川山茶油(一级压榨)")
    assert created.supplier == world.ours
    [event] = audit_events_for(created)
    assert (event.action, event.actor) == ("product.create", world.owner)


def test_another_suppliers_member_creates_for_its_own_supplier_only(world):
    result = payload(post(client_for(world.stranger), CREATE, {"input": new_product(world, certifications=[])}), "productCreate")
    # Our township is not in their county: refused, nothing written under either supplier.
    assert codes({"data": {"x": result}}, "x") == [("township", "INVALID_REGION")]
    assert not Product.objects.filter(name="龙川山茶油(一级压榨)").exists()


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"name": "  "}, [("name", "REQUIRED")]),
        ({"township": "451228100"}, [("township", "INVALID_REGION")]),  # a township of Du'an
        ({"township": "nope"}, [("township", "INVALID_REGION")]),
        ({"village": "441622000000"}, [("village", "INVALID_REGION")]),  # no such village
        ({"village": "451228100001"}, [("village", "INVALID_REGION")]),  # a village of Du'an
        ({"category": "Q2F0ZWdvcnk6OTk5OTk="}, [("category", "INVALID_CATEGORY")]),  # Category:99999
        ({"poorHouseholds": -3}, [("poorHouseholds", "INVALID_QUANTITY")]),
        ({"shelfLifeDays": 0}, [("shelfLifeDays", "INVALID_QUANTITY")]),
        ({"name": "x" * 200}, [("name", "INVALID")]),
        ({"name": "茶油\x00"}, [("name", "INVALID_CHARACTERS")]),
    ],
)
def test_bad_product_input_is_refused_field_by_field(world, owner, changes, expected):
    before = database_snapshot()
    result = post(owner, CREATE, {"input": new_product(world, **changes)})
    assert codes(result, "productCreate") == expected
    assert all(e["message"] for e in payload(result, "productCreate")["errors"])
    assert database_snapshot() == before


def test_certifications_must_be_the_suppliers_own(world, owner):
    before = database_snapshot()
    result = post(owner, CREATE, {"input": new_product(world, certifications=[gid("Certification", world.their_cert)])})
    assert codes(result, "productCreate") == [("certifications", "INVALID_CERTIFICATION")]
    assert database_snapshot() == before


def test_update_changes_only_the_fields_sent(world, owner):
    result = payload(post(owner, UPDATE, {"id": gid("Product", world.product), "input": {"storage": "冷藏", "village": None}}), "productUpdate")
    assert result["errors"] == []
    product = Product.objects.get(pk=world.product.pk)
    assert (product.storage, product.village_id, product.name) == ("冷藏", None, "龙川山茶油")


def test_changing_a_reviewed_field_of_an_approved_listing_sends_it_back_to_review(world, owner):
    product = world.submitted
    post(client_for(world.staff), APPROVE, {"id": gid("Product", product)})
    assert Product.objects.get(pk=product.pk).is_visible
    storage = payload(post(owner, UPDATE, {"id": gid("Product", product), "input": {"storage": "常温"}}), "productUpdate")
    assert storage["product"]["status"] == "APPROVED"  # not reviewed: stays on sale
    renamed = payload(post(owner, UPDATE, {"id": gid("Product", product), "input": {"name": "龙川桂林绿茶"}}), "productUpdate")
    assert renamed["product"]["status"] == "SUBMITTED" and renamed["product"]["isVisible"] is False
    assert renamed["product"]["statusReason"]


def test_submit_needs_a_variant_and_a_photo(world, owner):
    created = payload(post(owner, CREATE, {"input": new_product(world)}), "productCreate")["product"]
    result = post(owner, SUBMIT, {"id": created["id"]})
    assert sorted(codes(result, "productSubmit")) == [(None, "NO_ACTIVE_VARIANT"), (None, "NO_IMAGE")]
    assert Product.objects.get(name="龙川山茶油(一级压榨)").status == ProductStatus.DRAFT
    ok = payload(post(owner, SUBMIT, {"id": gid("Product", world.product)}), "productSubmit")
    assert ok == {"product": {"status": "SUBMITTED"}, "errors": []}
    again = payload(post(owner, SUBMIT, {"id": gid("Product", world.product)}), "productSubmit")
    assert again["errors"] == []  # a double submit changes nothing


def test_a_suspended_supplier_cannot_submit(world, owner):
    world.ours.status = "suspended"
    world.ours.save()
    result = post(owner, SUBMIT, {"id": gid("Product", world.product)})
    assert codes(result, "productSubmit") == [(None, "SUPPLIER_NOT_APPROVED")]


def test_archive_takes_a_listing_off_the_storefront(world, owner):
    post(client_for(world.staff), APPROVE, {"id": gid("Product", world.submitted)})
    result = payload(post(owner, ARCHIVE, {"id": gid("Product", world.submitted)}), "productArchive")
    assert result == {"product": {"status": "ARCHIVED", "isVisible": False}, "errors": []}
    edit = post(owner, UPDATE, {"id": gid("Product", world.submitted), "input": {"name": "x"}})
    assert codes(edit, "productUpdate") == [(None, "PRODUCT_ARCHIVED")]


# --- Variants and stock ---------------------------------------------------------------------


def test_create_update_and_archive_a_variant(world, owner):
    created = payload(post(owner, VARIANT_CREATE, {"p": gid("Product", world.product), "input": {
        "spec": "1斤/瓶", "unit": "瓶", "price": "30.50", "marketPrice": 30, "stock": 5, "sku": "LC-OIL-1",
    }}), "variantCreate")
    assert created["errors"] == []
    assert created["variant"]["sku"] == "LC-OIL-1" and created["variant"]["price"] == {"amount": "30.50"}
    assert created["product"] == {"totalStock": 25, "minPrice": {"amount": "30.50"}}
    updated = payload(post(owner, VARIANT_UPDATE, {"id": created["variant"]["id"], "input": {"stock": 9}}), "variantUpdate")
    assert updated["variant"] == {"price": {"amount": "30.50"}, "stock": 9}
    archived = payload(post(owner, VARIANT_ARCHIVE, {"id": created["variant"]["id"]}), "variantArchive")
    assert archived == {"variant": {"isActive": False}, "product": {"totalStock": 20}, "errors": []}
    actions = sorted(e.action for e in audit_events_for(ProductVariant.objects.get(sku="LC-OIL-1")))
    assert actions == ["stock.update", "variant.archive", "variant.create"]


@pytest.mark.parametrize(
    "price, code",
    [("0", "PRICE_NOT_POSITIVE"), ("-5", "PRICE_NOT_POSITIVE"), ("0.00", "PRICE_NOT_POSITIVE"),
     ("abc", "INVALID_PRICE"), ("1.234", "INVALID_PRICE"), ("1e400", "INVALID_PRICE"), ("NaN", "INVALID_PRICE"),
     ("Infinity", "INVALID_PRICE"), ("99999999999", "INVALID_PRICE"), ("", "REQUIRED"), (0, "PRICE_NOT_POSITIVE")],
)
def test_bad_prices_are_refused(world, owner, price, code):
    before = database_snapshot()
    result = post(owner, VARIANT_UPDATE, {"id": gid("Variant", world.variant), "input": {"price": price}})
    assert codes(result, "variantUpdate") == [("price", code)]
    assert database_snapshot() == before


@pytest.mark.parametrize("price", [58.5, True, [1], {"a": 1}])
def test_prices_must_be_strings_or_whole_numbers(world, owner, price):
    before = database_snapshot()
    result = post(owner, VARIANT_UPDATE, {"id": gid("Variant", world.variant), "input": {"price": price}}, status=400)
    assert result["errors"][0]["message"]
    assert database_snapshot() == before


@pytest.mark.parametrize("stock", [-1, -2147483648])
def test_negative_stock_is_refused(world, owner, stock):
    before = database_snapshot()
    result = post(owner, VARIANT_UPDATE, {"id": gid("Variant", world.variant), "input": {"stock": stock}})
    assert codes(result, "variantUpdate") == [("stock", "INVALID_STOCK")]
    assert database_snapshot() == before


@pytest.mark.parametrize("stock", [1.5, 1e12, "12", "a lot", None, 2**31])
def test_fractional_huge_or_text_stock_is_a_request_error(world, owner, stock):
    before = database_snapshot()
    changes = [{"variantId": gid("Variant", world.variant), "stock": stock}]
    result = post(owner, "mutation($c: [StockChangeInput!]!) { stockUpdate(changes: $c) { errors { code } } }",
                  {"c": changes}, status=400)
    assert result["errors"][0]["message"]
    assert database_snapshot() == before


def test_stock_above_the_maximum_is_refused(world, owner):
    result = post(owner, VARIANT_UPDATE, {"id": gid("Variant", world.variant), "input": {"stock": 2_000_000_000}})
    assert codes(result, "variantUpdate") == [("stock", "INVALID_STOCK")]


STOCK = f"mutation($c: [StockChangeInput!]!) {{ stockUpdate(changes: $c) {{ variants {{ id stock }} {ERRORS} }} }}"


def test_stock_of_many_variants_at_once(world, owner):
    variants = [world.variant, world.submitted.variants.get(), world.overpriced]
    changes = [{"variantId": gid("Variant", v), "stock": n} for v, n in zip(variants, (0, 7, 1000), strict=True)]
    result = payload(post(owner, STOCK, {"c": changes}), "stockUpdate")
    assert result["errors"] == []
    assert sorted(v["stock"] for v in result["variants"]) == [0, 7, 1000]
    assert [ProductVariant.objects.get(pk=v.pk).stock for v in variants] == [0, 7, 1000]
    assert Product.objects.get(pk=world.product.pk).total_stock == 0


def test_stock_update_is_all_or_nothing(world, owner):
    before = database_snapshot()
    changes = [
        {"variantId": gid("Variant", world.variant), "stock": 3},
        {"variantId": gid("Variant", world.overpriced), "stock": -4},
    ]
    result = post(owner, STOCK, {"c": changes})
    assert codes(result, "stockUpdate") == [("changes.1.stock", "INVALID_STOCK")]
    assert database_snapshot() == before


def test_stock_update_with_another_suppliers_variant_changes_nothing(world, owner):
    before = database_snapshot()
    changes = [
        {"variantId": gid("Variant", world.variant), "stock": 3},
        {"variantId": gid("Variant", world.their_variant), "stock": 0},
    ]
    result = post(owner, STOCK, {"c": changes})
    assert codes(result, "stockUpdate") == [(None, "NOT_FOUND")]
    assert database_snapshot() == before


def test_stock_update_refuses_a_variant_listed_twice(world, owner):
    changes = [{"variantId": gid("Variant", world.variant), "stock": n} for n in (3, 4)]
    assert codes(post(owner, STOCK, {"c": changes}), "stockUpdate") == [("changes.1.variantId", "INVALID")]


# --- Staff review ---------------------------------------------------------------------------


def test_staff_approve_and_the_product_is_on_sale(world):
    staff = client_for(world.staff)
    result = payload(post(staff, APPROVE, {"id": gid("Product", world.submitted)}), "productApprove")
    assert result == {"product": {"status": "APPROVED", "isVisible": True}, "errors": []}
    storefront = post(client_for(), '{ products(filter: {search: "桂林茶"}) { edges { node { name } } } }')
    assert storefront["data"]["products"]["edges"] == [{"node": {"name": "龙川桂林茶"}}]


def test_an_overpriced_variant_blocks_approval_until_staff_accept_the_price(world):
    staff = client_for(world.staff)
    product_id = gid("Product", world.overpriced.product)
    blocked = post(staff, APPROVE, {"id": product_id})
    assert codes(blocked, "productApprove") == [(None, "PRICE_REVIEW_REQUIRED")]
    accepted = payload(post(staff, PRICE_ACCEPT, {"id": gid("Variant", world.overpriced)}), "variantPriceAccept")
    assert accepted == {"variant": {"needsPriceReview": False, "priceAccepted": {"amount": "99.00"}}, "errors": []}
    assert payload(post(staff, APPROVE, {"id": product_id}), "productApprove")["errors"] == []
    not_flagged = post(staff, PRICE_ACCEPT, {"id": gid("Variant", world.variant)})
    assert codes(not_flagged, "variantPriceAccept") == [(None, "PRICE_NOT_FLAGGED")]


def test_reject_needs_a_reason_which_the_supplier_then_reads(world):
    staff = client_for(world.staff)
    blank = post(staff, REJECT, {"id": gid("Product", world.submitted), "reason": "  "})
    assert codes(blank, "productReject") == [("reason", "REQUIRED")]
    payload(post(staff, REJECT, {"id": gid("Product", world.submitted), "reason": "图片模糊"}), "productReject")
    mine = post(client_for(world.owner), '{ myProducts(status: REJECTED) { edges { node { name statusReason } } } }')
    assert mine["data"]["myProducts"]["edges"] == [{"node": {"name": "龙川桂林茶", "statusReason": "图片模糊"}}]


def test_raising_a_price_of_an_approved_listing_sends_it_back_to_review(world, owner):
    post(client_for(world.staff), APPROVE, {"id": gid("Product", world.submitted)})
    variant = world.submitted.variants.get()
    result = payload(post(owner, VARIANT_UPDATE, {"id": gid("Variant", variant), "input": {"price": "100.00"}}), "variantUpdate")
    assert result["product"]["status"] == "SUBMITTED" and result["product"]["statusReason"]
    assert not Product.objects.get(pk=world.submitted.pk).is_visible

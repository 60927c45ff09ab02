"""Cart and checkout through the API: server-side prices, whole-number quantities, one order
per idempotency key, and the order as the buyer reads it back."""

import pytest

from catalog.models import ProductVariant
from orders.models import CartLine, Order, OrderStatus
from tests.graphql.orders_api import (
    CART,
    CHECKOUT,
    ERRORS,
    ORDER_FIELDS,
    add_to_cart,
    checkout_input,
    data,
    error_codes,
    gid,
    run,
)
from tests.world import build_order_world, key

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    return build_order_world()


def test_cart_lines_priced_on_the_server(world):
    result = add_to_cart(world, world.purchaser_a, world.variant_a, 2)
    payload = data(result, "cartLineAdd")
    assert payload["errors"] == []
    assert payload["cart"]["total"] == {"amount": "176.00", "fen": "17600"}
    add_to_cart(world, world.purchaser_a, world.variant_a, 1)
    add_to_cart(world, world.purchaser_a, world.variant_b, 3)
    cart = data(run(world.purchaser_a, f"{{ {CART} }}"), "cart")
    assert [(line["product"]["name"], line["quantity"], line["total"]["amount"]) for line in cart["lines"]] == [
        ("龙川山茶油", 3, "264.00"), ("都安山羊肉", 3, "136.50"),
    ]
    assert cart["total"]["amount"] == "400.50" and cart["quantity"] == 6 and cart["canCheckOut"]

    update = run(world.purchaser_a, f"""mutation($v: ID!) {{ cartLineUpdate(variantId: $v, quantity: 1) {{ {CART} {ERRORS} }} }}""",
                 {"v": gid("Variant", world.variant_a)})
    assert data(update, "cartLineUpdate")["cart"]["total"]["amount"] == "224.50"  # 88.00 + 3 × 45.50
    remove = run(world.purchaser_a, f"""mutation($v: ID!) {{ cartLineRemove(variantId: $v) {{ {CART} {ERRORS} }} }}""",
                 {"v": gid("Variant", world.variant_b)})
    assert data(remove, "cartLineRemove")["cart"]["total"]["amount"] == "88.00"
    # The cart is kept on the server: a new session sees it.
    assert data(run(world.purchaser_a, f"{{ {CART} }}"), "cart")["quantity"] == 1


@pytest.mark.parametrize("quantity, code", [(0, "INVALID_QUANTITY"), (-5, "INVALID_QUANTITY"), (51, "INSUFFICIENT_STOCK")])
def test_bad_quantities_are_field_errors(world, quantity, code):
    assert error_codes(add_to_cart(world, world.purchaser_a, world.variant_a, quantity), "cartLineAdd") == [("quantity", code)]
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", [1.5, "abc", 10**12, "2", True, None])
def test_quantities_that_are_not_graphql_ints_are_refused_by_the_schema(world, quantity):
    result = add_to_cart(world, world.purchaser_a, world.variant_a, quantity, status=400)
    assert result.get("data") is None
    assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert "Int" in result["errors"][0]["message"] or "null" in result["errors"][0]["message"]
    assert not CartLine.objects.exists()


def test_injected_price_or_total_is_rejected_by_the_schema(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 2)
    injected = run(world.purchaser_a, f"""mutation($v: ID!) {{
        cartLineAdd(variantId: $v, quantity: 1, price: "0.01") {{ {ERRORS} }} }}""", {"v": gid("Variant", world.variant_a)}, status=400)
    assert injected["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    checkout = run(world.purchaser_a, CHECKOUT, {"input": {**checkout_input(world), "total": "0.01"}}, status=400)
    assert checkout["errors"][0]["extensions"]["code"] == "BAD_REQUEST" and "total" in checkout["errors"][0]["message"]
    literal = run(world.purchaser_a, f"""mutation {{ checkoutComplete(input: {{addressId: "{gid('DeliveryAddress', world.address_a)}",
        fundingChannel: CANTEEN, idempotencyKey: "{key()}", unitPrice: "0.01"}}) {{ {ERRORS} }} }}""", status=400)
    assert literal["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert not Order.objects.exists()
    assert CartLine.objects.get().quantity == 2


def test_checkout_places_one_order_per_idempotency_key(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 2)
    add_to_cart(world, world.purchaser_a, world.variant_b, 3)
    variables = {"input": checkout_input(world, note="请送到后门", idempotency_key=key())}
    first = data(run(world.purchaser_a, CHECKOUT, variables), "checkoutComplete")
    again = data(run(world.purchaser_a, CHECKOUT, variables), "checkoutComplete")
    assert first["errors"] == [] and again["errors"] == []
    assert first["order"]["number"] == again["order"]["number"]
    assert Order.objects.count() == 1
    order = first["order"]
    assert order["status"] == "AWAITING_PAYMENT" and order["total"] == {"amount": "312.50", "fen": "31250"}
    assert order["organizationName"] == "宝安区新安街道测试社区" and order["placedBy"]
    assert order["delivery"]["label"] == "社区食堂" and order["note"] == "请送到后门"
    assert order["invoice"] == {"title": "宝安区新安街道测试社区", "taxNumber": "91440300MA5TEST01X"}
    assert order["paymentReference"].startswith("XF") and order["paymentDueAt"]
    assert sorted(f["supplierName"] for f in order["fulfilments"]) == ["都安县山羊养殖合作社", "龙川县山茶油合作社"]
    assert [e["kind"] for e in order["events"]] == ["PLACED"]
    assert ProductVariant.objects.get(pk=world.variant_a.pk).reserved == 2
    # The cart was emptied by the order.
    assert data(run(world.purchaser_a, f"{{ {CART} }}"), "cart")["lines"] == []


def test_checkout_input_errors_name_the_api_fields(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 1)
    result = run(world.purchaser_a, CHECKOUT, {"input": {
        **checkout_input(world, address=world.address_b, idempotency_key="short"),
        "fundingChannel": "OTHER", "taxNumber": "abc",
    }})
    assert sorted(error_codes(result, "checkoutComplete")) == [
        ("addressId", "INVALID_ADDRESS"), ("fundingChannel", "INVALID_FUNDING_CHANNEL"),
        ("idempotencyKey", "INVALID_IDEMPOTENCY_KEY"), ("taxNumber", "INVALID"),
    ]
    wrong_type = run(world.purchaser_a, CHECKOUT, {"input": {**checkout_input(world), "addressId": gid("Order", 1)}})
    assert error_codes(wrong_type, "checkoutComplete") == [("addressId", "INVALID_ID")]
    assert not Order.objects.exists()


def test_empty_cart_and_stock_problems(world):
    empty = run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world)})
    assert error_codes(empty, "checkoutComplete") == [("cart", "CART_EMPTY")]
    add_to_cart(world, world.purchaser_a, world.variant_a, 5)
    ProductVariant.objects.filter(pk=world.variant_a.pk).update(stock=3)
    cart = data(run(world.purchaser_a, f"{{ {CART} }}"), "cart")
    assert not cart["canCheckOut"] and "3" in cart["problems"][0]
    result = run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world)})
    assert error_codes(result, "checkoutComplete") == [("cart", "INSUFFICIENT_STOCK")]
    assert ProductVariant.objects.get(pk=world.variant_a.pk).stock == 3


def test_order_above_threshold_waits_for_the_approver(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 20)  # ¥1,760 > ¥1,000
    order = data(run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world)}), "checkoutComplete")["order"]
    assert order["status"] == "PENDING_APPROVAL"
    approve = f"mutation($id: ID!) {{ orderApprove(orderId: $id) {{ order {{ status events {{ kind actorName }} }} {ERRORS} }} }}"
    refused = run(world.purchaser_a, approve, {"id": order["id"]})
    assert error_codes(refused, "orderApprove") == [(None, "NOT_APPROVER")]
    approved = data(run(world.approver_a, approve, {"id": order["id"]}), "orderApprove")
    assert approved["errors"] == [] and approved["order"]["status"] == "AWAITING_PAYMENT"
    assert [e["kind"] for e in approved["order"]["events"]] == ["PLACED", "APPROVAL_REQUESTED", "APPROVED"]


def test_reject_and_cancel_with_reasons(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 20)
    big = data(run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world)}), "checkoutComplete")["order"]
    reject = f"mutation($id: ID!, $r: String!) {{ orderReject(orderId: $id, reason: $r) {{ order {{ status }} {ERRORS} }} }}"
    assert error_codes(run(world.approver_a, reject, {"id": big["id"], "r": "  "}), "orderReject") == [("reason", "REQUIRED")]
    assert data(run(world.approver_a, reject, {"id": big["id"], "r": "超预算"}), "orderReject")["order"]["status"] == "CANCELLED"
    assert ProductVariant.objects.get(pk=world.variant_a.pk).stock == 50

    add_to_cart(world, world.purchaser_a, world.variant_b, 2)
    small = data(run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world)}), "checkoutComplete")["order"]
    cancel = f"mutation($id: ID!, $r: String!) {{ orderCancel(orderId: $id, reason: $r) {{ order {{ status cancelledAt events {{ kind message }} }} {ERRORS} }} }}"
    result = data(run(world.purchaser_a, cancel, {"id": small["id"], "r": "买错了"}), "orderCancel")
    assert result["order"]["status"] == "CANCELLED" and result["order"]["events"][-1] == {"kind": "CANCELLED", "message": "买错了"}
    assert Order.objects.get(pk=Order.objects.order_by("-id").first().pk).status == OrderStatus.CANCELLED


def test_orders_list_and_detail(world):
    from tests.world import place

    first = place(world)
    second = place(world, items=[(world.variant_b, 1)])
    place(world, user=world.purchaser_b, organization=world.org_b)
    listing = "query($s: OrderStatus) { orders(first: 10, status: $s) { totalCount edges { node { number total { amount } } } } }"
    result = data(run(world.purchaser_a, listing), "orders")
    assert result["totalCount"] == 2
    assert [e["node"]["number"] for e in result["edges"]] == [second.number, first.number]
    assert data(run(world.purchaser_a, listing, {"s": "PAID"}), "orders")["totalCount"] == 0
    staff = data(run(world.staff, listing), "orders")
    assert staff["totalCount"] == 3
    detail = data(run(world.approver_a, f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}", {"id": gid("Order", first)}), "order")
    assert detail["number"] == first.number and len(detail["lines"]) == 2 and len(detail["fulfilments"]) == 2


def test_variants_not_on_sale_and_control_characters(world):
    ProductVariant.objects.filter(pk=world.variant_b.pk).update(is_active=False)
    result = add_to_cart(world, world.purchaser_a, world.variant_b, 1)
    assert error_codes(result, "cartLineAdd") == [("variantId", "PRODUCT_UNAVAILABLE")]
    add_to_cart(world, world.purchaser_a, world.variant_a, 1)
    nul = run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world, note="a\x00b")})
    assert error_codes(nul, "checkoutComplete") == [("note", "INVALID_CHARACTERS")]
    long_note = run(world.purchaser_a, CHECKOUT, {"input": checkout_input(world, note="长" * 501)})
    assert error_codes(long_note, "checkoutComplete") == [("note", "INVALID")]
    assert not Order.objects.exists()

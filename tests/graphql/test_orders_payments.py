"""Paying, shipping, accepting and refunding through the API: bank transfer instructions,
finance staff recording the receipt, each supplier shipping its own part, the buyer's
acceptance, a staff refund; card payment against localstripe (client secret only for the
paying organization's members)."""

import datetime as dt

import pytest

from orders.models import BankReceipt, LedgerEntry, Order, OrderStatus, Payment
from tests.graphql.orders_api import ERRORS, ORDER_FIELDS, data, error_codes, gid, key, place, run
from tests.localstripe_server import LocalStripe, stripe_settings
from tests.world import build_order_world

pytestmark = pytest.mark.django_db

PAY = f"""mutation($id: ID!, $m: PaymentMethod!) {{ paymentCreate(orderId: $id, method: $m) {{
  order {{ status }} payment {{ method status amount {{ amount }} clientSecret }}
  bankTransfer {{ accountName bank accountNumber paymentReference amount {{ amount fen }} dueAt }} {ERRORS} }} }}"""
RECEIPT = f"""mutation($input: PaymentReceiptRecordInput!) {{ paymentReceiptRecord(input: $input) {{
  receipt {{ status flagReason amount {{ amount }} orderNumber }} order {{ status paid {{ amount }} }} {ERRORS} }} }}"""
SHIP = f"""mutation($id: ID!, $c: String!, $t: String!) {{ fulfilmentCreate(fulfilmentId: $id, carrier: $c, trackingNumber: $t) {{
  fulfilment {{ status carrier trackingNumber lines {{ productName }} order {{ number total {{ amount }} lines {{ productName }} }} }} {ERRORS} }} }}"""
CONFIRM = f"mutation($id: ID!) {{ fulfilmentConfirm(fulfilmentId: $id) {{ fulfilment {{ status }} {ERRORS} }} }}"
ACCEPT = f"""mutation($id: ID!, $r: Int!, $c: String) {{ orderAccept(orderId: $id, rating: $r, comment: $c) {{
  order {{ status fulfilments {{ status rating comment }} }} {ERRORS} }} }}"""
REFUND = f"""mutation($id: ID!, $a: Yuan, $k: String!, $b: String) {{
  orderRefund(orderId: $id, amount: $a, reason: "破损", idempotencyKey: $k, bankReference: $b) {{
  refund {{ method status amount {{ amount }} bankReference }} order {{ status refunded {{ amount }} }} {ERRORS} }} }}"""


@pytest.fixture
def world(regions):
    return build_order_world()


def receipt_input(order, *, amount="312.50", bank_reference="CCB20260101001"):
    return {"input": {
        "bankReference": bank_reference, "paymentReference": order.payment_reference, "amount": amount,
        "receivedOn": dt.date.today().isoformat(), "payerName": "宝安区新安街道测试社区",
    }}


def test_bank_transfer_to_acceptance_and_refund(world):
    order = place(world)  # 2 × 88.00 + 3 × 45.50 = 312.50
    order_id = gid("Order", order)
    pay = data(run(world.purchaser_a, PAY, {"id": order_id, "m": "BANK_TRANSFER"}), "paymentCreate")
    assert pay["errors"] == [] and pay["payment"] is None
    assert pay["bankTransfer"]["paymentReference"] == order.payment_reference
    assert pay["bankTransfer"]["amount"] == {"amount": "312.50", "fen": "31250"} and pay["bankTransfer"]["accountNumber"]

    # A purchaser is not finance staff.
    assert error_codes(run(world.purchaser_a, RECEIPT, receipt_input(order)), "paymentReceiptRecord") == [(None, "PERMISSION_DENIED")]
    flagged = data(run(world.staff, RECEIPT, receipt_input(order, amount="300.00", bank_reference="CCB-SHORT")), "paymentReceiptRecord")
    assert flagged["receipt"]["status"] == "FLAGGED" and flagged["receipt"]["flagReason"] and flagged["order"]["status"] == "AWAITING_PAYMENT"
    bad = run(world.staff, RECEIPT, receipt_input(order, amount="1.005", bank_reference="CCB-BAD"))
    assert error_codes(bad, "paymentReceiptRecord") == [("amount", "INVALID_AMOUNT")]
    matched = data(run(world.staff, RECEIPT, receipt_input(order)), "paymentReceiptRecord")
    assert matched["errors"] == [] and matched["receipt"]["status"] == "MATCHED"
    assert matched["order"] == {"status": "PAID", "paid": {"amount": "312.50"}}
    again = data(run(world.staff, RECEIPT, receipt_input(order)), "paymentReceiptRecord")
    assert again["receipt"]["status"] == "MATCHED" and BankReceipt.objects.filter(bank_reference="CCB20260101001").count() == 1
    assert LedgerEntry.objects.filter(order_line__order=order).count() == 2

    # Paying again is refused.
    assert error_codes(run(world.purchaser_a, PAY, {"id": order_id, "m": "BANK_TRANSFER"}), "paymentCreate") == [(None, "ALREADY_PAID")]
    # Accepting before anything shipped is refused.
    assert error_codes(run(world.purchaser_a, ACCEPT, {"id": order_id, "r": 5}), "orderAccept") == [(None, "NOT_SHIPPED")]

    part_a = order.fulfilments.get(supplier=world.supplier_a)
    part_b = order.fulfilments.get(supplier=world.supplier_b)
    assert data(run(world.owner_a, CONFIRM, {"id": gid("Fulfilment", part_a)}), "fulfilmentConfirm")["fulfilment"]["status"] == "CONFIRMED"
    missing = run(world.owner_a, SHIP, {"id": gid("Fulfilment", part_a), "c": " ", "t": ""})
    assert sorted(error_codes(missing, "fulfilmentCreate")) == [("carrier", "REQUIRED"), ("trackingNumber", "REQUIRED")]
    shipped = data(run(world.owner_a, SHIP, {"id": gid("Fulfilment", part_a), "c": "顺丰速运", "t": "SF1234567890"}), "fulfilmentCreate")
    assert shipped["errors"] == []
    assert shipped["fulfilment"]["status"] == "SHIPPED" and shipped["fulfilment"]["trackingNumber"] == "SF1234567890"
    # The supplier's view of the order: its own lines, no amounts of the whole order.
    assert shipped["fulfilment"]["order"] == {"number": order.number, "total": None, "lines": [{"productName": "龙川山茶油"}]}
    data(run(world.owner_b, SHIP, {"id": gid("Fulfilment", part_b), "c": "中通快递", "t": "ZT000111"}), "fulfilmentCreate")

    # Each supplier's timeline shows its own shipment, not the other's.
    supplier_view = data(run(world.owner_a, "query($id: ID!) { order(id: $id) { events { kind supplierName } } }", {"id": order_id}), "order")
    assert [e for e in supplier_view["events"] if e["kind"] == "SHIPPED"] == [{"kind": "SHIPPED", "supplierName": "龙川县山茶油合作社"}]

    bad_rating = run(world.purchaser_a, ACCEPT, {"id": order_id, "r": 6})
    assert error_codes(bad_rating, "orderAccept") == [("rating", "INVALID_RATING")]
    accepted = data(run(world.purchaser_a, ACCEPT, {"id": order_id, "r": 5, "c": "新鲜"}), "orderAccept")
    assert accepted["order"]["status"] == "ACCEPTED"
    assert {(f["status"], f["rating"], f["comment"]) for f in accepted["order"]["fulfilments"]} == {("ACCEPTED", 5, "新鲜")}

    # Staff refund part of it, back by bank transfer; the same key never refunds twice.
    refund_key = key()
    assert error_codes(run(world.purchaser_a, REFUND, {"id": order_id, "a": "10.00", "k": refund_key}), "orderRefund") == [(None, "PERMISSION_DENIED")]
    assert error_codes(run(world.staff, REFUND, {"id": order_id, "a": "999.00", "k": key()}), "orderRefund") == [("amount", "REFUND_EXCEEDS_PAID")]
    assert error_codes(run(world.staff, REFUND, {"id": order_id, "a": "1.5.0", "k": key()}), "orderRefund") == [("amount", "INVALID_AMOUNT")]
    assert error_codes(run(world.staff, REFUND, {"id": order_id, "a": "1.00", "k": "x" * 65}), "orderRefund") == [("idempotencyKey", "INVALID_IDEMPOTENCY_KEY")]
    variables = {"id": order_id, "a": "45.50", "k": refund_key, "b": "CCB-BACK-1"}
    refunded = data(run(world.staff, REFUND, variables), "orderRefund")
    assert refunded["refund"] == {"method": "BANK_TRANSFER", "status": "SUCCEEDED", "amount": {"amount": "45.50"}, "bankReference": "CCB-BACK-1"}
    assert data(run(world.staff, REFUND, variables), "orderRefund")["order"]["refunded"] == {"amount": "45.50"}
    assert Order.objects.get(pk=order.pk).refunded_fen == 4550
    amounts = sorted(LedgerEntry.objects.filter(order_line__order=order).values_list("amount_fen", flat=True))
    assert amounts == [-4550, 13650, 17600]  # the paid lines once, the refund as a negative entry
    timeline = data(run(world.purchaser_a, f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}", {"id": order_id}), "order")["events"]
    kinds = [e["kind"] for e in timeline]
    assert kinds[:2] == ["PLACED", "RECEIPT_FLAGGED"] and "PAID" in kinds and kinds.count("SHIPPED") == 2 and kinds[-1] == "REFUNDED"


def test_paying_a_cancelled_order_is_refused(world):
    order = place(world)
    cancel = f"mutation($id: ID!) {{ orderCancel(orderId: $id, reason: \"不要了\") {{ order {{ status }} {ERRORS} }} }}"
    assert data(run(world.purchaser_a, cancel, {"id": gid("Order", order)}), "orderCancel")["order"]["status"] == "CANCELLED"
    for method in ("BANK_TRANSFER", "STRIPE"):
        result = run(world.purchaser_a, PAY, {"id": gid("Order", order), "m": method})
        assert data(result, "paymentCreate")["errors"][0]["code"] in {"NOT_PAYABLE", "PAYMENT_UNAVAILABLE"}
    assert not Payment.objects.exists()


def test_shipping_an_unpaid_order_is_refused(world):
    order = place(world)
    part = order.fulfilments.get(supplier=world.supplier_a)
    result = run(world.owner_a, SHIP, {"id": gid("Fulfilment", part), "c": "顺丰", "t": "SF1"})
    assert error_codes(result, "fulfilmentCreate") == [(None, "INVALID_TRANSITION")]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT


def test_card_payment_unavailable_without_keys(world, settings):
    settings.STRIPE_SECRET_KEY = ""
    order = place(world)
    result = run(world.purchaser_a, PAY, {"id": gid("Order", order), "m": "STRIPE"})
    assert error_codes(result, "paymentCreate") == [("payment", "PAYMENT_UNAVAILABLE")]


@pytest.fixture(scope="module")
def localstripe():
    server = LocalStripe.start()
    yield server
    server.stop()


def test_card_payment_client_secret_only_for_the_paying_members(world, settings, localstripe):
    stripe_settings(settings, localstripe, webhook_url=None)
    order = place(world)
    started = data(run(world.purchaser_a, PAY, {"id": gid("Order", order), "m": "STRIPE"}), "paymentCreate")
    assert started["errors"] == []
    payment = started["payment"]
    assert payment["method"] == "STRIPE" and payment["status"] == "PENDING" and payment["amount"] == {"amount": "312.50"}
    assert payment["clientSecret"] and payment["clientSecret"].startswith("pi_")
    assert started["order"]["status"] == "AWAITING_PAYMENT"  # paid only by the verified webhook
    query = "query($id: ID!) { order(id: $id) { payments { method clientSecret } } }"
    variables = {"id": gid("Order", order)}
    assert data(run(world.approver_a, query, variables), "order")["payments"] == [{"method": "STRIPE", "clientSecret": payment["clientSecret"]}]
    assert data(run(world.staff, query, variables), "order")["payments"] == [{"method": "STRIPE", "clientSecret": None}]
    assert data(run(world.owner_a, query, variables), "order")["payments"] == []
    assert data(run(world.purchaser_b, query, variables), "order") is None

"""Staff money screens: the order list and read-only order page, recording a bank transfer,
the flagged receipts and their resolve page, the refund form, and the read-only lists of
payments, refunds and Stripe events — all rendering in a constant number of queries."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import (
    BankReceipt,
    BankReceiptStatus,
    EntryKind,
    LedgerEntry,
    Order,
    OrderStatus,
    Refund,
    StripeEvent,
)
from orders.services.bank import bank_receipt_record
from orders.services.refunds import order_refund
from tests.admin.conftest import messages_of
from tests.factories import ProductFactory, UserFactory
from tests.world import build_order_world, key, place

pytestmark = pytest.mark.django_db
RECORD = reverse("admin:orders_bankreceipt_add")
RECEIPTS = reverse("admin:orders_bankreceipt_changelist")
ORDERS = reverse("admin:orders_order_changelist")


@pytest.fixture
def world(regions):
    return build_order_world()


@pytest.fixture
def finance(world) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(world.staff)
    return client


def order_url(order, view="change"):
    return reverse(f"admin:orders_order_{view}", args=[order.pk])


def fresh(order) -> Order:
    return Order.objects.get(pk=order.pk)


def pay(world, order, ref=None):
    return bank_receipt_record(
        actor=world.staff, bank_reference=ref or f"BOC-{order.pk}", payment_reference=order.payment_reference,
        amount=f"{order.total_fen / 100:.2f}", received_on=timezone.localdate(),
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- recording a bank transfer ---------------------------------------------------------------


def test_recording_an_exact_transfer_marks_the_order_paid(world, finance):
    order = place(world)
    page = finance.get(RECORD)
    assert page.status_code == 200 and "Record a bank transfer" in page.content.decode()
    response = finance.post(RECORD, {
        "bank_reference": "CCB 2020 0611 0001", "payment_reference": order.payment_reference.lower(),
        "amount": "312.50", "received_on": timezone.localdate().isoformat(), "payer_name": "测试社区",
    })
    assert response.status_code == 302 and response["Location"] == RECEIPTS
    order = fresh(order)
    assert (order.status, order.paid_fen) == (OrderStatus.PAID, 31250)
    assert LedgerEntry.objects.filter(order_line__order=order, kind=EntryKind.ORDER_LINE).count() == 2
    assert messages_of(response) == [f"Receipt CCB202006110001 recorded: order {order.number} is paid."]
    # The same statement line posted again (a double submit) changes nothing.
    again = finance.post(RECORD, {
        "bank_reference": "CCB202006110001", "payment_reference": order.payment_reference,
        "amount": "312.50", "received_on": timezone.localdate().isoformat(),
    })
    assert again.status_code == 302
    assert BankReceipt.objects.count() == 1
    assert LedgerEntry.objects.filter(order_line__order=order).count() == 2


def test_a_wrong_amount_is_flagged_and_listed_for_review(world, finance):
    order = place(world)
    response = finance.post(RECORD, {
        "bank_reference": "CCB-1", "payment_reference": order.payment_reference, "amount": "300.00",
        "received_on": timezone.localdate().isoformat(),
    }, follow=True)
    assert "flagged for review" in messages_of(response)[0]
    assert fresh(order).status == OrderStatus.AWAITING_PAYMENT
    flagged = finance.get(reverse("admin:orders_bankreceipt_flagged"), follow=True)
    html = flagged.content.decode()
    assert [r.bank_reference for r in flagged.context["cl"].result_list] == ["CCB-1"]
    assert "does not match the total ¥312.50" in html and "Resolve…" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("amount", "-312.50", "The amount must be more than zero."),
        ("amount", "0", "The amount must be more than zero."),
        ("amount", "312.505", "Enter at most two decimal places (fen)."),
        ("amount", "abc", "Enter the amount in yuan, e.g. 1234.50."),
        ("amount", "", "Enter the amount."),
        ("bank_reference", "", "Enter the bank&#x27;s transaction reference."),
        ("received_on", "2999-01-01", "The date cannot be in the future."),
        ("received_on", "not a date", "Enter a valid date."),
    ],
)
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_written(world, finance, field, value, message):
    order = place(world)
    data = {
        "bank_reference": "CCB-1", "payment_reference": order.payment_reference, "amount": "312.50",
        "received_on": timezone.localdate().isoformat(), field: value,
    }
    response = finance.post(RECORD, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(response.context["form"].errors) == [field]
    assert not BankReceipt.objects.exists() and fresh(order).status == OrderStatus.AWAITING_PAYMENT


def test_only_staff_with_the_permission_can_record(world):
    buyer = Client()
    buyer.force_login(world.purchaser_a)
    response = buyer.post(RECORD, {"bank_reference": "X", "amount": "1", "received_on": "2020-01-01"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_bankreceipt"))
    client = Client()
    client.force_login(clerk)
    assert client.get(RECEIPTS).status_code == 200
    assert client.post(RECORD, {"bank_reference": "X", "amount": "1", "received_on": "2020-01-01"}).status_code == 403
    assert not BankReceipt.objects.exists()


# --- resolving a flagged receipt ------------------------------------------------------------


def test_resolving_a_flagged_receipt_needs_a_note(world, finance):
    order = place(world)
    receipt = bank_receipt_record(
        actor=world.staff, bank_reference="CCB-9", payment_reference=order.payment_reference, amount="1.00",
        received_on=timezone.localdate(),
    )
    url = reverse("admin:orders_bankreceipt_resolve", args=[receipt.pk])
    page = finance.get(url)
    assert page.status_code == 200 and "¥1.00" in page.content.decode()
    empty = finance.post(url, {"note": "  "})
    assert empty.status_code == 400 and "Say how the receipt was resolved." in empty.content.decode()
    response = finance.post(url, {"note": "已退回付款单位 CCB-BACK-9"})
    assert response.status_code == 302
    receipt.refresh_from_db()
    assert (receipt.status, receipt.resolution_note) == (BankReceiptStatus.RESOLVED, "已退回付款单位 CCB-BACK-9")
    assert "not flagged" in finance.get(url).content.decode()


def test_applying_a_flagged_receipt_to_an_order_pays_it(world, finance):
    order = place(world, items=[(world.variant_a, 12)])  # waits for approval
    receipt = bank_receipt_record(
        actor=world.staff, bank_reference="CCB-10", payment_reference=order.payment_reference, amount="1056.00",
        received_on=timezone.localdate(),
    )
    assert receipt.status == BankReceiptStatus.FLAGGED
    url = reverse("admin:orders_bankreceipt_resolve", args=[receipt.pk])
    unknown = finance.post(url, {"note": "审批后入账", "order_number": "NOPE"})
    assert unknown.status_code == 400 and "No order has this number." in unknown.content.decode()
    early = finance.post(url, {"note": "审批后入账", "order_number": order.number})
    assert early.status_code == 400 and "cannot be paid now" in early.content.decode()
    from orders.services.lifecycle import order_approve

    order_approve(actor=world.approver_a, order=order)
    assert finance.post(url, {"note": "审批后入账", "order_number": order.number}).status_code == 302
    assert (fresh(order).status, fresh(order).paid_fen) == (OrderStatus.PAID, 105600)


# --- refunds --------------------------------------------------------------------------------


def refund_form(finance, order):
    page = finance.get(order_url(order, "refund"))
    assert page.status_code == 200
    return page.context["form"]["idempotency_key"].value()


def test_partial_refund_of_a_bank_transfer_writes_negative_entries_once(world, finance):
    order = place(world)
    pay(world, order)
    assert "Refund…" in finance.get(order_url(order)).content.decode()
    token = refund_form(finance, order)
    data = {"amount": "100.00", "reason": "部分商品破损", "bank_reference": "CCB-BACK-1", "idempotency_key": token}
    first = finance.post(order_url(order, "refund"), data)
    assert first.status_code == 302 and first["Location"] == order_url(order)
    second = finance.post(order_url(order, "refund"), data)  # the same form submitted twice
    assert second.status_code == 302
    refund = Refund.objects.get(order=order)
    assert (refund.amount_fen, refund.bank_reference, refund.created_by) == (10000, "CCB-BACK-1", world.staff)
    negatives = LedgerEntry.objects.filter(kind=EntryKind.REFUND, order_line__order=order)
    assert sum(e.amount_fen for e in negatives) == -10000
    order = fresh(order)
    assert (order.status, order.refunded_fen) == (OrderStatus.PAID, 10000)


def test_full_refund_with_an_empty_amount_cancels_an_unshipped_order(world, finance):
    order = place(world)
    pay(world, order)
    token = refund_form(finance, order)
    response = finance.post(order_url(order, "refund"), {
        "amount": "", "reason": "采购取消", "bank_reference": "CCB-BACK-2", "idempotency_key": token,
    })
    assert response.status_code == 302
    order = fresh(order)
    assert (order.status, order.refunded_fen) == (OrderStatus.CANCELLED, 31250)
    assert sum(LedgerEntry.objects.filter(order_line__order=order).values_list("amount_fen", flat=True)) == 0
    assert "nothing left to refund" in finance.get(order_url(order, "refund")).content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"amount": "400.00"}, "amount", "left to refund"),
        ({"amount": "-5"}, "amount", "The amount must be more than zero."),
        ({"amount": "1.234"}, "amount", "Enter at most two decimal places (fen)."),
        ({"reason": ""}, "reason", "Give a reason."),
        ({"bank_reference": ""}, "bank_reference", "Enter the reference of the transfer back to the buyer."),
        ({"idempotency_key": "forged"}, "idempotency_key", "This form has expired"),
    ],
)
def test_refund_form_refuses_bad_input_and_refunds_nothing(world, finance, data, field, message):
    order = place(world)
    pay(world, order)
    token = refund_form(finance, order)
    post = {"amount": "10.00", "reason": "破损", "bank_reference": "CCB-BACK", "idempotency_key": token, **data}
    response = finance.post(order_url(order, "refund"), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert not Refund.objects.exists() and fresh(order).refunded_fen == 0


def test_an_unpaid_order_offers_no_refund(world, finance):
    order = place(world)
    assert "Refund…" not in finance.get(order_url(order)).content.decode()
    response = finance.post(order_url(order, "refund"), {
        "amount": "", "reason": "x", "bank_reference": "B", "idempotency_key": "a" * 32,
    })
    assert response.status_code == 400 and "Only a paid order can be refunded." in response.content.decode()
    assert not Refund.objects.exists()


def test_refund_needs_the_refund_permission(world):
    order = place(world)
    pay(world, order)
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client = Client()
    client.force_login(viewer)
    page = client.get(order_url(order))
    assert page.status_code == 200 and "Refund…" not in page.content.decode()
    assert client.get(order_url(order, "refund")).status_code == 403


# --- lists and pages, and their query counts --------------------------------------------------


def _big_order(world):
    extra = [ProductFactory(supplier=s).variants.get() for s in (world.supplier_a, world.supplier_b) for _ in range(3)]
    items = [(world.variant_a, 1), (world.variant_b, 1), *[(v, 1) for v in extra]]
    order = place(world, user=world.purchaser_b, organization=world.org_b, items=items)
    pay(world, order)
    for amount in (100, 200):
        order_refund(actor=world.staff, order=order, reason="破损", idempotency_key=key(), amount_fen=amount,
                     bank_reference=f"BACK-{amount}")
    bank_receipt_record(actor=world.staff, bank_reference="DUP-1", payment_reference=order.payment_reference,
                        amount="1.00", received_on=timezone.localdate())
    return order


def test_order_page_shows_lines_parts_money_and_timeline_in_constant_queries(world, finance):
    small = place(world, items=[(world.variant_a, 1)])
    pay(world, small)
    order_refund(actor=world.staff, order=small, reason="破损", idempotency_key=key(), amount_fen=100,
                 bank_reference="BACK-S")
    big = _big_order(world)
    assert big.lines.count() == 8 and big.fulfilments.count() == 2
    small_count = count_queries(finance, order_url(small))
    big_count = count_queries(finance, order_url(big))
    assert small_count == big_count
    html = finance.get(order_url(big)).content.decode()
    assert big.number in html and "龙川山茶油" in html and "BACK-200" in html and "DUP-1" in html
    assert "Bank transfer flagged for review" in html  # the timeline
    assert 'name="number"' not in html  # read-only


def test_order_list_shows_money_in_yuan_and_searches_by_reference(world, finance):
    first = place(world)
    pay(world, first)
    small = count_queries(finance, ORDERS)
    for _ in range(4):
        place(world, user=world.purchaser_b, organization=world.org_b)
    assert count_queries(finance, ORDERS) == small
    html = finance.get(ORDERS).content.decode()
    assert "¥312.50" in html and world.org_a.name in html
    found = finance.get(ORDERS, {"q": first.payment_reference})
    assert [o.pk for o in found.context["cl"].result_list] == [first.pk]
    by_org = finance.get(ORDERS, {"q": "新安街道"}).context["cl"].result_list
    assert [o.pk for o in by_org] == [first.pk]
    paid = finance.get(ORDERS, {"status__exact": "paid"}).context["cl"].result_list
    assert [o.pk for o in paid] == [first.pk]


@pytest.mark.parametrize("model", ["bankreceipt", "payment", "refund", "stripeevent"])
def test_money_lists_and_pages_render_in_constant_queries(world, finance, model):
    def make():
        order = place(world, user=world.purchaser_b, organization=world.org_b)
        pay(world, order)
        order_refund(actor=world.staff, order=order, reason="破损", idempotency_key=key(), amount_fen=100,
                     bank_reference=f"B-{order.pk}")
        StripeEvent.objects.create(event_id=f"evt_{order.pk}", type="payment_intent.succeeded", payload={"id": 1})

    make()
    url = reverse(f"admin:orders_{model}_changelist")
    small = count_queries(finance, url)
    for _ in range(3):
        make()
    assert count_queries(finance, url) == small
    response = finance.get(url)
    first = response.context["cl"].result_list[0]
    page = finance.get(reverse(f"admin:orders_{model}_change", args=[first.pk]))
    assert page.status_code == 200
    assert not re.search(r'<input[^>]+name="(amount_fen|status|event_id)"', page.content.decode())
    assert finance.get(reverse(f"admin:orders_{model}_add")).status_code == (200 if model == "bankreceipt" else 403)


def test_money_screens_speak_chinese_by_default(world):
    order = place(world)
    pay(world, order)
    client = Client()
    client.force_login(world.staff)
    for url in (RECORD, order_url(order), order_url(order, "refund"), RECEIPTS, ORDERS):
        response = client.get(url)
        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()

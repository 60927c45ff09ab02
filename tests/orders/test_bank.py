"""Bank transfers (对公转账): finance staff record what the bank statement shows; an exact
match pays the order (ledger once), anything else is flagged; bad input writes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from orders.models import (
    BankReceipt,
    BankReceiptStatus,
    EntryKind,
    LedgerEntry,
    Order,
    OrderEventKind,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from orders.selectors.payments import (
    bank_transfer_instructions,
    flagged_receipts,
    payments_for_order,
)
from orders.services.bank import bank_receipt_record, bank_receipt_resolve
from orders.services.lifecycle import order_cancel
from tests.world import place

pytestmark = pytest.mark.django_db
TOTAL = "312.50"  # 2 × ¥88.00 + 3 × ¥45.50 = ¥312.50


def record(world, order=None, **overrides):
    args = {
        "actor": world.staff, "bank_reference": "BOC20200611-0001",
        "payment_reference": order.payment_reference if order else "", "amount": TOTAL,
        "received_on": timezone.localdate(), "payer_name": "宝安区新安街道测试社区",
    }
    args.update(overrides)
    return bank_receipt_record(**args)


def fresh(order) -> Order:
    return Order.objects.get(pk=order.pk)


def test_exact_match_marks_the_order_paid_and_writes_one_ledger_entry_per_line(world):
    order = place(world)
    assert order.total_fen == 31250
    receipt = record(world, order)
    assert receipt.status == BankReceiptStatus.MATCHED and receipt.order_id == order.pk
    order = fresh(order)
    assert (order.status, order.paid_fen, order.payment_method) == (OrderStatus.PAID, 31250, "bank_transfer")
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.bank_receipt_id, payment.amount_fen) == (PaymentStatus.SUCCEEDED, receipt.pk, 31250)
    entries = LedgerEntry.objects.filter(order_line__order=order, kind=EntryKind.ORDER_LINE)
    assert sorted(e.amount_fen for e in entries) == [3 * 4550, 2 * 8800]
    paid_event = order.events.get(kind=OrderEventKind.PAID)
    assert paid_event.data["source"] == "bank" and paid_event.actor == world.staff


def test_recording_the_same_statement_line_twice_pays_once(world):
    order = place(world)
    first = record(world, order)
    second = record(world, order, bank_reference=" boc20200611-0001 ")  # case and spaces ignored
    assert first.pk == second.pk
    assert BankReceipt.objects.count() == 1
    assert Payment.objects.filter(order=order).count() == 1
    assert LedgerEntry.objects.filter(order_line__order=order).count() == 2
    assert fresh(order).events.filter(kind=OrderEventKind.PAID).count() == 1


def test_same_bank_reference_with_another_amount_is_refused(world):
    order = place(world)
    record(world, order)
    with pytest.raises(ValidationError) as err:
        record(world, order, amount="312.00")
    assert err.value.error_dict["bank_reference"][0].code == "duplicate_receipt"
    assert BankReceipt.objects.count() == 1


def test_reference_is_found_whatever_the_case_spacing_or_remark_around_it(world):
    one, two = place(world), place(world, user=world.purchaser_b, organization=world.org_b)
    ref = one.payment_reference.lower()
    spaced = f"  {ref[:4]} {ref[4:]} "
    assert record(world, payment_reference=spaced, bank_reference="R1").status == BankReceiptStatus.MATCHED
    remark = f"货款 {two.payment_reference} 谢谢"
    assert record(world, payment_reference=remark, bank_reference="R2").status == BankReceiptStatus.MATCHED
    assert fresh(one).status == fresh(two).status == OrderStatus.PAID


@pytest.mark.parametrize(
    ("amount", "fragment"), [("312.00", "不符"), ("625.00", "不符")],
)
def test_wrong_amount_is_flagged_with_an_event_and_the_order_stays_unpaid(world, amount, fragment):
    order = place(world)
    receipt = record(world, order, amount=amount)
    assert receipt.status == BankReceiptStatus.FLAGGED and receipt.order_id == order.pk
    assert fragment in receipt.flag_reason and "¥312.50" in receipt.flag_reason
    order = fresh(order)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_fen == 0
    event = order.events.get(kind=OrderEventKind.RECEIPT_FLAGGED)
    assert event.message == receipt.flag_reason and event.data["bank_reference"] == "BOC20200611-0001"
    assert not Payment.objects.exists() and not LedgerEntry.objects.filter(order_line__order=order).exists()


def test_unknown_or_missing_reference_is_flagged_without_an_order(world):
    receipt = record(world, payment_reference="XF99999999")
    assert receipt.status == BankReceiptStatus.FLAGGED and receipt.order is None
    assert "XF99999999" in receipt.flag_reason
    blank = record(world, payment_reference="", bank_reference="R-2")
    assert blank.status == BankReceiptStatus.FLAGGED and "付款人未填写付款识别码" in blank.flag_reason
    assert list(flagged_receipts()) == [receipt, blank]


def test_second_payment_of_a_paid_order_is_flagged(world):
    order = place(world)
    record(world, order)
    second = record(world, order, bank_reference="BOC-SECOND")
    assert second.status == BankReceiptStatus.FLAGGED and "重复付款" in second.flag_reason
    assert Payment.objects.filter(order=order).count() == 1
    assert fresh(order).paid_fen == 31250
    assert LedgerEntry.objects.filter(order_line__order=order).count() == 2


def test_money_for_a_cancelled_order_is_flagged(world):
    order = place(world)
    order_cancel(actor=world.purchaser_a, order=order, reason="不需要了")
    receipt = record(world, order)
    assert receipt.status == BankReceiptStatus.FLAGGED and "在款项到账前已取消" in receipt.flag_reason
    assert fresh(order).status == OrderStatus.CANCELLED
    assert not LedgerEntry.objects.exists()


def test_money_for_an_order_waiting_for_approval_is_flagged(world):
    order = place(world, items=[(world.variant_a, 12)])  # ¥1,056 > the ¥1,000 threshold
    assert order.status == OrderStatus.PENDING_APPROVAL
    receipt = record(world, order, amount="1056.00")
    assert receipt.status == BankReceiptStatus.FLAGGED and "仍在等待审批" in receipt.flag_reason
    assert fresh(order).status == OrderStatus.PENDING_APPROVAL


BAD = [
    ({"amount": "-312.50"}, "amount", "invalid_amount"),
    ({"amount": "0"}, "amount", "invalid_amount"),
    ({"amount": "0.00"}, "amount", "invalid_amount"),
    ({"amount": "312.505"}, "amount", "invalid_amount"),
    ({"amount": "1.234"}, "amount", "invalid_amount"),
    ({"amount": "abc"}, "amount", "invalid_amount"),
    ({"amount": "NaN"}, "amount", "invalid_amount"),
    ({"amount": "1e400"}, "amount", "invalid_amount"),
    ({"amount": "1000000000000"}, "amount", "invalid_amount"),
    ({"amount": 312.5}, "amount", "invalid_amount"),
    ({"amount": ""}, "amount", "required"),
    ({"received_on": "tomorrow"}, "received_on", "invalid"),  # the day after the test runs
    ({"received_on": "2020-13-40"}, "received_on", "invalid"),
    ({"received_on": ""}, "received_on", "required"),
    ({"bank_reference": "   "}, "bank_reference", "required"),
    ({"bank_reference": "X" * 65}, "bank_reference", "invalid"),
    ({"payment_reference": "X" * 65}, "payment_reference", "invalid"),
]


@pytest.mark.parametrize(("overrides", "field", "code"), BAD)
def test_bad_input_gets_a_field_error_and_writes_nothing(world, overrides, field, code):
    order = place(world)
    if overrides.get("received_on") == "tomorrow":  # computed when the test runs, not at collection
        overrides = {"received_on": timezone.localdate() + dt.timedelta(days=1)}
    with pytest.raises(ValidationError) as err:
        record(world, order, **overrides)
    assert [e.code for e in err.value.error_dict[field]] == [code]
    assert not BankReceipt.objects.exists()
    assert fresh(order).status == OrderStatus.AWAITING_PAYMENT
    assert not fresh(order).events.filter(kind=OrderEventKind.RECEIPT_FLAGGED).exists()


def test_every_bad_field_is_reported_at_once(world):
    with pytest.raises(ValidationError) as err:
        record(world, bank_reference="", amount="abc", received_on="tomorrow")
    assert set(err.value.error_dict) == {"bank_reference", "amount", "received_on"}


@pytest.mark.parametrize("amount", ["312.50", Decimal("312.50"), "¥312.50", " 312.5 ", "￥312.50"])
def test_amount_may_be_written_the_usual_ways(world, amount):
    order = place(world)
    assert record(world, order, amount=amount).status == BankReceiptStatus.MATCHED


def test_thousands_separators_are_understood(world):
    order = place(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 15)])
    assert record(world, order, amount="1,320.00").status == BankReceiptStatus.MATCHED


def test_non_staff_cannot_record_or_resolve(world):
    order = place(world)
    for user in (world.purchaser_a, world.approver_a, world.owner_a):
        with pytest.raises(ValidationError) as err:
            record(world, order, actor=user)
        assert err.value.code == "permission_denied"
    assert not BankReceipt.objects.exists()
    flagged = record(world, order, amount="1.00")
    with pytest.raises(ValidationError) as err:
        bank_receipt_resolve(actor=world.purchaser_a, receipt=flagged, note="x")
    assert err.value.code == "permission_denied"
    assert BankReceipt.objects.get().status == BankReceiptStatus.FLAGGED


def test_resolving_a_flagged_receipt_after_a_transfer_back(world):
    order = place(world)
    flagged = record(world, order, amount="312.00")
    with pytest.raises(ValidationError) as err:
        bank_receipt_resolve(actor=world.staff, receipt=flagged, note="  ")
    assert err.value.error_dict["note"][0].code == "required"
    resolved = bank_receipt_resolve(actor=world.staff, receipt=flagged, note="已原路退回 BOC-BACK-1")
    assert (resolved.status, resolved.resolved_by, resolved.resolution_note) == (
        BankReceiptStatus.RESOLVED, world.staff, "已原路退回 BOC-BACK-1"
    )
    again = bank_receipt_resolve(actor=world.staff, receipt=flagged, note="other")
    assert again.resolution_note == "已原路退回 BOC-BACK-1"
    assert list(flagged_receipts()) == []
    assert fresh(order).status == OrderStatus.AWAITING_PAYMENT


def test_resolving_by_applying_the_receipt_to_an_order_that_now_matches(world):
    order = place(world, items=[(world.variant_a, 12)])  # waits for approval
    flagged = record(world, order, amount="1056.00")
    from orders.services.lifecycle import order_approve

    order_approve(actor=world.approver_a, order=order)
    wrong = place(world, user=world.purchaser_b, organization=world.org_b)
    with pytest.raises(ValidationError) as err:
        bank_receipt_resolve(actor=world.staff, receipt=flagged, note="x", order=wrong)
    assert err.value.error_dict["order"][0].code == "invalid_amount"
    resolved = bank_receipt_resolve(actor=world.staff, receipt=flagged, note="审批后入账", order=order)
    assert resolved.status == BankReceiptStatus.RESOLVED
    order = fresh(order)
    assert (order.status, order.paid_fen) == (OrderStatus.PAID, 105600)
    assert [p.bank_receipt_id for p in payments_for_order(order=order)] == [flagged.pk]
    assert LedgerEntry.objects.filter(order_line__order=order).count() == 1
    # Applying a receipt to an order that is already paid is refused.
    other = record(world, order, bank_reference="BOC-DOUBLE", amount="1056.00")
    with pytest.raises(ValidationError) as err:
        bank_receipt_resolve(actor=world.staff, receipt=other, note="x", order=order)
    assert err.value.error_dict["order"][0].code == "already_paid"


@override_settings(BANK_ACCOUNT_NAME="测试账户", BANK_ACCOUNT_BANK="测试银行", BANK_ACCOUNT_NUMBER="6222 0000")
def test_transfer_instructions_show_the_account_reference_and_total(world):
    order = place(world)
    info = bank_transfer_instructions(order=order)
    assert (info.account_name, info.bank, info.account_number) == ("测试账户", "测试银行", "6222 0000")
    assert (info.reference, info.amount_fen) == (order.payment_reference, 31250)

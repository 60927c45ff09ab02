"""The order core: placement, approval, payment into the ledger, cancellation, refunds."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import ProductVariant
from orders.models import EntryKind, LedgerEntry, OrderStatus, PaymentMethod
from orders.services.cart import cart_line_add
from orders.services.checkout import order_place
from orders.services.lifecycle import order_approve, order_cancel
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from tests.world import key, place

pytestmark = pytest.mark.django_db


def test_placing_reserves_stock_copies_prices_and_splits_by_supplier(world):
    order = place(world)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.total_fen == 2 * 8800 + 3 * 4550
    assert [f.supplier for f in order.fulfilments.order_by("id")] == [world.supplier_a, world.supplier_b]
    va = ProductVariant.objects.get(pk=world.variant_a.pk)
    assert (va.stock, va.reserved) == (48, 2)
    assert order.events.filter(kind="placed").count() == 1
    assert not world.purchaser_a.carts.get().lines.exists()


def test_same_idempotency_key_gives_one_order(world):
    cart_line_add(user=world.purchaser_a, organization=world.org_a, variant_id=world.variant_a.pk, quantity=1)
    k = key()
    args = dict(user=world.purchaser_a, organization=world.org_a, address_id=world.address_a.pk,
                funding_channel="canteen", idempotency_key=k)
    first = order_place(**args)
    second = order_place(**args)
    assert first.pk == second.pk
    assert ProductVariant.objects.get(pk=world.variant_a.pk).stock == 49


def test_insufficient_stock_is_refused_and_nothing_is_written(world):
    ProductVariant.objects.filter(pk=world.variant_a.pk).update(stock=3)
    cart_line_add(user=world.purchaser_a, organization=world.org_a, variant_id=world.variant_a.pk, quantity=3)
    ProductVariant.objects.filter(pk=world.variant_a.pk).update(stock=2)
    with pytest.raises(ValidationError) as err:
        order_place(user=world.purchaser_a, organization=world.org_a, address_id=world.address_a.pk,
                    funding_channel="canteen", idempotency_key=key())
    assert err.value.error_dict["cart"][0].code == "insufficient_stock"
    assert ProductVariant.objects.get(pk=world.variant_a.pk).stock == 2
    assert not world.org_a.orders.exists()


def test_over_threshold_waits_for_approver_then_paid_writes_ledger(world):
    order = place(world, items=[(world.variant_a, 12)])  # ¥1,056 > ¥1,000
    assert order.status == OrderStatus.PENDING_APPROVAL
    with pytest.raises(ValidationError):
        order_approve(actor=world.purchaser_a, order=order)
    order = order_approve(actor=world.approver_a, order=order)
    assert order.status == OrderStatus.AWAITING_PAYMENT
    result = order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=105600)
    again = order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=105600)
    assert result.changed and not again.changed
    entries = LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE)
    assert [e.amount_fen for e in entries] == [105600]
    assert entries[0].organization == world.org_a and entries[0].buyer_type == "community"


def test_cancel_paid_order_refunds_releases_stock_and_writes_negative_entries(world):
    order = place(world, user=world.purchaser_b, organization=world.org_b)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    order = order_cancel(actor=world.purchaser_b, order=order, reason="买错了")
    assert order.status == OrderStatus.CANCELLED
    assert order.refunded_fen == order.paid_fen == order.total_fen
    assert sum(LedgerEntry.objects.values_list("amount_fen", flat=True)) == 0
    assert ProductVariant.objects.get(pk=world.variant_a.pk).stock == 50


def test_partial_refund_by_staff(world):
    order = place(world, user=world.purchaser_b, organization=world.org_b)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    order_refund(actor=world.staff, order=order, reason="少发一件", amount_fen=4550, idempotency_key="r1")
    order_refund(actor=world.staff, order=order, reason="少发一件", amount_fen=4550, idempotency_key="r1")
    order.refresh_from_db()
    assert order.refunded_fen == 4550 and order.status == OrderStatus.PAID
    assert sum(LedgerEntry.objects.values_list("amount_fen", flat=True)) == order.total_fen - 4550


def test_full_refund_after_one_supplier_shipped_refunds_without_touching_shipped_stock(world):
    from orders.services.fulfilment import fulfilment_ship

    order = place(world, user=world.purchaser_b, organization=world.org_b)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    part_a = order.fulfilments.get(supplier=world.supplier_a)
    fulfilment_ship(actor=world.owner_a, fulfilment=part_a, carrier="顺丰", tracking_number="SF1")
    order_refund(actor=world.staff, order=order, reason="整单退款", idempotency_key="full", bank_reference="B1")
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED and order.refunded_fen == order.total_fen
    va = ProductVariant.objects.get(pk=world.variant_a.pk)
    assert (va.stock, va.reserved) == (48, 0)  # shipped units stay shipped
    assert sum(LedgerEntry.objects.values_list("amount_fen", flat=True)) == 0

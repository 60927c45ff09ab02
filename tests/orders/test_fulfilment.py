"""Fulfilment: suppliers confirm and ship their own part of a paid order, the buyer accepts
(验收) with a rating, or the delivery is accepted automatically after N days."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import ProductVariant
from orders.models import FulfilmentStatus, LedgerEntry, OrderEventKind, OrderStatus, PaymentMethod
from orders.services.fulfilment import (
    fulfilment_accept,
    fulfilment_confirm,
    fulfilment_ship,
    fulfilments_auto_accept,
    order_accept,
)
from orders.services.lifecycle import order_cancel
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from tests.world import key, place

pytestmark = pytest.mark.django_db


def paid_order(world, **kwargs):
    order = place(world, **kwargs)
    return order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen).order


def parts(order):
    first, second = order.fulfilments.order_by("id")
    return first, second


def stock(variant):
    v = ProductVariant.objects.get(pk=variant.pk)
    return v.stock, v.reserved


def code_of(err: ValidationError) -> str:
    if hasattr(err, "error_dict"):
        return next(iter(err.error_dict.values()))[0].code
    return err.error_list[0].code


def kinds(order):
    return list(order.events.values_list("kind", flat=True))


def test_full_path_ship_both_accept_with_rating_completes_order(world):
    order = paid_order(world)
    fa, fb = parts(order)
    assert (fa.supplier, fb.supplier) == (world.supplier_a, world.supplier_b)
    assert stock(world.variant_a) == (48, 2) and stock(world.variant_b) == (47, 3)

    fulfilment_confirm(actor=world.owner_a, fulfilment=fa)
    fa = fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier=" 顺丰速运 ", tracking_number="SF1234567890")
    assert (fa.status, fa.carrier, fa.tracking_number) == (FulfilmentStatus.SHIPPED, "顺丰速运", "SF1234567890")
    # Shipping takes the units out of "reserved"; the units on sale do not change.
    assert stock(world.variant_a) == (48, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID  # supplier B has not shipped yet

    fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="中国邮政", tracking_number="EMS0001")
    assert stock(world.variant_b) == (47, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.shipped_at is not None

    order = order_accept(actor=world.admin_a, order=order, rating=5, comment="  新鲜，包装完好 ")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.accepted_at is not None
    for f in order.fulfilments.all():
        assert (f.status, f.rating, f.comment, f.accepted_by, f.auto_accepted) == (
            FulfilmentStatus.ACCEPTED, 5, "新鲜，包装完好", world.admin_a, False)
    assert kinds(order) == [
        OrderEventKind.PLACED, OrderEventKind.PAID, OrderEventKind.CONFIRMED, OrderEventKind.SHIPPED,
        OrderEventKind.SHIPPED, OrderEventKind.ACCEPTED, OrderEventKind.ACCEPTED, OrderEventKind.COMPLETED,
    ]
    # Stock and ledger: shipping and acceptance neither put units back nor count money twice.
    assert stock(world.variant_a) == (48, 0) and stock(world.variant_b) == (47, 0)
    assert sum(LedgerEntry.objects.filter(order_line__order=order).values_list("amount_fen", flat=True)) == order.total_fen


def test_repeats_change_nothing(world):
    order = paid_order(world)
    fa, fb = parts(order)
    fulfilment_confirm(actor=world.owner_a, fulfilment=fa)
    fulfilment_confirm(actor=world.owner_a, fulfilment=fa)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    again = fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="圆通", tracking_number="YT2")
    assert (again.carrier, again.tracking_number) == ("顺丰", "SF1")
    assert stock(world.variant_a) == (48, 0)  # reserved taken once
    fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating=4)
    fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating=1)
    fa.refresh_from_db()
    assert fa.rating == 4
    assert kinds(order).count(OrderEventKind.CONFIRMED) == 1
    assert kinds(order).count(OrderEventKind.SHIPPED) == 1
    assert kinds(order).count(OrderEventKind.ACCEPTED) == 1


def test_accepting_one_part_at_a_time(world):
    order = paid_order(world)
    fa, fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating="3", comment="ok")
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="邮政", tracking_number="E1")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    fulfilment_accept(actor=world.approver_a, fulfilment=fb)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert kinds(order).count(OrderEventKind.COMPLETED) == 1


def test_suppliers_act_only_on_their_own_part(world):
    order = paid_order(world)
    fa, fb = parts(order)
    for action in (
        lambda: fulfilment_confirm(actor=world.owner_b, fulfilment=fa),
        lambda: fulfilment_ship(actor=world.owner_b, fulfilment=fa, carrier="顺丰", tracking_number="SF1"),
        lambda: fulfilment_ship(actor=world.purchaser_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1"),
        lambda: fulfilment_ship(actor=world.staff, fulfilment=fb, carrier="顺丰", tracking_number="SF1"),
    ):
        with pytest.raises(ValidationError) as err:
            action()
        assert code_of(err.value) == "permission_denied"
    fa.refresh_from_db()
    assert fa.status == FulfilmentStatus.PENDING and stock(world.variant_a) == (48, 2)


def test_only_the_buying_organization_accepts(world):
    order = paid_order(world)
    fa, fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    for actor in (world.purchaser_b, world.owner_a, world.owner_b):
        with pytest.raises(ValidationError) as err:
            fulfilment_accept(actor=actor, fulfilment=fa, rating=5)
        assert code_of(err.value) == "permission_denied"
        with pytest.raises(ValidationError) as err:
            order_accept(actor=actor, order=order)
        assert code_of(err.value) == "permission_denied"
    fa.refresh_from_db()
    assert fa.status == FulfilmentStatus.SHIPPED


def test_accepting_before_shipping_is_refused(world):
    order = place(world)
    with pytest.raises(ValidationError) as err:
        order_accept(actor=world.purchaser_a, order=order)
    assert code_of(err.value) == "not_shipped"
    order = order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen).order
    fa, fb = parts(order)
    for call in (lambda: order_accept(actor=world.purchaser_a, order=order),
                 lambda: fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating=5)):
        with pytest.raises(ValidationError) as err:
            call()
        assert code_of(err.value) == "not_shipped"
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    with pytest.raises(ValidationError) as err:
        fulfilment_accept(actor=world.purchaser_a, fulfilment=fb)
    assert code_of(err.value) == "not_shipped"
    # The simple page accepts what has shipped; B's part stays open.
    order_accept(actor=world.purchaser_a, order=order)
    assert {f.supplier_id: f.status for f in order.fulfilments.all()} == {
        world.supplier_a.pk: FulfilmentStatus.ACCEPTED, world.supplier_b.pk: FulfilmentStatus.PENDING}


def test_unpaid_order_cannot_be_confirmed_or_shipped(world):
    order = place(world)
    fa, _fb = parts(order)
    for call in (lambda: fulfilment_confirm(actor=world.owner_a, fulfilment=fa),
                 lambda: fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")):
        with pytest.raises(ValidationError) as err:
            call()
        assert code_of(err.value) == "invalid_transition"
    assert stock(world.variant_a) == (48, 2)


@pytest.mark.parametrize(
    ("carrier", "tracking", "field", "code"),
    [
        ("", "SF1", "carrier", "required"),
        ("   ", "SF1", "carrier", "required"),
        ("顺丰", "", "tracking_number", "required"),
        ("顺丰" * 40, "SF1", "carrier", "invalid"),
        ("顺丰", "1" * 65, "tracking_number", "invalid"),
        ("顺丰", "SF\x001", "tracking_number", "invalid"),
    ],
)
def test_ship_needs_carrier_and_tracking(world, carrier, tracking, field, code):
    order = paid_order(world)
    fa, _fb = parts(order)
    with pytest.raises(ValidationError) as err:
        fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier=carrier, tracking_number=tracking)
    assert err.value.error_dict[field][0].code == code
    fa.refresh_from_db()
    assert fa.status == FulfilmentStatus.PENDING and stock(world.variant_a) == (48, 2)


@pytest.mark.parametrize("rating", [0, 6, -1, "five", "1.5", 2.5, True, "", None])
def test_rating_is_1_to_5_or_none(world, rating):
    order = paid_order(world)
    fa, _fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    if rating in ("", None):
        fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating=rating)
        fa.refresh_from_db()
        assert fa.status == FulfilmentStatus.ACCEPTED and fa.rating is None
        return
    with pytest.raises(ValidationError) as err:
        fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating=rating)
    assert err.value.error_dict["rating"][0].code == "invalid_rating"
    fa.refresh_from_db()
    assert fa.status == FulfilmentStatus.SHIPPED


def test_comment_at_most_500(world):
    order = paid_order(world)
    fa, _fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    with pytest.raises(ValidationError) as err:
        order_accept(actor=world.purchaser_a, order=order, rating=5, comment="好" * 501)
    assert err.value.error_dict["comment"][0].code == "invalid"
    order_accept(actor=world.purchaser_a, order=order, rating=5, comment="好" * 500)
    fa.refresh_from_db()
    assert len(fa.comment) == 500


def test_auto_accept_after_n_days(world, settings):
    settings.ORDER_AUTO_ACCEPT_DAYS = 7
    order = paid_order(world)
    fa, fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="邮政", tracking_number="E1")
    now = timezone.now()
    assert fulfilments_auto_accept(now=now + dt.timedelta(days=6, hours=23)) == 0
    assert fulfilments_auto_accept(now=now + dt.timedelta(days=7, minutes=1)) == 2
    assert fulfilments_auto_accept(now=now + dt.timedelta(days=8)) == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    for f in order.fulfilments.all():
        assert (f.status, f.auto_accepted, f.accepted_by, f.rating) == (FulfilmentStatus.ACCEPTED, True, None, None)
    assert kinds(order).count(OrderEventKind.COMPLETED) == 1


def test_auto_accept_skips_what_the_buyer_accepted(world):
    order = paid_order(world)
    fa, fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="邮政", tracking_number="E1")
    fulfilment_accept(actor=world.purchaser_a, fulfilment=fa, rating=2)
    assert fulfilments_auto_accept(now=timezone.now() + dt.timedelta(days=30)) == 1
    fa.refresh_from_db()
    fb.refresh_from_db()
    assert (fa.auto_accepted, fa.rating, fb.auto_accepted) == (False, 2, True)


def test_refunded_order_cannot_be_accepted(world):
    order = paid_order(world)
    fa, fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="邮政", tracking_number="E1")
    order_refund(actor=world.staff, order=order, reason="质量问题", idempotency_key=key())
    order.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    for call in (lambda: fulfilment_accept(actor=world.purchaser_a, fulfilment=fa),
                 lambda: order_accept(actor=world.purchaser_a, order=order)):
        with pytest.raises(ValidationError) as err:
            call()
        assert code_of(err.value) == "invalid_transition"
    assert fulfilments_auto_accept(now=timezone.now() + dt.timedelta(days=30)) == 0
    fa.refresh_from_db()
    assert fa.status == FulfilmentStatus.SHIPPED
    assert stock(world.variant_a) == (48, 0)  # shipped goods are not back on sale


def test_cancelled_paid_order_cannot_be_confirmed_or_shipped(world):
    order = paid_order(world, items=[(world.variant_a, 1)])
    order_cancel(actor=world.purchaser_a, order=order, reason="不需要了")
    part = order.fulfilments.get()
    for call in (lambda: fulfilment_confirm(actor=world.owner_a, fulfilment=part),
                 lambda: fulfilment_ship(actor=world.owner_a, fulfilment=part, carrier="顺丰", tracking_number="SF2")):
        with pytest.raises(ValidationError) as err:
            call()
        assert code_of(err.value) == "invalid_transition"
    assert stock(world.variant_a) == (50, 0)  # the unit went back on sale once


def test_shipped_order_can_no_longer_be_cancelled(world):
    order = paid_order(world)
    fa, _fb = parts(order)
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    with pytest.raises(ValidationError) as err:
        order_cancel(actor=world.purchaser_a, order=order, reason="不要了")
    assert code_of(err.value) == "already_shipped"

"""Beat tasks run through ``.delay()`` (Celery eager in tests): unpaid orders past their
deadline are cancelled and their stock released, once; shipped deliveries are accepted
automatically after ``ORDER_AUTO_ACCEPT_DAYS``."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from catalog.models import ProductVariant
from orders.models import FulfilmentStatus, Order, OrderEventKind, OrderStatus, PaymentMethod
from orders.services.fulfilment import fulfilment_ship
from orders.services.payments import order_mark_paid
from orders.tasks import fulfilments_auto_accept, orders_cancel_unpaid
from tests.world import place

pytestmark = pytest.mark.django_db


def stock(variant):
    v = ProductVariant.objects.get(pk=variant.pk)
    return v.stock, v.reserved


def overdue(order, hours=1):
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - dt.timedelta(hours=hours))


def test_unpaid_orders_past_their_deadline_are_cancelled_once(world, django_capture_on_commit_callbacks):
    late = place(world, items=[(world.variant_a, 2), (world.variant_b, 1)])
    on_time = place(world, items=[(world.variant_a, 3)])
    paid = place(world, items=[(world.variant_b, 4)])
    waiting = place(world, items=[(world.variant_a, 12)])  # above ¥1,000: waits for approval
    order_mark_paid(order_id=paid.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=paid.total_fen)
    for order in (late, paid):
        overdue(order)
    Order.objects.filter(pk=waiting.pk).update(payment_due_at=timezone.now() - dt.timedelta(days=9))
    assert stock(world.variant_a) == (50 - 2 - 3 - 12, 17)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_cancel_unpaid.delay().get() == 1
    late.refresh_from_db()
    assert late.status == OrderStatus.CANCELLED and late.cancelled_at is not None
    assert set(late.fulfilments.values_list("status", flat=True)) == {FulfilmentStatus.CANCELLED}
    assert stock(world.variant_a) == (50 - 3 - 12, 15)
    assert stock(world.variant_b) == (50 - 4, 4)  # only the paid order's units stay held
    # The buyer is told, once.
    assert [m.to for m in mail.outbox] == [[world.purchaser_a.email]]
    assert late.number in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        assert orders_cancel_unpaid.delay().get() == 0
    assert stock(world.variant_a) == (50 - 3 - 12, 15)
    assert late.events.filter(kind=OrderEventKind.EXPIRED).count() == 1
    assert len(mail.outbox) == 1
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses[on_time.pk] == OrderStatus.AWAITING_PAYMENT
    assert statuses[paid.pk] == OrderStatus.PAID
    assert statuses[waiting.pk] == OrderStatus.PENDING_APPROVAL


def test_an_order_paid_just_before_the_beat_is_not_cancelled(world):
    order = place(world, items=[(world.variant_a, 1)])
    overdue(order)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    assert orders_cancel_unpaid.delay().get() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert stock(world.variant_a) == (49, 1)


def test_deliveries_are_accepted_automatically_after_n_days(world, settings):
    settings.ORDER_AUTO_ACCEPT_DAYS = 7
    order = place(world)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    fa, fb = order.fulfilments.order_by("id")
    fulfilment_ship(actor=world.owner_a, fulfilment=fa, carrier="顺丰", tracking_number="SF1")
    fulfilment_ship(actor=world.owner_b, fulfilment=fb, carrier="邮政", tracking_number="E1")
    assert fulfilments_auto_accept.delay().get() == 0
    type(fa).objects.filter(pk=fa.pk).update(shipped_at=timezone.now() - dt.timedelta(days=8))
    assert fulfilments_auto_accept.delay().get() == 1
    assert fulfilments_auto_accept.delay().get() == 0
    fa.refresh_from_db()
    order.refresh_from_db()
    assert (fa.status, fa.auto_accepted) == (FulfilmentStatus.ACCEPTED, True)
    assert order.status == OrderStatus.SHIPPED  # supplier B's delivery is still within its 7 days
    type(fb).objects.filter(pk=fb.pk).update(shipped_at=timezone.now() - dt.timedelta(days=7, minutes=1))
    assert fulfilments_auto_accept.delay().get() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert order.events.filter(kind=OrderEventKind.COMPLETED).count() == 1

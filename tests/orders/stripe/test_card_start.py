"""Starting a card payment: a PaymentIntent in CNY for the server's total, reused while it
can still be paid; refused when Stripe is not configured, for strangers and unpayable orders."""

import pytest
from django.core.exceptions import ValidationError

from orders.models import OrderEventKind, OrderStatus, Payment, PaymentStatus
from orders.services.card import payment_card_start
from orders.services.lifecycle import order_cancel
from orders.stripe.client import card_payments_enabled
from tests.localstripe_server import CARD_DECLINED
from tests.world import place


def codes(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [e.code for errors in exc.error_dict.values() for e in errors]
    return [e.code for e in exc.error_list]


def test_payment_intent_in_cny_for_the_server_total_with_the_order_in_metadata(world, stripe_on):
    order = place(world)
    assert order.total_fen == 2 * 8800 + 3 * 4550

    payment = payment_card_start(actor=world.purchaser_a, order=order)

    assert payment.method == "stripe" and payment.status == PaymentStatus.PENDING
    assert payment.amount_fen == order.total_fen
    assert payment.stripe_client_secret.startswith(payment.stripe_payment_intent_id + "_secret_")
    pi = stripe_on.client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert (pi.amount, pi.currency) == (31250, "cny")
    assert pi.metadata.to_dict() == {"order_id": str(order.pk), "order_number": order.number}
    assert order.events.filter(kind=OrderEventKind.PAYMENT_STARTED).count() == 1


def test_a_second_start_reuses_the_pending_intent(world, stripe_on):
    order = place(world)
    first = payment_card_start(actor=world.purchaser_a, order=order)
    second = payment_card_start(actor=world.approver_a, order=order)

    assert second.pk == first.pk
    assert second.stripe_payment_intent_id == first.stripe_payment_intent_id
    assert Payment.objects.filter(order=order).count() == 1
    assert order.events.filter(kind=OrderEventKind.PAYMENT_STARTED).count() == 1


def test_after_a_declined_card_a_new_start_makes_a_fresh_intent(world, stripe_on):
    from orders.services.card import payment_card_sync

    order = place(world)
    first = payment_card_start(actor=world.purchaser_a, order=order)
    assert stripe_on.pay(first.stripe_payment_intent_id, CARD_DECLINED) == "requires_payment_method"
    assert payment_card_sync(payment_intent_id=first.stripe_payment_intent_id) == "failed"

    second = payment_card_start(actor=world.purchaser_a, order=order)

    assert second.pk != first.pk and second.stripe_payment_intent_id != first.stripe_payment_intent_id
    assert Payment.objects.get(pk=first.pk).status == PaymentStatus.FAILED
    failed = order.events.get(kind=OrderEventKind.PAYMENT_FAILED)
    assert failed.message == "Your card was declined."


def test_card_payment_is_unavailable_without_all_three_keys(world, stripe_on, settings):
    order = place(world)
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert not card_payments_enabled()

    with pytest.raises(ValidationError) as err:
        payment_card_start(actor=world.purchaser_a, order=order)

    assert codes(err.value) == ["payment_unavailable"]
    assert not Payment.objects.filter(order=order).exists()


def test_unreachable_stripe_is_a_clear_error_and_writes_nothing(world, stripe_on, settings):
    order = place(world)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(ValidationError) as err:
        payment_card_start(actor=world.purchaser_a, order=order)

    assert codes(err.value) == ["payment_unavailable"]
    assert not Payment.objects.filter(order=order).exists()


def test_a_member_of_another_organization_cannot_start_a_payment(world, stripe_on):
    order = place(world)

    with pytest.raises(ValidationError) as err:
        payment_card_start(actor=world.purchaser_b, order=order)

    assert codes(err.value) == ["permission_denied"]
    assert not Payment.objects.filter(order=order).exists()


def test_a_cancelled_or_unapproved_order_cannot_be_paid(world, stripe_on):
    cancelled = place(world)
    order_cancel(actor=world.purchaser_a, order=cancelled, reason="不需要了")
    big = place(world, items=[(world.variant_a, 12)])  # ¥1,056 > threshold: waits for approval
    assert big.status == OrderStatus.PENDING_APPROVAL

    for order in (cancelled, big):
        with pytest.raises(ValidationError) as err:
            payment_card_start(actor=world.purchaser_a, order=order)
        assert codes(err.value) == ["not_payable"]
        assert not Payment.objects.filter(order=order).exists()


def test_abandoning_a_cancelled_order_cancels_its_intent_at_stripe(world, stripe_on):
    from orders.services.card import payment_card_abandon

    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    order_cancel(actor=world.purchaser_a, order=order, reason="不需要了")

    assert payment_card_abandon(order_id=order.pk) == 1

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    pi = stripe_on.client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id)
    assert pi.status == "canceled"
    assert payment_card_abandon(order_id=order.pk) == 0

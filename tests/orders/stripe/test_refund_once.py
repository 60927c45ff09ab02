"""A refund happens once (issue 9, part 5): a double click or two concurrent requests make
exactly one refund at Stripe — counted at localstripe, which ignores idempotency keys, so
only the shop's own claim can keep the second call away. And an order above Stripe's
per-charge maximum for CNY is refused for card payment with a message offering bank
transfer."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connections
from django.urls import reverse

from orders.models import LedgerEntry, Order, Payment, Refund, RefundStatus
from orders.services.card import payment_card_start, payment_card_sync
from orders.services.refunds import order_refund
from orders.stripe.payments import MAX_CHARGE_FEN
from tests.graphql.orders_api import ERRORS, error_codes, gid, run
from tests.world import key, place

TOTAL = 31250


def paid_by_card(server, world) -> tuple[Order, str]:
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    assert server.pay(payment.stripe_payment_intent_id) == "succeeded"
    assert payment_card_sync(payment_intent_id=payment.stripe_payment_intent_id) == "paid"
    return Order.objects.get(pk=order.pk), payment.stripe_payment_intent_id


def refunds_at_stripe(server, pi_id: str) -> list[int]:
    return [r.amount for r in server.client().v1.refunds.list(params={"payment_intent": pi_id}).data]


def test_a_double_click_refunds_once(world, stripe_on):
    order, pi_id = paid_by_card(stripe_on, world)
    idem = key()

    first = order_refund(actor=world.staff, order=order, reason="破损", idempotency_key=idem, amount_fen=4550)
    second = order_refund(actor=world.staff, order=order, reason="破损", idempotency_key=idem, amount_fen=4550)

    assert first.pk == second.pk and second.status == RefundStatus.SUCCEEDED
    assert refunds_at_stripe(stripe_on, pi_id) == [4550]
    assert Order.objects.get(pk=order.pk).refunded_fen == 4550


def _race(calls: int, target) -> list:
    barrier = threading.Barrier(calls)
    outcomes: list = []

    def run_one(i: int):
        try:
            barrier.wait()
            for attempt in range(20):  # SQLite answers "database is locked" to a concurrent writer
                try:
                    outcomes.append(target(i))
                    return
                except OperationalError:
                    if attempt == 19:
                        raise
                    time.sleep(0.02 * (attempt + 1))
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_one, args=(i,)) for i in range(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_make_one_stripe_refund(world, stripe_on):
    order, pi_id = paid_by_card(stripe_on, world)
    idem = key()

    outcomes = _race(4, lambda i: order_refund(
        actor=world.staff, order=Order.objects.get(pk=order.pk), reason="破损", idempotency_key=idem, amount_fen=4550,
    ))

    assert len(outcomes) == 4 and len({o.pk for o in outcomes}) == 1  # one refund row, returned to all four
    assert refunds_at_stripe(stripe_on, pi_id) == [4550]
    (refund,) = Refund.objects.filter(order=order)
    assert refund.status == RefundStatus.SUCCEEDED and refund.stripe_refund_id
    assert Order.objects.get(pk=order.pk).refunded_fen == 4550
    assert [e.amount_fen for e in LedgerEntry.objects.filter(refund_line__refund=refund)] == [-4550]


@pytest.mark.django_db(transaction=True)
def test_concurrent_full_refunds_with_different_keys_refund_the_order_once(world, stripe_on):
    order, pi_id = paid_by_card(stripe_on, world)

    outcomes = _race(3, lambda i: order_refund(
        actor=world.staff, order=Order.objects.get(pk=order.pk), reason="整单退款", idempotency_key=f"full-{i}",
    ))

    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(outcomes) == 3 and len(refused) == 2
    # Refused while the first is in progress, or because the order is refunded (cancelled) by then.
    codes = {e.code for o in refused for e in (sum(o.error_dict.values(), []) if hasattr(o, "error_dict") else o.error_list)}
    assert codes <= {"refund_exceeds_paid", "invalid_transition"}
    assert refunds_at_stripe(stripe_on, pi_id) == [TOTAL]
    assert Order.objects.get(pk=order.pk).refunded_fen == TOTAL


def test_a_failed_stripe_call_releases_the_claim_and_a_retry_refunds_once(world, stripe_on, settings):
    order, pi_id = paid_by_card(stripe_on, world)
    idem = key()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable

    with pytest.raises(ValidationError) as refused:
        order_refund(actor=world.staff, order=order, reason="破损", idempotency_key=idem, amount_fen=1000)

    assert refused.value.code == "refund_failed"
    refund = Refund.objects.get(order=order)
    assert (refund.status, refund.stripe_claimed_at) == (RefundStatus.FAILED, None)
    settings.STRIPE_API_BASE = stripe_on.url
    again = order_refund(actor=world.staff, order=order, reason="破损", idempotency_key=idem, amount_fen=1000)
    assert again.pk == refund.pk and again.status == RefundStatus.SUCCEEDED
    assert refunds_at_stripe(stripe_on, pi_id) == [1000]


# --- Stripe's maximum per charge -------------------------------------------------------------

def _big_order(world, unit_price: str, quantity: int) -> Order:
    variant = world.variant_a
    variant.price = Decimal(unit_price)
    variant.stock = 100
    variant.save(update_fields=["price", "stock"])
    return place(world, user=world.purchaser_b, organization=world.org_b, items=[(variant, quantity)])


def test_an_order_at_stripes_maximum_can_be_paid_by_card(world, stripe_on):
    order = _big_order(world, "333333.33", 3)
    assert order.total_fen == MAX_CHARGE_FEN == 99_999_999

    payment = payment_card_start(actor=world.purchaser_b, order=order)

    assert stripe_on.client().v1.payment_intents.retrieve(payment.stripe_payment_intent_id).amount == MAX_CHARGE_FEN


def test_an_order_above_stripes_maximum_is_refused_for_card_with_bank_transfer_offered(world, stripe_on, client):
    order = _big_order(world, "500000.00", 2)
    assert order.total_fen == MAX_CHARGE_FEN + 1

    with pytest.raises(ValidationError) as refused:
        payment_card_start(actor=world.purchaser_b, order=order)
    (error,) = refused.value.error_dict["payment"]
    assert error.code == "card_amount_too_large"
    assert "对公转账" in error.message % (error.params or {}) if error.params else "对公转账" in error.message

    client.force_login(world.purchaser_b)
    page = client.post(reverse("frontend:order_pay_card", args=[order.pk]))
    assert page.status_code == 400
    text = page.content.decode()
    assert "银行卡单笔最多" in text and "¥1,000,000.00" in text and "对公转账" in text

    mutation = f"""mutation($id: ID!) {{ paymentCreate(orderId: $id, method: STRIPE) {{ payment {{ status }} {ERRORS} }} }}"""
    result = run(world.purchaser_b, mutation, {"id": gid("Order", order)})
    assert error_codes(result, "paymentCreate") == [("payment", "CARD_AMOUNT_TOO_LARGE")]
    assert not Payment.objects.filter(order=order).exists()

"""The Stripe webhook with real signatures: localstripe pays and signs, the live server
receives; forged, tampered, replayed, duplicated (five at once) and out-of-order events
change nothing twice, and money that cannot be used goes back through Stripe."""

import json
import threading
import time

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from orders.models import (
    LedgerEntry,
    Order,
    OrderEventKind,
    OrderStatus,
    Payment,
    PaymentStatus,
    StripeEvent,
)
from orders.services.card import payment_card_start
from orders.services.lifecycle import order_cancel
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from tests.localstripe_server import CARD_DECLINED, CARD_OK, signed
from tests.world import key, place

URL = "/stripe/webhook/"


def paid_entries(order):
    return LedgerEntry.objects.filter(order_line__order=order, kind="order_line")


def post(client, body: bytes, header: str | None):
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(URL, data=body, content_type="application/json", **extra)


def succeeded_event(server, order, actor) -> tuple[Payment, dict]:
    """Start the card payment, pay it in localstripe; the event it made (not delivered)."""
    payment = payment_card_start(actor=actor, order=order)
    assert server.pay(payment.stripe_payment_intent_id) == "succeeded"
    (event,) = server.events_for(payment.stripe_payment_intent_id, "payment_intent.succeeded")
    return payment, event


def test_url_name():
    assert reverse("stripe_webhook") == URL


# --- Delivered by localstripe ---------------------------------------------------------


def test_a_signed_success_from_stripe_marks_the_order_paid_once(world, stripe_live):
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    before = len(stripe_live.deliveries())

    assert stripe_live.pay(payment.stripe_payment_intent_id, CARD_OK) == "succeeded"

    delivered = stripe_live.wait_for_deliveries(before + 1)
    assert delivered[before:] == ['webhook "payment_intent.succeeded" successfully delivered']
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert (order.paid_fen, order.payment_method) == (31250, "stripe")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED and payment.succeeded_at is not None
    assert Payment.objects.filter(order=order, status=PaymentStatus.SUCCEEDED).count() == 1
    entries = paid_entries(order).order_by("order_line_id")
    assert [e.amount_fen for e in entries] == [17600, 13650]
    event = StripeEvent.objects.get(payment_intent_id=payment.stripe_payment_intent_id)
    assert event.type == "payment_intent.succeeded"
    assert event.processed_at is not None and event.result == "paid"
    assert order.events.filter(kind=OrderEventKind.PAID).count() == 1


def test_a_declined_card_is_recorded_and_the_order_stays_unpaid(world, stripe_live):
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    before = len(stripe_live.deliveries())

    assert stripe_live.pay(payment.stripe_payment_intent_id, CARD_DECLINED) == "requires_payment_method"

    delivered = stripe_live.wait_for_deliveries(before + 1)
    assert delivered[before:] == ['webhook "payment_intent.payment_failed" successfully delivered']
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.FAILED
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_fen == 0
    assert order.events.filter(kind=OrderEventKind.PAYMENT_FAILED).count() == 1
    assert not paid_entries(order).exists()


# --- Signatures -------------------------------------------------------------------------


def test_forged_tampered_replayed_or_unsigned_events_are_refused(world, stripe_on, client):
    order = place(world)
    _, event = succeeded_event(stripe_on, order, world.purchaser_a)
    secret = stripe_on.webhook_secret

    forged = signed(event, "whsec_not_the_secret")
    body, header = signed(event, secret)
    tampered = json.loads(body)
    tampered["data"]["object"]["amount"] = 1
    replayed = signed(event, secret, timestamp=int(time.time()) - 301)
    not_json = signed("{not json", secret)
    cases = {
        "forged": forged,
        "tampered": (json.dumps(tampered, indent=2, sort_keys=True).encode(), header),
        "replayed": replayed,
        "unsigned": (body, None),
        "garbage header": (body, "t=abc,v1=zzz"),
        "not json": not_json,
        "not utf-8": (b"\xff\xfe" + body, header),
    }
    for name, (data, sig) in cases.items():
        response = post(client, data, sig)
        assert response.status_code == 400, name

    assert not StripeEvent.objects.exists()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert client.get(URL).status_code == 405
    # The genuine one still works (so the refusals above were about the signature).
    assert post(client, body, header).status_code == 200
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_without_a_webhook_secret_nothing_is_accepted(world, stripe_on, client, settings):
    order = place(world)
    _, event = succeeded_event(stripe_on, order, world.purchaser_a)
    body, header = signed(event, stripe_on.webhook_secret)
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert post(client, body, header).status_code == 400
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT


# --- Duplicates and order of arrival ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_same_event_five_times_at_once_pays_once(world, stripe_on):
    order = place(world)
    payment, event = succeeded_event(stripe_on, order, world.purchaser_a)
    body, header = signed(event, stripe_on.webhook_secret)
    barrier = threading.Barrier(5)
    responses: list = []

    def deliver():
        try:
            barrier.wait()
            responses.append(post(Client(), body, header))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert [r.status_code for r in responses] == [200] * 5
    results = sorted(r.json()["result"] for r in responses)
    assert results == ["duplicate"] * 4 + ["paid"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_fen == order.total_fen
    assert order.events.filter(kind=OrderEventKind.PAID).count() == 1
    assert [e.amount_fen for e in paid_entries(order).order_by("order_line_id")] == [17600, 13650]
    assert StripeEvent.objects.filter(event_id=event["id"]).count() == 1
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED


def test_a_redelivered_event_is_acknowledged_and_changes_nothing(world, stripe_on, client):
    order = place(world)
    _, event = succeeded_event(stripe_on, order, world.purchaser_a)
    first = post(client, *signed(event, stripe_on.webhook_secret))
    again = post(client, *signed(event, stripe_on.webhook_secret))  # Stripe retries: a new signature

    assert (first.status_code, first.json()["result"]) == (200, "paid")
    assert (again.status_code, again.json()["result"]) == (200, "duplicate")
    assert paid_entries(order).count() == 2
    assert Order.objects.get(pk=order.pk).events.filter(kind=OrderEventKind.PAID).count() == 1


def test_a_failure_arriving_after_the_success_does_not_undo_or_recount(world, stripe_on, client):
    order = place(world)
    payment, succeeded = succeeded_event(stripe_on, order, world.purchaser_a)
    # A failure notice for the same intent, delivered late (its payload says it failed).
    failed = json.loads(json.dumps(succeeded))
    failed.update(id="evt_late_failure", type="payment_intent.payment_failed")
    failed["data"]["object"].update(status="requires_payment_method",
                                    last_payment_error={"code": "card_declined"})

    assert post(client, *signed(succeeded, stripe_on.webhook_secret)).json()["result"] == "paid"
    late = post(client, *signed(failed, stripe_on.webhook_secret))

    assert (late.status_code, late.json()["result"]) == (200, "already_paid")
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert not order.events.filter(kind=OrderEventKind.PAYMENT_FAILED).exists()
    assert paid_entries(order).count() == 2


def test_the_payload_is_not_believed_the_intent_is_read_again_from_stripe(world, stripe_on, client):
    """A correctly signed "succeeded" event for an intent that has not been paid does nothing."""
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    fake = {
        "id": "evt_claims_success", "object": "event", "type": "payment_intent.succeeded",
        "data": {"object": {"id": payment.stripe_payment_intent_id, "object": "payment_intent",
                            "status": "succeeded", "amount": 31250, "currency": "cny"}},
    }

    response = post(client, *signed(fake, stripe_on.webhook_secret))

    assert (response.status_code, response.json()["result"]) == (200, "no_change:requires_payment_method")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


def test_events_for_unknown_intents_and_other_types_are_stored_and_acknowledged(world, stripe_on, client):
    server = stripe_on
    order = place(world)  # an intent made elsewhere that names this order is still not ours
    stranger = server.client().v1.payment_intents.create(
        params={"amount": order.total_fen, "currency": "cny", "metadata": {"order_id": str(order.pk)}}
    )
    assert server.pay(stranger.id) == "succeeded"
    (event,) = server.events_for(stranger.id, "payment_intent.succeeded")
    missing = {"id": "evt_missing_pi", "object": "event", "type": "payment_intent.succeeded",
               "data": {"object": {"id": "pi_doesnotexist", "object": "payment_intent"}}}
    other = {"id": "evt_other", "object": "event", "type": "customer.created",
             "data": {"object": {"id": "cus_1", "object": "customer"}}}

    results = [post(client, *signed(e, server.webhook_secret)) for e in (event, missing, other)]

    assert [(r.status_code, r.json()["result"]) for r in results] == [
        (200, "unknown_payment_intent"), (200, "unknown_payment_intent"), (200, "ignored"),
    ]
    assert StripeEvent.objects.filter(processed_at__isnull=False).count() == 3
    assert not Payment.objects.exists() and not LedgerEntry.objects.exists()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT


def test_the_browser_return_url_does_not_mark_the_order_paid(world, stripe_on, client):
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    pi_id = payment.stripe_payment_intent_id
    assert stripe_on.pay(pi_id) == "succeeded"  # paid at Stripe; its webhook has not arrived
    client.force_login(world.purchaser_a)

    response = client.get(
        reverse("frontend:order_pay_return", args=[order.pk]),
        {"payment_intent": pi_id, "payment_intent_client_secret": payment.stripe_client_secret,
         "redirect_status": "succeeded"},
    )

    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_fen == 0
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert not paid_entries(order).exists()


# --- Money that cannot be used goes back ---------------------------------------------------


def _stripe_refunds(server, pi_id):
    return [r for r in server.client().v1.refunds.list(params={"payment_intent": pi_id}).data]


def test_a_payment_arriving_after_cancellation_is_refunded_and_never_counted(world, stripe_on, client):
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    order_cancel(actor=world.purchaser_a, order=order, reason="买错了")
    pi_id = payment.stripe_payment_intent_id
    assert stripe_on.pay(pi_id) == "succeeded"  # the buyer's card step finished anyway
    (event,) = stripe_on.events_for(pi_id, "payment_intent.succeeded")

    response = post(client, *signed(event, stripe_on.webhook_secret))
    again = post(client, *signed({**event, "id": event["id"] + "_retry"}, stripe_on.webhook_secret))

    assert (response.status_code, response.json()["result"]) == (200, "refunded")
    assert (again.status_code, again.json()["result"]) == (200, "refunded_already")
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.paid_fen == 0
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    refunds = _stripe_refunds(stripe_on, pi_id)
    assert [(r.amount, r.status) for r in refunds] == [(31250, "succeeded")]
    note = order.events.get(kind=OrderEventKind.REFUNDED)
    assert note.data["stripe_refund_id"] == refunds[0].id and note.data["automatic"] is True
    assert not LedgerEntry.objects.filter(order_line__order=order).exists()


def test_a_second_payment_of_an_order_already_paid_by_transfer_is_refunded(world, stripe_on, client):
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen, actor=world.staff)
    assert stripe_on.pay(payment.stripe_payment_intent_id) == "succeeded"
    (event,) = stripe_on.events_for(payment.stripe_payment_intent_id, "payment_intent.succeeded")

    response = post(client, *signed(event, stripe_on.webhook_secret))

    assert response.json()["result"] == "refunded"
    order.refresh_from_db()
    assert (order.status, order.payment_method, order.paid_fen) == (OrderStatus.PAID, "bank_transfer", 31250)
    assert [r.amount for r in _stripe_refunds(stripe_on, payment.stripe_payment_intent_id)] == [31250]
    assert paid_entries(order).count() == 2  # counted once, from the transfer


def test_an_intent_for_the_wrong_amount_is_refunded_and_never_counted(world, stripe_on, client):
    order = place(world)
    wrong = stripe_on.client().v1.payment_intents.create(params={"amount": 100, "currency": "cny"})
    Payment.objects.create(order=order, method="stripe", amount_fen=100, stripe_payment_intent_id=wrong.id)
    assert stripe_on.pay(wrong.id) == "succeeded"
    (event,) = stripe_on.events_for(wrong.id, "payment_intent.succeeded")

    response = post(client, *signed(event, stripe_on.webhook_secret))

    assert response.json()["result"] == "refunded"
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT
    assert [r.amount for r in _stripe_refunds(stripe_on, wrong.id)] == [100]
    assert not paid_entries(order).exists()


def test_staff_refund_of_a_card_order_goes_back_through_stripe(world, stripe_on, client):
    order = place(world)
    payment, event = succeeded_event(stripe_on, order, world.purchaser_a)
    assert post(client, *signed(event, stripe_on.webhook_secret)).json()["result"] == "paid"
    order.refresh_from_db()

    refund = order_refund(actor=world.staff, order=order, reason="少发一袋", idempotency_key=key(), amount_fen=4550)

    assert refund.status == "succeeded" and refund.stripe_refund_id.startswith("re_")
    (at_stripe,) = _stripe_refunds(stripe_on, payment.stripe_payment_intent_id)
    assert (at_stripe.id, at_stripe.amount) == (refund.stripe_refund_id, 4550)
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (OrderStatus.PAID, 4550)
    negative = LedgerEntry.objects.filter(refund_line__refund=refund)
    assert [e.amount_fen for e in negative] == [-4550]
    assert sum(LedgerEntry.objects.values_list("amount_fen", flat=True)) == 31250 - 4550

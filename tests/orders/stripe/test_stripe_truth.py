"""Stripe is the truth for card money (issue 9, part 3): a refund made in Stripe's dashboard,
a dispute lost or won, a cancelled intent — whatever order their events arrive in, and
however often — end in Stripe's state, with the tally right to the fen.

localstripe pays and refunds for real, and holds disputes through the small resource
added in ``tests/localstripe_server.py``; the events it cannot send (charge.refunded,
charge.dispute.*, payment_intent.canceled) are signed here with the webhook secret by
Stripe's own library and posted to the live server over HTTP."""

import json
import urllib.error
import urllib.request

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import (
    LedgerEntry,
    Order,
    OrderEventKind,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundSource,
    RefundStatus,
    StripeDispute,
    StripeEvent,
)
from orders.selectors.tally import tally_for_campaign
from orders.services.card import payment_card_start
from orders.services.lifecycle import order_cancel
from orders.services.refunds import order_refund
from tests.localstripe_server import live_server_reload_middleware, signed
from tests.world import key, place

TOTAL = 31250  # 2 × ¥88.00 + 3 × ¥45.50


@pytest.fixture
def stripe_http(stripe_on, live_server):
    """localstripe configured (it delivers nothing itself) and a way to post signed events
    to the live server."""
    live_server_reload_middleware(live_server)

    def deliver(event: dict) -> tuple[int, str]:
        body, header = signed(event, stripe_on.webhook_secret)
        request = urllib.request.Request(
            f"{live_server.url}/stripe/webhook/", data=body, method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - the live server
                return response.status, json.loads(response.read())["result"]
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    stripe_on.deliver = deliver
    return stripe_on


def paid_by_card(server, world, order=None) -> tuple[Order, str]:
    """An order paid by card at localstripe, applied through its (delivered) success event."""
    order = order or place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    pi_id = payment.stripe_payment_intent_id
    assert server.pay(pi_id) == "succeeded"
    (event,) = server.events_for(pi_id, "payment_intent.succeeded")
    assert server.deliver(event) == (200, "paid")
    return Order.objects.get(pk=order.pk), pi_id


def charge_of(server, pi_id: str) -> dict:
    pi = server.client().v1.payment_intents.retrieve(pi_id).to_dict()
    charge = pi["latest_charge"]
    charge_id = charge if isinstance(charge, str) else charge["id"]
    return server.client().v1.charges.retrieve(charge_id).to_dict()


def counted(world) -> int:
    return tally_for_campaign(campaign=world.campaign).total_fen


def ledger_sum(order) -> int:
    return sum(LedgerEntry.objects.filter(order_line__order=order).values_list("amount_fen", flat=True))


def test_a_refund_made_in_stripes_dashboard_becomes_a_refund_and_leaves_the_tally(world, stripe_http):
    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    assert counted(world) == TOTAL
    server.client().v1.refunds.create(params={"payment_intent": pi_id, "amount": 5000})  # in the dashboard
    event = server.event("charge.refunded", charge_of(server, pi_id))

    assert server.deliver(event) == (200, "already_paid+stripe_refund_recorded")
    assert server.deliver(event) == (200, "duplicate")
    # Another event about the same charge (a retry with a new id) finds nothing new.
    assert server.deliver({**event, "id": event["id"] + "_again"}) == (200, "already_paid")

    (refund,) = Refund.objects.filter(order=order)
    assert (refund.source, refund.status, refund.amount_fen) == (RefundSource.STRIPE, RefundStatus.SUCCEEDED, 5000)
    assert refund.stripe_refund_id.startswith("re_") and refund.payment.stripe_payment_intent_id == pi_id
    order.refresh_from_db()
    assert (order.status, order.paid_fen, order.refunded_fen) == (OrderStatus.PAID, TOTAL, 5000)
    assert sorted(LedgerEntry.objects.filter(refund_line__refund=refund).values_list("amount_fen", flat=True)) == [-5000]
    assert counted(world) == ledger_sum(order) == TOTAL - 5000
    assert order.events.filter(kind=OrderEventKind.REFUNDED).count() == 1


def test_the_charge_refunded_payload_is_not_believed(world, stripe_http):
    """A signed charge.refunded whose charge was not refunded at Stripe changes nothing."""
    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    charge = charge_of(server, pi_id)
    charge.update(amount_refunded=TOTAL, refunded=True)

    assert server.deliver(server.event("charge.refunded", charge)) == (200, "already_paid")
    assert not Refund.objects.exists()
    assert counted(world) == TOTAL


def test_a_lost_dispute_takes_the_amount_off_the_tally_once_and_flags_the_order(world, stripe_http):
    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    dispute = server.dispute_open(pi_id, reason="product_not_received")

    assert server.deliver(server.event("charge.dispute.created", dispute)) == (200, "already_paid+dispute:needs_response")
    flagged = StripeDispute.objects.get(dispute_id=dispute["id"])
    assert (flagged.order_id, flagged.status, flagged.amount_fen, flagged.loss) == (order.pk, "needs_response", TOTAL, None)
    assert counted(world) == TOTAL  # nothing is taken while the dispute is open

    closed = server.dispute_close(dispute["id"], "lost")
    assert server.deliver(server.event("charge.dispute.closed", closed)) == (
        200, "already_paid+dispute:lost+dispute_loss_recorded")
    assert server.deliver(server.event("charge.dispute.closed", closed))[1] == "already_paid"  # a repeat

    flagged.refresh_from_db()
    loss = flagged.loss
    assert (loss.source, loss.amount_fen, loss.stripe_dispute_id, loss.stripe_refund_id) == (
        RefundSource.DISPUTE, TOTAL, dispute["id"], None)
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (OrderStatus.CANCELLED, TOTAL)
    assert counted(world) == ledger_sum(order) == 0
    timeline = list(order.events.filter(kind=OrderEventKind.DISPUTED).values_list("data__status", flat=True))
    assert timeline == ["needs_response", "lost"]
    assert StripeEvent.objects.filter(type__startswith="charge.dispute.").count() == 3

    # Staff see the flag in the admin (the order's disputes and timeline, the disputes list).
    staff = Client()
    staff.force_login(world.staff)
    page = staff.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert dispute["id"] in page and "银行卡付款被拒付（争议）" in page and "拒付争议败诉：¥312.50 已退回持卡人" in page
    listing = staff.get(reverse("admin:orders_stripedispute_changelist")).content.decode()
    assert dispute["id"] in listing and order.number in listing
    # The buyer's timeline says it too.
    buyer = Client()
    buyer.force_login(world.purchaser_a)
    assert "银行卡付款被拒付（争议）" in buyer.get(reverse("frontend:order", args=[order.pk])).content.decode()


def test_dispute_events_out_of_order_end_in_stripes_state(world, stripe_http):
    """The closing event arrives first, then the opening one: the handler re-reads the
    dispute, so both leave the same state, and the loss is counted once."""
    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    dispute = server.dispute_open(pi_id, amount=10000)
    created = server.event("charge.dispute.created", dispute)
    closed = server.event("charge.dispute.closed", server.dispute_close(dispute["id"], "lost"))

    assert server.deliver(closed)[1] == "already_paid+dispute:lost+dispute_loss_recorded"
    assert server.deliver(created)[1] == "already_paid"

    (loss,) = Refund.objects.filter(order=order)
    assert (loss.source, loss.amount_fen) == (RefundSource.DISPUTE, 10000)
    assert counted(world) == ledger_sum(order) == TOTAL - 10000
    assert Order.objects.get(pk=order.pk).refunded_fen == 10000


def test_a_won_dispute_restores_nothing_it_did_not_take(world, stripe_http):
    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    dispute = server.dispute_open(pi_id)
    events = [server.event("charge.dispute.created", dispute),
              server.event("charge.dispute.funds_withdrawn", dispute)]
    won = server.dispute_close(dispute["id"], "won")
    events += [server.event("charge.dispute.funds_reinstated", won), server.event("charge.dispute.closed", won)]

    results = [server.deliver(e) for e in reversed(events)]

    assert results[0] == (200, "already_paid+dispute:won")
    assert all(r == (200, "already_paid") for r in results[1:])
    assert StripeDispute.objects.get(dispute_id=dispute["id"]).status == "won"
    assert not Refund.objects.exists()
    order.refresh_from_db()
    assert (order.status, order.refunded_fen) == (OrderStatus.PAID, 0)
    assert counted(world) == ledger_sum(order) == TOTAL


def test_a_dashboard_refund_and_a_lost_dispute_in_any_order_reconcile_to_the_fen(world, stripe_http):
    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    refund = order_refund(actor=world.staff, order=order, reason="少发一袋", idempotency_key=key(), amount_fen=4550)
    server.client().v1.refunds.create(params={"payment_intent": pi_id, "amount": 1234})
    refunded = server.event("charge.refunded", charge_of(server, pi_id))
    dispute = server.dispute_open(pi_id, amount=TOTAL - 4550 - 1234)
    created = server.event("charge.dispute.created", dispute)
    closed = server.event("charge.dispute.closed", server.dispute_close(dispute["id"], "lost"))

    for event in (closed, refunded, created, refunded, closed):
        assert server.deliver(event)[0] == 200

    rows = sorted(Refund.objects.filter(order=order).values_list("source", "amount_fen"))
    assert rows == [("dispute", TOTAL - 4550 - 1234), ("shop", 4550), ("stripe", 1234)]
    assert Refund.objects.get(pk=refund.pk).status == RefundStatus.SUCCEEDED
    order.refresh_from_db()
    assert order.refunded_fen == TOTAL and counted(world) == ledger_sum(order) == 0


def test_our_refund_seen_at_stripe_before_it_completed_is_completed_not_doubled(world, stripe_http):
    """The process that called Stripe died before recording the result; charge.refunded
    finds the Stripe refund by its metadata and completes the shop's own row."""
    from orders.services.refunds import refund_start
    from orders.stripe.payments import stripe_refund_create

    server = stripe_http
    order, pi_id = paid_by_card(server, world)
    refund = refund_start(actor=world.staff, order=order, reason="破损", idempotency_key=key(), amount_fen=3000)
    Refund.objects.filter(pk=refund.pk).update(stripe_claimed_at="2026-01-01T00:00:00Z")
    stripe_refund_create(payment_intent_id=pi_id, amount_fen=3000, idempotency_key=f"refund-{refund.pk}",
                         metadata={"shop_refund_id": str(refund.pk)})

    assert server.deliver(server.event("charge.refunded", charge_of(server, pi_id)))[1] == "already_paid+refund_completed"

    (only,) = Refund.objects.filter(order=order)
    assert only.pk == refund.pk and only.status == RefundStatus.SUCCEEDED and only.stripe_refund_id.startswith("re_")
    assert counted(world) == TOTAL - 3000


def test_a_cancelled_intent_is_recorded_from_stripe(world, stripe_http):
    server = stripe_http
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    cancelled = server.client().v1.payment_intents.cancel(payment.stripe_payment_intent_id).to_dict()

    assert server.deliver(server.event("payment_intent.canceled", cancelled)) == (200, "failed")

    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.CANCELLED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT  # it can still be paid otherwise


def test_a_late_card_payment_is_refunded_as_a_refund_row_that_never_counted(world, stripe_http):
    server = stripe_http
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    pi_id = payment.stripe_payment_intent_id
    assert server.pay(pi_id) == "succeeded"  # its webhook is late...
    order_cancel(actor=world.purchaser_a, order=order, reason="买错了")  # ...and the buyer cancels meanwhile
    (event,) = server.events_for(pi_id, "payment_intent.succeeded")

    assert server.deliver(event)[1] in ("refunded", "refunded_already")
    # charge.refunded for that automatic refund (Stripe sends one) finds it known.
    assert server.deliver(server.event("charge.refunded", charge_of(server, pi_id))) == (200, "refunded_already")

    (refund,) = Refund.objects.filter(order=order)
    assert (refund.source, refund.status, refund.amount_fen) == (RefundSource.AUTOMATIC, RefundStatus.SUCCEEDED, TOTAL)
    assert refund.payment_id == payment.pk and not refund.lines.exists()
    at_stripe = server.client().v1.refunds.list(params={"payment_intent": pi_id}).data
    assert [(r.id, r.amount) for r in at_stripe] == [(refund.stripe_refund_id, TOTAL)]
    order.refresh_from_db()
    assert (order.status, order.paid_fen, order.refunded_fen) == (OrderStatus.CANCELLED, 0, 0)
    assert counted(world) == 0 and not LedgerEntry.objects.filter(order_line__order=order).exists()

"""Missed webhooks are caught up (issue 9, part 4): the beat task re-reads card payments
still pending after a few minutes from Stripe, through the webhook's code path; and
``stripe_reconcile`` compares the shop's card money with Stripe's to the fen, exiting 1
on any difference. localstripe holds the money; no webhook is delivered in these tests."""

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from orders.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundSource,
    RefundStatus,
)
from orders.selectors.tally import tally_for_campaign
from orders.services.card import payment_card_start, payment_card_sync
from orders.services.refunds import order_refund, refund_start
from orders.tasks import stripe_catch_up, stripe_reconcile_nightly
from tests.world import key, place

TOTAL = 31250


def started(world, server):
    order = place(world)
    payment = payment_card_start(actor=world.purchaser_a, order=order)
    return order, payment


def age(payment, minutes: int) -> None:
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


def reconcile() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("stripe_reconcile", stdout=out)
    except SystemExit as exc:
        return int(exc.code), out.getvalue()
    return 0, out.getvalue()


def test_a_payment_whose_webhook_never_came_is_applied_after_a_few_minutes(world, stripe_on, settings):
    settings.STRIPE_CATCH_UP_AFTER_MINUTES = 5
    order, payment = started(world, stripe_on)
    assert stripe_on.pay(payment.stripe_payment_intent_id) == "succeeded"  # the webhook is lost
    age(payment, 2)

    assert stripe_catch_up.delay().get()["payments"] == 0  # too recent: its webhook may still come
    assert Order.objects.get(pk=order.pk).status == OrderStatus.AWAITING_PAYMENT

    age(payment, 6)
    assert stripe_catch_up.delay().get() == {"payments": 1, "disputes": 0, "refunds": 0, "unavailable": 0}
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_fen == TOTAL
    assert tally_for_campaign(campaign=world.campaign).total_fen == TOTAL
    assert stripe_catch_up.delay().get()["payments"] == 0  # paid: no longer pending
    assert reconcile()[0] == 0


def test_catch_up_applies_a_declined_card_and_leaves_unpaid_intents_pending(world, stripe_on):
    from tests.localstripe_server import CARD_DECLINED

    _, declined = started(world, stripe_on)
    assert stripe_on.pay(declined.stripe_payment_intent_id, CARD_DECLINED) == "requires_payment_method"
    age(declined, 10)
    other = place(world, user=world.purchaser_b, organization=world.org_b)
    waiting = payment_card_start(actor=world.purchaser_b, order=other)  # the buyer has not paid yet
    age(waiting, 10)

    assert stripe_catch_up.delay().get()["payments"] == 2
    assert Payment.objects.get(pk=declined.pk).status == PaymentStatus.FAILED
    assert Payment.objects.get(pk=waiting.pk).status == PaymentStatus.PENDING


def test_a_refund_whose_stripe_call_was_never_recorded_is_settled(world, stripe_on):
    from orders.stripe.payments import stripe_refund_create

    order, payment = started(world, stripe_on)
    stripe_on.pay(payment.stripe_payment_intent_id)
    payment_card_sync(payment_intent_id=payment.stripe_payment_intent_id)
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    made = refund_start(actor=world.staff, order=order, reason="破损", idempotency_key=key(), amount_fen=2000)
    lost = refund_start(actor=world.staff, order=order, reason="少发", idempotency_key=key(), amount_fen=1000)
    Refund.objects.filter(pk__in=[made.pk, lost.pk]).update(stripe_claimed_at=long_ago)
    # The first reached Stripe before its process died; the second never left.
    stripe_refund_create(payment_intent_id=payment.stripe_payment_intent_id, amount_fen=2000,
                         idempotency_key=f"refund-{made.pk}", metadata={"shop_refund_id": str(made.pk)})

    assert stripe_catch_up.delay().get()["refunds"] == 2

    assert Refund.objects.get(pk=made.pk).status == RefundStatus.SUCCEEDED
    assert Refund.objects.get(pk=lost.pk).status == RefundStatus.FAILED
    assert Order.objects.get(pk=order.pk).refunded_fen == 2000
    assert reconcile()[0] == 0


def test_reconcile_reports_every_difference_to_the_fen_and_exits_1(world, stripe_on):
    order, payment = started(world, stripe_on)
    pi_id = payment.stripe_payment_intent_id
    stripe_on.pay(pi_id)
    payment_card_sync(payment_intent_id=pi_id)
    order_refund(actor=world.staff, order=Order.objects.get(pk=order.pk), reason="破损", idempotency_key=key(),
                 amount_fen=4550)
    code, out = reconcile()
    assert code == 0 and out.startswith("OK  card payments, refunds and disputes match Stripe")

    stripe_on.client().v1.refunds.create(params={"payment_intent": pi_id, "amount": 1})  # one fen, webhook lost
    dispute = stripe_on.dispute_open(pi_id, amount=500)
    stripe_on.dispute_close(dispute["id"], "lost")
    pending_order, pending = started(world, stripe_on)
    stripe_on.pay(pending.stripe_payment_intent_id)  # paid at Stripe, pending in the shop

    code, out = reconcile()

    assert code == 1
    diffs = [line for line in out.splitlines() if line.startswith("DIFF")]
    assert any("is absent in the shop, 1 fen at Stripe" in line for line in diffs)
    assert any(f"dispute {dispute['id']} (lost, 500 fen) unknown in the shop" in line for line in diffs)
    assert any(f"keeps {TOTAL - 4550} fen, Stripe kept {TOTAL - 4550 - 1 - 500} fen" in line for line in diffs)
    assert any(f"{pending.stripe_payment_intent_id}): pending in the shop, succeeded at Stripe" in line for line in diffs)
    assert stripe_reconcile_nightly.delay().get() == len(diffs)

    # Re-reading Stripe (what the webhooks would have done) makes them agree again.
    payment_card_sync(payment_intent_id=pi_id)
    payment_card_sync(payment_intent_id=pending.stripe_payment_intent_id)
    assert reconcile()[0] == 0
    kinds = sorted(Refund.objects.filter(order=order).values_list("source", "amount_fen"))
    assert kinds == [(RefundSource.DISPUTE, 500), (RefundSource.SHOP, 4550), (RefundSource.STRIPE, 1)]
    assert tally_for_campaign(campaign=world.campaign).total_fen == 2 * TOTAL - 4550 - 1 - 500


def test_reconcile_finds_an_amount_that_differs(world, stripe_on):
    order, payment = started(world, stripe_on)
    Payment.objects.filter(pk=payment.pk).update(amount_fen=TOTAL - 1)

    code, out = reconcile()

    assert code == 1 and f"amount {TOTAL - 1} fen in the shop, {TOTAL} fen at Stripe" in out


def test_without_stripe_there_is_nothing_to_reconcile(world):
    assert reconcile() == (0, "Stripe is not configured: nothing to compare.\n")

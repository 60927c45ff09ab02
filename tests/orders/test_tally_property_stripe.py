"""The tally's property test (``test_tally_property``) with Stripe as the truth for card
money (issue 9, part 3).

The same histories and invariants, reused from ``tests/orders/tally_model.py`` (its steps,
its shadow total) and ``tests/orders/test_tally_property.py`` (its independent recomputation
from the source tables, its stock check), extended with card money moved at a real localstripe: card payments, refunds
made in Stripe's dashboard, disputes opened and then won or lost. Their webhooks
(``payment_intent.succeeded`` as localstripe made it; ``charge.refunded`` and
``charge.dispute.*``, which localstripe cannot send, signed here with the webhook secret)
are queued and delivered later, in a random order, some twice. Once every event has been
delivered, on top of the base invariants, the shop must equal Stripe to the fen:
``stripe_reconcile`` finds nothing, and every card-paid order keeps what Stripe kept.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, field

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from catalog.models import ProductVariant
from orders.models import LedgerEntry, Order, Payment, PaymentStatus, Refund
from orders.services.card import payment_card_start
from orders.stripe.reconcile import stripe_reconcile
from tests.localstripe_server import LocalStripe, signed, stripe_settings
from tests.orders.tally_model import ORDER, PLACE, STEP, Run, _counts, _refunded, apply_step
from tests.orders.test_tally_property import (  # noqa: F401 - cast is a fixture used by the test
    _codes,
    cast,
    check_stock,
    check_tally,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("TALLY_PROPERTY_STRIPE_EXAMPLES", "25"))
URL = "/stripe/webhook/"

CARD_PAY = st.tuples(st.just("card_pay"), ORDER, st.booleans())  # deliver its success now or later
STRIPE_REFUND = st.tuples(st.just("stripe_refund"), ORDER, st.integers(1, 100))  # % of what Stripe has left
DISPUTE_OPEN = st.tuples(st.just("dispute_open"), ORDER, st.integers(1, 100))
DISPUTE_CLOSE = st.tuples(st.just("dispute_close"), st.integers(0, 5), st.sampled_from(["won", "lost", "lost"]))
DELIVER = st.tuples(st.just("deliver"), st.integers(0, 2**16), st.integers(1, 4))  # shuffle seed, how many
CARD_STEP = st.one_of(CARD_PAY, STRIPE_REFUND, STRIPE_REFUND, STRIPE_REFUND, DISPUTE_OPEN, DISPUTE_OPEN,
                      DISPUTE_OPEN, DISPUTE_CLOSE, DISPUTE_CLOSE, DISPUTE_CLOSE, DELIVER, DELIVER, STEP, STEP)
# A few orders, most of them paid by card (some of those successes delivered late), then anything.
HISTORY = st.tuples(
    st.lists(PLACE, min_size=2, max_size=4).flatmap(
        lambda places: st.tuples(st.just(places), st.lists(CARD_PAY, min_size=len(places), max_size=len(places) + 1))
    ).map(lambda parts: parts[0] + parts[1]),
    st.lists(CARD_STEP, min_size=6, max_size=18), st.integers(0, 2**16),
)


@pytest.fixture(scope="module")
def localstripe():
    server = LocalStripe.start()
    yield server
    server.stop()


@dataclass
class CardRun:
    run: Run
    server: LocalStripe
    client: Client = field(default_factory=Client)
    queue: list[tuple[int, dict]] = field(default_factory=list)  # (order id, event) not delivered yet
    delivered: list[tuple[int, dict]] = field(default_factory=list)
    disputes: list[str] = field(default_factory=list)


def _card_pi(server: LocalStripe, order: Order) -> str | None:
    """The intent of the order's card payment that succeeded at Stripe (counted or not)."""
    ids = Payment.objects.filter(order=order, method="stripe").order_by("-id").values_list(
        "stripe_payment_intent_id", flat=True)
    for pi_id in ids:
        if pi_id and _charge(server, pi_id) is not None:
            return pi_id
    return None


def _charge(server: LocalStripe, pi_id: str) -> dict | None:
    pi = server.client().v1.payment_intents.retrieve(pi_id).to_dict()
    if pi["status"] != "succeeded" or not pi.get("latest_charge"):
        return None
    latest = pi["latest_charge"]
    return server.client().v1.charges.retrieve(latest if isinstance(latest, str) else latest["id"]).to_dict()


def _left_at_stripe(server: LocalStripe, charge: dict) -> int:
    disputed = server.client().v1.disputes.list(params={"charge": charge["id"]}).data
    return 0 if disputed else charge["amount"] - charge["amount_refunded"]


def deliver(card: CardRun, order_id: int, evt: dict) -> None:
    """Post the signed event to the webhook and follow the shadow total: a success that
    paid the order adds what it counts; refunds that succeeded since take their lines off."""
    response = card.client.post(URL, data=signed(evt, card.server.webhook_secret)[0], content_type="application/json",
                                HTTP_STRIPE_SIGNATURE=signed(evt, card.server.webhook_secret)[1])
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    event(f"delivered {evt['type']}: {result}")
    order = Order.objects.get(pk=order_id)
    if result.startswith("paid") and card.run.closed:
        card.run.outside.add(order_id)  # paid while no campaign covers today: recorded outside every campaign
    elif result.startswith("paid"):
        card.run.counted_fen += _counts(card.run.cast.world.campaign, order)
    for refund in Refund.objects.filter(order=order):
        _refunded(card.run, refund)
    card.delivered.append((order_id, evt))


def apply_card_step(card: CardRun, step: tuple) -> None:
    run, server = card.run, card.server
    kind, *args = step
    if kind == "deliver":
        seed, count = args
        random.Random(seed).shuffle(card.queue)
        for order_id, evt in card.queue[:count]:
            deliver(card, order_id, evt)
        del card.queue[:count]
        if card.delivered and seed % 3 == 0:  # Stripe delivers an event again
            deliver(card, *card.delivered[seed % len(card.delivered)])
        return
    if kind == "dispute_close":
        index, outcome = args
        if card.disputes:
            dispute_id = card.disputes.pop(index % len(card.disputes))
            closed = server.dispute_close(dispute_id, outcome)
            order_id = Payment.objects.get(stripe_payment_intent_id=closed["payment_intent"]).order_id
            card.queue.append((order_id, server.event("charge.dispute.closed", closed)))
        return
    order = run.order(args[0])
    if order is None:
        return
    if kind == "card_pay":
        payment = payment_card_start(actor=order.placed_by, order=order)
        assert server.pay(payment.stripe_payment_intent_id) == "succeeded"
        (success,) = server.events_for(payment.stripe_payment_intent_id, "payment_intent.succeeded")
        if args[1]:
            deliver(card, order.pk, success)
        else:
            card.queue.append((order.pk, success))
        return
    pi_id = _card_pi(server, order)
    charge = _charge(server, pi_id) if pi_id else None
    if charge is None:
        return
    left = _left_at_stripe(server, charge)
    if left <= 0:
        return
    amount = max(1, left * args[1] // 100)
    if kind == "stripe_refund":  # made by someone in Stripe's dashboard
        server.client().v1.refunds.create(params={"payment_intent": pi_id, "amount": amount})
        card.queue.append((order.pk, server.event("charge.refunded", _charge(server, pi_id))))
    elif kind == "dispute_open":
        dispute = server.dispute_open(pi_id, amount=amount)
        card.disputes.append(dispute["id"])
        card.queue.append((order.pk, server.event("charge.dispute.created", dispute)))


def check_stripe_truth(card: CardRun) -> None:
    """Every card-paid order keeps, to the fen, what Stripe kept of its charge."""
    assert stripe_reconcile() == []
    for payment in Payment.objects.filter(method="stripe", status=PaymentStatus.SUCCEEDED).select_related("order"):
        charge = _charge(card.server, payment.stripe_payment_intent_id)
        lost = sum(d.amount for d in card.server.client().v1.disputes.list(
            params={"payment_intent": payment.stripe_payment_intent_id}).data if d.status == "lost")
        kept = charge["amount"] - charge["amount_refunded"] - lost
        assert payment.order.paid_fen - payment.order.refunded_fen == kept, payment.order.number


@hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(history=HISTORY)
def test_the_tally_follows_stripe_after_any_history_of_card_money(cast, localstripe, settings, history):  # noqa: F811
    stripe_settings(settings, localstripe, webhook_url=None)
    start, steps, final_seed = history
    initial = {v.pk: v.stock + v.reserved for v in ProductVariant.objects.filter(pk__in=[c.pk for c in cast.variants])}
    cast.world.campaign.refresh_from_db()  # the previous example's dates were rolled back, not the object
    with transaction.atomic():
        card = CardRun(run=Run(cast=cast), server=localstripe)
        for step in [*start, *steps]:
            entries, total = LedgerEntry.objects.count(), card.run.counted_fen
            closed, outside = card.run.closed, set(card.run.outside)
            try:
                with transaction.atomic():
                    if step[0] in {"card_pay", "stripe_refund", "dispute_open", "dispute_close", "deliver"}:
                        apply_card_step(card, step)
                    else:
                        apply_step(card.run, step)
                event(f"{step[0]}: done")
            except ValidationError as exc:
                event(f"{step[0]}: refused ({_codes(exc)})")
                assert LedgerEntry.objects.count() == entries and card.run.counted_fen == total, step
                card.run.closed, card.run.outside = closed, outside  # the step's campaign change was rolled back too
                cast.world.campaign.refresh_from_db()
        # Whatever was left undelivered arrives now, in some order.
        apply_card_step(card, ("deliver", final_seed, len(card.queue) + 1))
        check_tally(card.run)
        check_stock(card.run, initial)
        check_stripe_truth(card)
        transaction.set_rollback(True)


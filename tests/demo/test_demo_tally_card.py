"""After seeding, an order of the demo purchaser paid by card (localstripe pays and signs
the event; the shop's webhook verifies it) moves the public tally by exactly its amount.

(Named so that it runs after the other demo tests: it places and pays an order.)"""

import pytest

from orders.integrity import ledger_verify, tally_reconcile
from orders.models import Order
from orders.selectors.campaigns import campaign_current
from orders.services.card import payment_card_start
from tests.demo.tally_figures import figures, place_demo_order
from tests.localstripe_server import CARD_OK, LocalStripe, signed, stripe_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def localstripe():
    server = LocalStripe.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # report files


def test_an_order_paid_by_card_moves_the_tally_by_its_amount(demo, client, settings, localstripe):
    stripe_settings(settings, localstripe, webhook_url=None)  # the test posts the signed event itself
    campaign = campaign_current()
    order = place_demo_order(key="e2e-demo-tally-card")
    organization, county_name = order.organization, order.lines.get().county.name
    before = figures(client, campaign=campaign, organization=organization, county_name=county_name)

    payment = payment_card_start(actor=order.placed_by, order=order)
    assert localstripe.pay(payment.stripe_payment_intent_id, CARD_OK) == "succeeded"
    (event,) = localstripe.events_for(payment.stripe_payment_intent_id, "payment_intent.succeeded")
    body, header = signed(event, localstripe.webhook_secret)
    response = client.post("/stripe/webhook/", data=body, content_type="application/json",
                           HTTP_STRIPE_SIGNATURE=header)
    assert (response.status_code, response.json()["result"]) == (200, "paid")
    assert Order.objects.get(pk=order.pk).status == "paid"
    after = figures(client, campaign=campaign, organization=organization, county_name=county_name)

    amount = order.total_fen
    assert after.progress - before.progress == after.screen - before.screen == amount
    assert after.screen_json - before.screen_json == amount
    assert after.organization_row - (before.organization_row or 0) == amount
    assert after.county_row - before.county_row == amount
    assert after.xlsx_total - before.xlsx_total == after.csv_county - before.csv_county == amount
    assert ledger_verify() == [] and tally_reconcile() == []

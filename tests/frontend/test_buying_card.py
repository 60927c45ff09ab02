"""The payment page with card payment configured (a localstripe server on 127.0.0.1)."""

import pytest

from orders.models import OrderStatus, PaymentStatus
from tests.frontend.buying_world import login, place, world_fixture  # noqa: F401
from tests.localstripe_server import LocalStripe, stripe_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def localstripe():
    server = LocalStripe.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_on(settings, localstripe):
    stripe_settings(settings, localstripe, webhook_url=None)
    return localstripe


def test_card_payment_shows_stripe_js_and_never_marks_paid_on_return(client, world, stripe_on):
    order = place(world)
    login(client, world.purchaser_a)
    pay = client.get(f"/orders/{order.pk}/pay/").content.decode()
    assert f'action="/orders/{order.pk}/pay/card/"' in pay  # card section shown
    assert order.payment_reference in pay  # bank transfer still offered

    response = client.post(f"/orders/{order.pk}/pay/card/")
    assert response.status_code == 200
    html = response.content.decode()
    payment = order.payments.get()
    assert payment.status == PaymentStatus.PENDING and payment.amount_fen == order.total_fen == 31250
    assert f'data-client-secret="{payment.stripe_client_secret}"' in html
    assert f'<script src="{stripe_on.url}/js.stripe.com/v3/"></script>' in html
    assert f'data-return-url="http://testserver/orders/{order.pk}/pay/return/"' in html

    again = client.post(f"/orders/{order.pk}/pay/card/")  # a double post reuses the intent
    assert again.status_code == 200 and order.payments.count() == 1

    stripe_on.pay(payment.stripe_payment_intent_id)  # the card is charged; no webhook delivered
    client.get(f"/orders/{order.pk}/pay/return/?payment_intent={payment.stripe_payment_intent_id}&redirect_status=succeeded")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_fen == 0


def test_without_keys_the_page_has_no_card_payment(client, world, settings):
    settings.STRIPE_SECRET_KEY = settings.STRIPE_PUBLISHABLE_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    order = place(world)
    login(client, world.purchaser_a)
    pay = client.get(f"/orders/{order.pk}/pay/").content.decode()
    assert "/pay/card/" not in pay and "js.stripe.com" not in pay
    assert client.post(f"/orders/{order.pk}/pay/card/").status_code == 400
    assert not order.payments.exists()

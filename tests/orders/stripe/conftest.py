"""A localstripe server for the whole session (on 127.0.0.1, a free port); per test, the
settings that point Django at it and where it sends its signed webhooks. The ``world`` is the
orders world of ``tests/orders/conftest.py``."""

import pytest

from tests.localstripe_server import LocalStripe, live_server_reload_middleware, stripe_settings


@pytest.fixture(scope="session")
def localstripe():
    server = LocalStripe.start()
    yield server
    server.stop()


@pytest.fixture
def stripe_on(settings, localstripe):
    """Card payment configured; localstripe delivers no webhooks (tests post events themselves)."""
    stripe_settings(settings, localstripe, webhook_url=None)
    return localstripe


@pytest.fixture
def stripe_live(settings, localstripe, live_server):
    """Card payment configured; localstripe signs and delivers its events to the live server."""
    localstripe.settle()
    stripe_settings(settings, localstripe, webhook_url=f"{live_server.url}/stripe/webhook/")
    live_server_reload_middleware(live_server)
    yield localstripe
    localstripe.register_webhook(None)


"""The Stripe client, built from settings.

Card payment is offered only when all three keys are set: the secret key (server calls),
the publishable key (Stripe.js on the payment page) and the webhook secret (without it no
payment could ever be confirmed). ``STRIPE_API_BASE`` points the client at another API
host (tests use a localstripe server); empty means the real Stripe.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings

from shop.common.lazy import lazy_module

if TYPE_CHECKING:  # the import graph (lint-imports) and mypy see the real import
    import stripe
else:
    stripe = lazy_module("stripe")  # imported at first use (worker memory, issue 15)


def _setting(name: str) -> str:
    return str(getattr(settings, name, "") or "").strip()


def card_payments_enabled() -> bool:
    """True only when the secret key, the publishable key and the webhook secret are all set."""
    return bool(
        _setting("STRIPE_SECRET_KEY") and _setting("STRIPE_PUBLISHABLE_KEY") and _setting("STRIPE_WEBHOOK_SECRET")
    )


def stripe_publishable_key() -> str:
    return _setting("STRIPE_PUBLISHABLE_KEY")


def stripe_webhook_secret() -> str:
    return _setting("STRIPE_WEBHOOK_SECRET")


def stripe_api_base() -> str:
    """The API host the server talks to ('' = api.stripe.com)."""
    return _setting("STRIPE_API_BASE").rstrip("/")


def stripe_js_url() -> str:
    """Where the payment page loads Stripe.js from: localstripe serves a compatible copy at
    ``<base>/js.stripe.com/v3/``."""
    base = stripe_api_base()
    return f"{base}/js.stripe.com/v3/" if base else "https://js.stripe.com/v3/"


def stripe_page_sources() -> dict[str, list[str]]:
    """The origins the card-payment page needs in its Content-Security-Policy: Stripe.js,
    its card iframes (and 3-D Secure), and the API it calls (localstripe: one origin)."""
    base = stripe_api_base()
    if base:
        parts = urlsplit(base)
        origin = [f"{parts.scheme}://{parts.netloc}"]
        return {"script-src": origin, "frame-src": origin, "connect-src": origin}
    return {
        "script-src": ["https://js.stripe.com"],
        "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
        "connect-src": ["https://api.stripe.com"],
    }


@lru_cache(maxsize=8)
def _client(api_key: str, api_base: str, timeout: int) -> stripe.StripeClient:
    kwargs: dict = {"max_network_retries": 2}
    if api_base:
        kwargs["base_addresses"] = {"api": api_base}
    kwargs["http_client"] = stripe.new_default_http_client(timeout=timeout)
    return stripe.StripeClient(api_key, **kwargs)


def stripe_client() -> stripe.StripeClient:
    """A client for the configured account (cached per key and host; thread-safe to share).
    Network retries reuse the caller's idempotency key, so a retried create is one object."""
    return _client(
        _setting("STRIPE_SECRET_KEY"), stripe_api_base(), int(getattr(settings, "STRIPE_TIMEOUT_SECONDS", 20))
    )


def stripe_event_verify(*, body: bytes, signature: str | None, secret: str) -> dict | None:
    """The event of a webhook delivery as a dict, or None unless the ``Stripe-Signature``
    header verifies against the raw body (``construct_event``, default tolerance of 300 s)
    and the body is a JSON object with an id."""
    try:
        stripe.Webhook.construct_event(body, signature, secret)
        data = json.loads(body)
    except (stripe.SignatureVerificationError, ValueError, UnicodeDecodeError, TypeError, KeyError, IndexError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"]:
        return None
    return data

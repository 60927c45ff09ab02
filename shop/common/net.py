"""The client's address as every throttle sees it.

Without a proxy the address is ``REMOTE_ADDR``. Behind N reverse proxies that each append
the address they received the request from to ``X-Forwarded-For`` (nginx's
``$proxy_add_x_forwarded_for``, most load balancers), set ``TRUSTED_PROXY_COUNT = N``: the
client is then the Nth entry from the right. Entries further left were written by the
client itself and are ignored, so a forged header cannot pick another address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request`` (``TRUSTED_PROXY_COUNT`` aware)."""
    remote = (request.META.get("REMOTE_ADDR") or "unknown")[:64]
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [p for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) < proxies:
        # The request did not come through every proxy: nothing in the header is trustworthy.
        return remote
    return _valid(forwarded[-proxies]) or remote

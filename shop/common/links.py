"""Absolute links for e-mails, QR codes and anything read outside the browser.

Production refuses to start without an absolute ``SITE_URL`` (see shop/settings/__init__.py), so there
every link is ``SITE_URL`` + path. In development without one: the request's own address when
there is a request, else the address ``make run`` serves.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

DEVELOPMENT_SITE_URL = "http://127.0.0.1:8000"


def absolute_url(path: str, *, request: HttpRequest | None = None) -> str:
    """``path`` (starting with "/") as an absolute http(s) address."""
    base = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if base:
        return f"{base}{path}"
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{DEVELOPMENT_SITE_URL}{path}"

"""A form's one-time token against double submission (a double click, a browser resend).

Each form carries a random ``once`` token; the first POST with it claims it in the cache for
``ONCE_SECONDS``, a repeat finds it claimed and is answered as already done. This only
spares the user a confusing second attempt: the business actions are idempotent or locked
on their own, so a lost cache entry (a flush) never doubles anything.
"""

from __future__ import annotations

import secrets

from django.core.cache import cache
from django.http import HttpRequest

ONCE_SECONDS = 6 * 3600
MAX_TOKEN = 64


def once_token() -> str:
    return secrets.token_urlsafe(18)


def _key(request: HttpRequest, token: str) -> str:
    return f"form-once:{request.user.pk}:{token}"


def once_claim(request: HttpRequest) -> bool:
    """False when this form's token was already used (the POST is a repeat)."""
    token = str(request.POST.get("once", ""))
    if not token or len(token) > MAX_TOKEN:
        return True
    return cache.add(_key(request, token), 1, ONCE_SECONDS)


def once_release(request: HttpRequest) -> None:
    """Let a refused form be submitted again with the same token after a correction."""
    token = str(request.POST.get("once", ""))
    if token and len(token) <= MAX_TOKEN:
        cache.delete(_key(request, token))

"""Login throttling: attempts counted in the cache per account identifier and per client
address.

Each login attempt that reaches the password check first takes a slot (``cache.incr``, atomic
in Redis and in the local-memory cache), so attempts made at the same moment cannot slip past
the limit together. Past ``LOGIN_FAILURES_PER_ACCOUNT`` attempts for one identifier, or
``LOGIN_FAILURES_PER_ADDRESS`` from one address, within ``LOGIN_FAILURE_WINDOW_SECONDS``
(a fixed window from the first failure), the caller answers 429 without checking the
password. Unknown identifiers are counted like known ones, so the answer never tells whether
an account exists. A successful login clears the account's counter and gives the address its
slot back.

The client address is ``REMOTE_ADDR``. Behind N trusted reverse proxies set
``TRUSTED_PROXY_COUNT = N``: the address is then the Nth entry from the right of
``X-Forwarded-For`` (entries further left are written by the client and cannot be trusted).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

ACCOUNT = "account"
ADDRESS = "address"
RESET = "reset"


def normalise_identifier(raw: str) -> str:
    """The e-mail in lower case, or the mobile number without spaces, dashes or +86."""
    value = (raw or "").strip().lower()
    compact = re.sub(r"[\s-]+", "", value)
    if compact.startswith("+86"):
        compact = compact[3:]
    if re.fullmatch(r"1[3-9][0-9]{9}", compact):
        return compact
    return value


def client_address(request: HttpRequest) -> str:
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _key(kind: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login-throttle:{kind}:{digest}"


def _window() -> int:
    return int(settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _take(key: str) -> int:
    """Count one more attempt under ``key``; the window starts with the first."""
    cache.add(key, 0, _window())
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _window())
        return 1


@dataclass(frozen=True)
class Attempt:
    account_key: str
    address_key: str
    allowed: bool


def login_attempt_start(request: HttpRequest, identifier: str) -> Attempt:
    """Take a slot for one login attempt; ``allowed`` is False when a limit is exceeded."""
    account_key = _key(ACCOUNT, normalise_identifier(identifier))
    address_key = _key(ADDRESS, client_address(request))
    per_address = _take(address_key)
    per_account = _take(account_key)
    allowed = (
        per_account <= int(settings.LOGIN_FAILURES_PER_ACCOUNT)
        and per_address <= int(settings.LOGIN_FAILURES_PER_ADDRESS)
    )
    return Attempt(account_key=account_key, address_key=address_key, allowed=allowed)


def login_attempt_succeeded(attempt: Attempt) -> None:
    """A correct password: the account starts afresh, and the address gets its slot back
    (many people of one office share an address)."""
    cache.delete(attempt.account_key)
    try:
        if cache.decr(attempt.address_key) < 0:
            cache.delete(attempt.address_key)
    except ValueError:
        pass


def reset_request_allowed(request: HttpRequest) -> bool:
    """Password-reset requests from one address: at most LOGIN_FAILURES_PER_ADDRESS per window."""
    return _take(_key(RESET, client_address(request))) <= int(settings.LOGIN_FAILURES_PER_ADDRESS)


def reset_mail_allowed(email: str) -> bool:
    """Reset e-mails to one address: at most LOGIN_FAILURES_PER_ACCOUNT per window. Over the
    limit the page looks the same and no mail is sent (no mail-bombing through the form)."""
    return _take(_key(f"{RESET}-mail", normalise_identifier(email))) <= int(settings.LOGIN_FAILURES_PER_ACCOUNT)

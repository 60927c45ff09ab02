"""The one throttle of every login form (``/accounts/login/``, ``/admin/login/``) and of
password reset.

Each attempt that reaches the password check first takes a slot (``cache.incr``, atomic in
Redis and in the local-memory cache), so attempts made at the same moment cannot slip past
the limit together. Past ``LOGIN_FAILURES_PER_ACCOUNT`` attempts for one identifier, or
``LOGIN_FAILURES_PER_ADDRESS`` from one client address, within
``LOGIN_FAILURE_WINDOW_SECONDS``, the caller answers 429 without checking the password.
Password-reset requests take a slot of the same per-address counter, and reset e-mails to
one address are limited to ``LOGIN_FAILURES_PER_ACCOUNT``. Unknown identifiers are counted
like known ones, so the answer never tells whether an account exists. A successful login
clears the account's counter and gives the address its slot back.

When a limit is first exceeded the lockout restarts its window (it lasts the full window
from that moment) and is recorded as a ``LoginLockout`` row, which staff see in the admin;
unlocking there (``unlock``) deletes the row and the counter.

The client address is ``shop.common.net.client_address`` (``TRUSTED_PROXY_COUNT`` aware).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import ngettext

from shop.accounts.models import LockoutScope, LoginLockout
from shop.common.net import client_address

__all__ = [
    "Attempt", "client_address", "login_attempt_start", "login_attempt_succeeded",
    "reset_mail_allowed", "reset_request_allowed", "throttled_message", "unlock",
]


def normalise_identifier(raw: str) -> str:
    """The e-mail in lower case, or the mobile number without spaces, dashes or +86."""
    value = (raw or "").strip().lower()
    compact = re.sub(r"[\s-]+", "", value)
    if compact.startswith("+86"):
        compact = compact[3:]
    if re.fullmatch(r"1[3-9][0-9]{9}", compact):
        return compact
    return value


def throttled_message() -> str:
    minutes = max(1, -(-int(settings.LOGIN_FAILURE_WINDOW_SECONDS) // 60))
    return ngettext(
        "Too many attempts. Wait %(minutes)d minute, then try again.",
        "Too many attempts. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()[:32]
    return f"login-throttle:{scope}:{digest}"


def _window() -> int:
    return int(settings.LOGIN_FAILURE_WINDOW_SECONDS)


def _take(scope: str, value: str, limit: int) -> tuple[str, bool]:
    """Count one more attempt for ``value``; False once past ``limit``. The window starts
    with the first attempt; crossing the limit restarts it and records the lockout."""
    key = _key(scope, value)
    cache.add(key, 0, _window())
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, _window())
        count = 1
    if count == limit + 1:
        _record_lockout(key, scope, value)
    return key, count <= limit


def _record_lockout(key: str, scope: str, value: str) -> None:
    cache.touch(key, _window())
    now = timezone.now()
    LoginLockout.objects.update_or_create(key=key, defaults={
        "scope": scope, "value": value[:254], "locked_at": now,
        "locked_until": now + timedelta(seconds=_window()),
    })


def unlock(*, lockouts: list[LoginLockout]) -> int:
    """Lift lockouts now (staff, from the admin): their counters start afresh."""
    cache.delete_many([lockout.key for lockout in lockouts])
    return LoginLockout.objects.filter(pk__in=[lockout.pk for lockout in lockouts]).delete()[0]


@dataclass(frozen=True)
class Attempt:
    account_key: str
    address_key: str
    allowed: bool


def login_attempt_start(request: HttpRequest, identifier: str) -> Attempt:
    """Take a slot for one login attempt; ``allowed`` is False when a limit is exceeded."""
    address_key, address_ok = _take(
        LockoutScope.ADDRESS, client_address(request), int(settings.LOGIN_FAILURES_PER_ADDRESS)
    )
    account_key, account_ok = _take(
        LockoutScope.ACCOUNT, normalise_identifier(identifier), int(settings.LOGIN_FAILURES_PER_ACCOUNT)
    )
    return Attempt(account_key=account_key, address_key=address_key, allowed=address_ok and account_ok)


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
    """A password-reset request takes a slot of the client address's login counter."""
    return _take(
        LockoutScope.ADDRESS, client_address(request), int(settings.LOGIN_FAILURES_PER_ADDRESS)
    )[1]


def reset_mail_allowed(email: str) -> bool:
    """Reset e-mails to one address: at most LOGIN_FAILURES_PER_ACCOUNT per window. Over the
    limit the page looks the same and no mail is sent (no mail-bombing through the form)."""
    return _take(
        LockoutScope.RESET_MAIL, normalise_identifier(email), int(settings.LOGIN_FAILURES_PER_ACCOUNT)
    )[1]

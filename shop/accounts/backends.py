"""Log in with the e-mail address (any letter case) or the mobile phone number."""

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

_PHONE = re.compile(r"1[3-9][0-9]{9}")


class EmailBackend(ModelBackend):
    """``username`` may be an e-mail address or a mainland mobile number.

    A miss still runs the password hasher once, so the response time does not tell whether
    an account exists (as Django's ModelBackend does).
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None,
        password: str | None = None, **kwargs: Any,
    ) -> Any:
        User = get_user_model()
        identifier = (username or kwargs.get("email") or "").strip()
        if not identifier or password is None:
            return None
        digits = re.sub(r"[\s\-]", "", identifier)  # "139 1234 5678" or "139-1234-5678"
        if _PHONE.fullmatch(digits):
            candidates = list(User._default_manager.filter(phone=digits)[:1])
        elif "@" in identifier:
            candidates = list(User._default_manager.filter(email__iexact=identifier)[:5])
            if len(candidates) > 1:  # e-mail is unique but case-sensitive in the database
                candidates = [u for u in candidates if u.email == identifier]
        else:
            candidates = []
        if len(candidates) != 1:
            User().set_password(password)
            return None
        user = candidates[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

"""CSRF protection for an API authenticated by the session cookie.

The endpoint is CSRF-exempt for Django's middleware, so that anonymous clients (which hold no
privileges: public queries, ``supplierApply``) need no token. A request that carries a
logged-in session, though, is checked exactly as ``CsrfViewMiddleware`` checks a form post
(token in the ``X-CSRFToken`` header, Origin/Referer), as Django REST framework's
``SessionAuthentication`` does: otherwise a page on another site could run mutations as the
visitor by posting a form (``application/x-www-form-urlencoded`` and
``multipart/form-data`` posts need no CORS preflight).
"""

from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> str:
        return reason


def _no_response(request: HttpRequest) -> None:
    return None


def _view() -> None:
    """Stands for the view in ``process_view``: it must not look CSRF-exempt."""


def csrf_failure(request: HttpRequest) -> str | None:
    """Why the CSRF check fails for this request, or None when it passes or is not needed
    (anonymous requests; safe methods)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return None
    check = _CsrfCheck(_no_response)  # type: ignore[arg-type]
    check.process_request(request)
    reason = check.process_view(request, _view, (), {})  # type: ignore[arg-type]  # never called
    return str(reason) if reason else None

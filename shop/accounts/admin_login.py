"""The admin's login page on the site's login throttle, and the lockouts screen for staff.

``admin_login`` is routed at ``/admin/login/`` ahead of the admin's own URLs (see
``shop/urls.py``), so ``reverse("admin:login")`` still names the same address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache

from shop.accounts.models import LoginLockout
from shop.accounts.throttle import (
    Attempt,
    login_attempt_start,
    login_attempt_succeeded,
    throttled_message,
    unlock,
)


def _throttled(request: HttpRequest) -> HttpResponse:
    """The login page with the throttle's message, 429, the password not checked."""
    messages.error(request, throttled_message())
    context = {
        **admin.site.each_context(request),
        "title": _("Log in"),
        "subtitle": None,
        "app_path": request.get_full_path(),
        "form": AdminAuthenticationForm(request),
        REDIRECT_FIELD_NAME: request.POST.get(REDIRECT_FIELD_NAME) or "/admin/",
    }
    response = TemplateResponse(request, "admin/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.LOGIN_FAILURE_WINDOW_SECONDS))
    return response


@never_cache
def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    attempt: Attempt | None = None
    if request.method == "POST":
        identifier = str(request.POST.get("username", ""))
        if identifier.strip() and request.POST.get("password"):
            attempt = login_attempt_start(request, identifier)
            if not attempt.allowed:
                return _throttled(request)
    response = admin.site.login(request, extra_context)
    if attempt is not None and response.status_code == 302 and request.user.is_authenticated:
        login_attempt_succeeded(attempt)
    return response


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    list_display = ["value", "scope", "locked_at", "locked_until", "is_active"]
    list_filter = ["scope"]
    search_fields = ["value"]
    ordering = ["-locked_at"]
    actions = ["unlock_selected"]
    readonly_fields = ["scope", "value", "locked_at", "locked_until"]
    exclude = ["key"]

    @admin.display(boolean=True, description=gettext_lazy("still locked"))
    def is_active(self, obj: LoginLockout) -> bool:
        return obj.locked_until > timezone.now()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Unlock the selected logins now"), permissions=["delete"])
    def unlock_selected(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        count = unlock(lockouts=list(queryset))
        self.message_user(request, ngettext(
            "%(count)d lockout lifted.", "%(count)d lockouts lifted.", count,
        ) % {"count": count}, messages.SUCCESS)

    def delete_model(self, request: HttpRequest, obj: LoginLockout) -> None:
        unlock(lockouts=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        unlock(lockouts=list(queryset))

"""The 429 answer of throttled login and password-reset pages: one message whatever the
account, so it never tells whether an account exists."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext


def throttled_message() -> str:
    minutes = max(1, -(-int(settings.LOGIN_FAILURE_WINDOW_SECONDS) // 60))
    return ngettext(
        "Too many attempts. Wait %(minutes)d minute, then try again.",
        "Too many attempts. Wait %(minutes)d minutes, then try again.",
        minutes,
    ) % {"minutes": minutes}


def throttled_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    messages.error(request, throttled_message())
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(int(settings.LOGIN_FAILURE_WINDOW_SECONDS))
    return response

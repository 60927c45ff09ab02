"""The 429 answer of throttled login and password-reset pages: one message whatever the
account, so it never tells whether an account exists."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shop.accounts.throttle import throttled_message


def throttled_response(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    messages.error(request, throttled_message())
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(int(settings.LOGIN_FAILURE_WINDOW_SECONDS))
    return response

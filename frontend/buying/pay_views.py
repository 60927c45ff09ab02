"""The payment page: bank transfer instructions always, card payment (Stripe.js) only when
Stripe is configured. The page never marks an order paid: that happens only when the
verified webhook (or a server-side retrieve) says so, or finance records the transfer."""

from __future__ import annotations

from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from frontend.buying.access import member_order_or_404
from orders.models import Order, OrderStatus
from orders.services.card import payment_card_start
from orders.stripe.client import card_payments_enabled as enabled
from orders.stripe.client import stripe_js_url, stripe_page_sources, stripe_publishable_key
from shop.accounts.http import request_user


def card_payments_enabled() -> bool:
    """Stripe keys are configured (the Stripe client module decides)."""
    return bool(enabled())


def _context(request: HttpRequest, order: Order, **extra: object) -> dict[str, object]:
    return {
        "order": order,
        "payable": order.status == OrderStatus.AWAITING_PAYMENT,
        "bank": {
            "name": settings.BANK_ACCOUNT_NAME,
            "bank": settings.BANK_ACCOUNT_BANK,
            "number": settings.BANK_ACCOUNT_NUMBER,
        },
        "card_enabled": card_payments_enabled(),
        **extra,
    }


@require_safe
@login_required
def order_pay(request: HttpRequest, pk: int) -> HttpResponse:
    order = member_order_or_404(request, pk)
    return render(request, "frontend/buying/pay.html", _context(request, order))


@require_POST
@login_required
def order_pay_card(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Start (or resume: the service is idempotent per order) a card payment and show the
    Stripe card form with the PaymentIntent's client secret."""
    order = member_order_or_404(request, pk)
    if not card_payments_enabled():
        return render(request, "frontend/buying/pay.html", _context(request, order, card_error=_unavailable()), status=400)
    try:
        started = payment_card_start(actor=request_user(request), order=order)
    except ValidationError as exc:
        return render(request, "frontend/buying/pay.html", _context(request, order, card_error=" ".join(exc.messages)), status=400)
    secret = started if isinstance(started, str) else getattr(started, "stripe_client_secret", "")
    return_url = request.build_absolute_uri(reverse("frontend:order_pay_return", args=[order.pk]))
    response = render(
        request, "frontend/buying/pay_card.html",
        _context(
            request, order, client_secret=secret, publishable_key=stripe_publishable_key(),
            return_url=return_url, stripe_js=stripe_js_url(),
        ),
    )
    return _with_stripe_policy(request, response, stripe_page_sources())


def _with_stripe_policy(request: HttpRequest, response: HttpResponse, sources: dict[str, list[str]]) -> HttpResponseBase:
    """This page only: Stripe's script, frames and API added to the site's CSP."""
    frames = csp_replace({"frame-src": sources["frame-src"]})
    scripts = csp_update({"script-src": sources["script-src"], "connect-src": sources["connect-src"]})
    return frames(scripts(lambda _request: response))(request)


def _unavailable() -> str:
    return _("Card payment is not available. Please pay by bank transfer.")


@require_safe
@login_required
def order_pay_return(request: HttpRequest, pk: int) -> HttpResponse:
    """Where Stripe.js sends the browser after the card step. It only reads the order: the
    payment counts when Stripe's signed webhook confirms it, never because of this visit."""
    order = member_order_or_404(request, pk)
    return render(request, "frontend/buying/pay_return.html", {"order": order})

"""A Content-Security-Policy on every page, for every kind of visitor: scripts and styles
from our own origin or carrying the response's nonce, no inline style attributes or event
handlers, Stripe's origins on the card-payment page only; HSTS preload only when asked."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from django.test import Client

from tests.frontend.buying_world import login, place, world_fixture  # noqa: F401
from tests.localstripe_server import LocalStripe, stripe_settings

pytestmark = pytest.mark.django_db

REQUIRED = {
    "default-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def check_page(client: Client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    policy = directives(response["Content-Security-Policy"])
    for name, value in REQUIRED.items():
        assert policy.get(name) == [value], (url, name, policy.get(name))
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy.get("style-src", []), url
    html = response.content.decode()
    nonces = {v[len("'nonce-"):-1] for v in policy["script-src"] if v.startswith("'nonce-")}
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", html):
        if "src=" in tag or 'type="application/json"' in tag:
            continue
        match = re.search(r'nonce="([^"]+)"', tag)
        assert match and match.group(1) in nonces, (url, tag, nonces)
    assert not re.search(r"<[a-z][^>]*\sstyle=", html), (url, re.search(r"<[a-z][^>]*\sstyle=[^>]*>", html))
    assert not re.search(r"<[a-z][^>]*\son[a-z]+=", html), url
    return policy


@pytest.fixture
def pages(world):
    order = place(world)
    product = world.variant_a.product
    return {
        "anonymous": [
            "/", "/products/", f"/products/{product.slug}/", f"/trace/{product.slug}/",
            f"/suppliers/{world.supplier_a.slug}/", "/tally/", "/tally/leaderboard/", "/tally/screen/",
            f"/tally/organizations/{world.org_a.pk}/", "/accounts/login/", "/join/",
            "/account/password-reset/", "/account/register/", "/admin/login/",
        ],
        "buyer": [
            "/cart/", "/orders/", f"/orders/{order.pk}/", f"/orders/{order.pk}/print/",
            f"/orders/{order.pk}/pay/", "/account/organization/", "/account/members/",
        ],
        "supplier": [
            "/portal/", "/portal/products/", "/portal/products/new/",
            f"/portal/products/{product.pk}/", "/portal/stock/", "/portal/orders/",
        ],
        "staff": [
            "/admin/", "/admin/catalog/product/", f"/admin/catalog/product/{product.pk}/change/",
            f"/admin/orders/order/{order.pk}/change/", "/admin/orders/offlinerecord/add/",
            "/admin/accounts/loginlockout/", "/reports/",
        ],
    }


def test_every_page_carries_the_policy_and_its_inline_code_the_nonce(client, world, pages):
    for url in pages["anonymous"]:
        check_page(client, url)
    for role, user in (("buyer", world.purchaser_a), ("supplier", world.owner_a), ("staff", world.staff)):
        if role == "staff":
            world.staff.is_superuser = True
            world.staff.save(update_fields=["is_superuser"])
        client.force_login(user)
        for url in pages[role]:
            check_page(client, url)


def test_the_nonce_is_new_on_every_response(client, world):
    first = directives(client.get("/tally/")["Content-Security-Policy"])["script-src"]
    second = directives(client.get("/tally/")["Content-Security-Policy"])["script-src"]
    assert [v for v in first if v.startswith("'nonce-")] != [v for v in second if v.startswith("'nonce-")]


def test_a_progress_bar_is_styled_through_the_nonce(client, world):
    response = client.get("/tally/")
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert re.search(rf'<style nonce="{re.escape(nonce)}">#tally-progress-bar\{{width:[0-9.]+%\}}</style>', html)
    assert "style-src 'self' 'nonce-" in response["Content-Security-Policy"]


@pytest.fixture(scope="module")
def localstripe():
    server = LocalStripe.start()
    yield server
    server.stop()


def test_stripe_is_allowed_on_the_card_page_only(client, world, settings, localstripe):
    stripe_settings(settings, localstripe, webhook_url=None)
    order = place(world)
    login(client, world.purchaser_a)
    card = client.post(f"/orders/{order.pk}/pay/card/")
    assert card.status_code == 200
    policy = directives(card["Content-Security-Policy"])
    assert localstripe.url in policy["script-src"] and "'self'" in policy["script-src"]
    assert policy["frame-src"] == [localstripe.url]
    assert localstripe.url in policy["connect-src"]
    assert f'<script src="{localstripe.url}/js.stripe.com/v3/"></script>' in card.content.decode()
    other = directives(client.get(f"/orders/{order.pk}/pay/")["Content-Security-Policy"])
    assert localstripe.url not in " ".join(sum(other.values(), []))
    assert other["frame-src"] == ["'none'"]


def test_real_stripe_origins_when_no_local_server(settings):
    from orders.stripe.client import stripe_page_sources

    settings.STRIPE_API_BASE = ""
    sources = stripe_page_sources()
    assert sources["script-src"] == ["https://js.stripe.com"]
    assert "https://hooks.stripe.com" in sources["frame-src"]
    assert sources["connect-src"] == ["https://api.stripe.com"]


def production_setting(expression: str, **env: str) -> str:
    environment = {
        k: v for k, v in os.environ.items()
        if k not in ("DEBUG", "SECURE_HSTS_PRELOAD", "DATABASE_URL", "MEDIA_URL", "CELERY_TASK_ALWAYS_EAGER")
    }
    environment.update({
        "DJANGO_SETTINGS_MODULE": "shop.settings", "DEBUG": "false",
        "SECRET_KEY": "ci-secret-key-not-for-production-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": "sqlite:////tmp/h7-never-opened.sqlite3",
        # Production refuses to start without a shared cache and an absolute address;
        # reading settings never connects to either.
        "REDIS_URL": "redis://127.0.0.1:6379/15", "SITE_URL": "https://shop.example.cn",
        **env,
    })
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings as s; "
         f"print({expression})"],
        env=environment, capture_output=True, text=True, check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def test_hsts_preload_is_off_in_production_unless_asked():
    assert production_setting("(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD)") == "(31536000, False)"
    assert production_setting("s.SECURE_HSTS_PRELOAD", SECURE_HSTS_PRELOAD="true") == "True"


def test_production_has_the_policy_and_graphql_is_not_exempt():
    assert production_setting("s.CONTENT_SECURITY_POLICY['EXCLUDE_URL_PREFIXES']") == "[]"

"""Client addresses behind proxies: TRUSTED_PROXY_COUNT is read from the environment, the
throttle keys on the Nth X-Forwarded-For entry from the right, and forged left-most entries
are ignored."""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from shop.common.net import client_address

LOGIN = "/accounts/login/"


def request(remote="10.0.0.5", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request(forwarded="192.0.2.1")) == "10.0.0.5"


def test_one_proxy_takes_the_right_most_entry_and_ignores_forged_ones(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request(forwarded="1.1.1.1, 2.2.2.2, 198.51.100.7")) == "198.51.100.7"


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(forwarded="6.6.6.6,198.51.100.7, 10.0.0.9")) == "198.51.100.7"
    assert client_address(request(forwarded="2001:db8::1, 10.0.0.9")) == "2001:db8::1"


def test_a_short_or_garbled_header_falls_back_to_the_proxy_address(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request(forwarded="198.51.100.7")) == "10.0.0.5"
    assert client_address(request()) == "10.0.0.5"
    assert client_address(request(forwarded="<script>, 10.0.0.9")) == "10.0.0.5"


@pytest.mark.django_db
def test_behind_a_load_balancer_one_guesser_does_not_lock_out_everybody(client, settings):
    """Issue 10: every request comes from the balancer's address; clients are told apart by
    the entry the balancer appended, whatever they put in front of it."""
    from tests.factories import UserFactory

    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    UserFactory(username="li", email="li@example.com")
    for i in range(25):
        client.post(LOGIN, {"username": f"guess{i}@example.com", "password": "x"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.66")
    # The guesser is blocked whatever it forges in front...
    blocked = client.post(LOGIN, {"username": "li@example.com", "password": "pass12345!"},
                          REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.66")
    assert blocked.status_code == 429
    # ...while a colleague behind the same balancer logs in.
    ok = client.post(LOGIN, {"username": "li@example.com", "password": "pass12345!"},
                     REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert ok.status_code == 302


def test_trusted_proxy_count_is_read_from_the_environment():
    env = {**os.environ, "TRUSTED_PROXY_COUNT": "2", "DJANGO_SETTINGS_MODULE": "shop.settings"}
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
         "print(settings.TRUSTED_PROXY_COUNT)"],
        env=env, capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "2"

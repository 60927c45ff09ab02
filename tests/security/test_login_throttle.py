"""Hostile clients at the login forms: /accounts/login/, /admin/login/ and password reset
share one throttle, per account and per client address, and staff see (and lift) lockouts."""

import re

import pytest
from django.core import mail

from shop.accounts.models import LockoutScope, LoginLockout
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITE = "/accounts/login/"
ADMIN = "/admin/login/"
RESET = "/account/password-reset/"
PASSWORD = "pass12345!"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    settings.TRUSTED_PROXY_COUNT = 0


def post(client, url, username, password="wrong-password", address="10.0.0.1", **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def body(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_admin_login_is_throttled_and_says_so_in_chinese(client):
    UserFactory(username="boss", email="boss@example.com", is_staff=True, is_superuser=True)
    for _ in range(5):
        assert post(client, ADMIN, "boss@example.com").status_code == 200  # the form again
    blocked = post(client, ADMIN, "boss@example.com", PASSWORD)
    assert blocked.status_code == 429
    assert "尝试次数过多" in blocked.content.decode()
    assert blocked["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    # Another address does not help: the limit is per account.
    assert post(client, ADMIN, "boss@example.com", PASSWORD, address="10.9.9.9").status_code == 429


def test_failures_at_the_site_login_lock_the_admin_login_and_back(client):
    UserFactory(username="boss", email="boss@example.com", is_staff=True, is_superuser=True)
    for _ in range(3):
        assert post(client, SITE, "boss@example.com").status_code == 400
    for _ in range(2):
        assert post(client, ADMIN, "boss@example.com").status_code == 200
    assert post(client, ADMIN, "boss@example.com", PASSWORD).status_code == 429
    assert post(client, SITE, "boss@example.com", PASSWORD).status_code == 429


def test_one_address_guessing_at_the_admin_is_blocked_at_the_site_too(client):
    UserFactory(username="li", email="li@example.com")
    for i in range(20):
        post(client, ADMIN, f"guess{i}@example.com", address="10.1.1.1")
    assert post(client, SITE, "li@example.com", PASSWORD, address="10.1.1.1").status_code == 429
    assert post(client, SITE, "li@example.com", PASSWORD, address="10.2.2.2").status_code == 302


def test_password_reset_requests_spend_the_same_address_budget(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 4
    UserFactory(username="li", email="li@example.com")
    for _ in range(2):
        assert client.post(RESET, {"email": "x@example.com"}, REMOTE_ADDR="10.3.3.3").status_code == 302
    for i in range(2):
        post(client, ADMIN, f"guess{i}@example.com", address="10.3.3.3")
    assert post(client, ADMIN, "li@example.com", PASSWORD, address="10.3.3.3").status_code == 429
    assert client.post(RESET, {"email": "li@example.com"}, REMOTE_ADDR="10.3.3.3").status_code == 429
    assert mail.outbox == []


def test_reset_mails_to_one_account_stop_after_the_account_limit(client):
    UserFactory(username="li", email="li@example.com")
    for i in range(8):
        response = client.post(RESET, {"email": "li@example.com"}, REMOTE_ADDR=f"10.5.5.{i}")
        assert response.status_code == 302  # the page never changes
    assert len(mail.outbox) == 5


def test_the_admin_answers_the_same_for_an_unknown_account(client):
    UserFactory(username="boss", email="boss@example.com", is_staff=True)
    for _ in range(5):
        post(client, ADMIN, "boss@example.com", address="10.0.0.1")
        post(client, ADMIN, "ghost@example.com", address="10.0.0.2")
    known = post(client, ADMIN, "boss@example.com", address="10.0.0.1")
    unknown = post(client, ADMIN, "ghost@example.com", address="10.0.0.2")
    assert known.status_code == unknown.status_code == 429
    assert body(known) == body(unknown)


def test_a_successful_admin_login_clears_the_account_counter(client):
    UserFactory(username="boss", email="boss@example.com", is_staff=True, is_superuser=True)
    for _ in range(4):
        post(client, ADMIN, "boss@example.com")
    assert post(client, ADMIN, "boss@example.com", PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        assert post(client, ADMIN, "boss@example.com").status_code == 200
    assert post(client, ADMIN, "boss@example.com", PASSWORD).status_code == 429


def test_staff_see_the_lockouts_in_the_admin_and_lift_them(client):
    UserFactory(username="li", email="li@example.com")
    for _ in range(6):
        post(client, SITE, "li@example.com", address="203.0.113.9")
    for i in range(21):
        post(client, SITE, f"guess{i}@example.com", address="203.0.113.9")
    rows = {(row.scope, row.value) for row in LoginLockout.objects.all()}
    assert (LockoutScope.ACCOUNT, "li@example.com") in rows
    assert (LockoutScope.ADDRESS, "203.0.113.9") in rows
    assert post(client, SITE, "li@example.com", PASSWORD, address="198.51.100.1").status_code == 429

    staff = UserFactory(username="boss", email="boss@example.com", is_staff=True, is_superuser=True)
    client.force_login(staff)
    listing = client.get("/admin/accounts/loginlockout/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "li@example.com" in page and "203.0.113.9" in page
    lockout = LoginLockout.objects.get(scope=LockoutScope.ACCOUNT, value="li@example.com")
    done = client.post("/admin/accounts/loginlockout/", {
        "action": "unlock_selected", "_selected_action": [lockout.pk],
    })
    assert done.status_code == 302
    assert not LoginLockout.objects.filter(pk=lockout.pk).exists()
    client.logout()
    assert post(client, SITE, "li@example.com", PASSWORD, address="198.51.100.1").status_code == 302


def test_a_lockout_is_recorded_once_not_once_per_blocked_attempt(client, django_assert_max_num_queries):
    for _ in range(6):
        post(client, SITE, "li@example.com")
    assert LoginLockout.objects.count() == 1
    with django_assert_max_num_queries(3):  # session and messages only, no lockout write
        assert post(client, SITE, "li@example.com").status_code == 429

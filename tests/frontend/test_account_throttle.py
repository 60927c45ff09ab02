"""Login throttling per account and per client address, and password reset by e-mail that
never reveals whether an account exists."""

import re

import pytest
from django.core import mail

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
RESET = "/account/password-reset/"
PASSWORD = "pass12345!"


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 5
    settings.LOGIN_FAILURES_PER_ADDRESS = 20
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900


def attempt(client, username, password="wrong-password", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def body(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_after_five_failures_the_account_is_blocked_even_with_the_right_password(client):
    UserFactory(username="li", email="li@example.com")
    for _ in range(5):
        assert attempt(client, "li@example.com").status_code == 400
    blocked = attempt(client, "LI@example.com ", PASSWORD)
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "尝试次数过多" in blocked.content.decode() or "Too many attempts" in blocked.content.decode()
    # Another address does not help: the limit is per account.
    assert attempt(client, "li@example.com", PASSWORD, address="10.9.9.9").status_code == 429


def test_an_unknown_account_gets_the_same_429(client):
    UserFactory(username="li", email="li@example.com")
    for _ in range(5):
        attempt(client, "li@example.com", address="10.0.0.1")
        attempt(client, "nobody@example.com", address="10.0.0.2")
    known = attempt(client, "li@example.com", address="10.0.0.1")
    unknown = attempt(client, "nobody@example.com", address="10.0.0.2")
    assert known.status_code == unknown.status_code == 429
    assert body(known) == body(unknown)


def test_a_success_resets_the_account_counter(client):
    UserFactory(username="li", email="li@example.com", phone="13912345678")
    for _ in range(4):
        attempt(client, "13912345678")
    assert attempt(client, "13912345678", PASSWORD).status_code == 302
    client.logout()
    for _ in range(5):
        assert attempt(client, "li@example.com").status_code == 400
    assert attempt(client, "li@example.com").status_code == 429


def test_one_address_is_blocked_after_twenty_failures_on_any_accounts(client):
    UserFactory(username="li", email="li@example.com")
    for i in range(20):
        assert attempt(client, f"guess{i}@example.com", address="10.1.1.1").status_code == 400
    assert attempt(client, "li@example.com", PASSWORD, address="10.1.1.1").status_code == 429
    # X-Forwarded-For is not trusted without a configured proxy.
    response = client.post(LOGIN, {"username": "li@example.com", "password": PASSWORD},
                           REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="192.0.2.7")
    assert response.status_code == 429
    assert attempt(client, "li@example.com", PASSWORD, address="10.2.2.2").status_code == 302


def test_password_reset_sends_one_mail_to_a_known_account_and_the_same_page_otherwise(client):
    user = UserFactory(username="li", email="li@example.com")
    known = client.post(RESET, {"email": "LI@example.com"})
    unknown = client.post(RESET, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/account/password-reset/sent/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["li@example.com"]
    link = re.search(r"/account/password-reset/[^/\s]+/[^/\s]+/", mail.outbox[0].body).group(0)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": "Qz7!mango-river", "new_password2": "Qz7!mango-river",
    })
    assert done.status_code == 302 and done["Location"] == "/account/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password("Qz7!mango-river")
    # The link is used up.
    assert not client.get(link, follow=True).context["validlink"]


def test_password_reset_is_throttled_per_address(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    UserFactory(username="li", email="li@example.com")
    for _ in range(3):
        assert client.post(RESET, {"email": "nobody@example.com"}, REMOTE_ADDR="10.3.3.3").status_code == 302
    blocked = client.post(RESET, {"email": "li@example.com"}, REMOTE_ADDR="10.3.3.3")
    assert blocked.status_code == 429
    assert mail.outbox == []
    assert client.post(RESET, {"email": "li@example.com"}, REMOTE_ADDR="10.4.4.4").status_code == 302
    assert len(mail.outbox) == 1

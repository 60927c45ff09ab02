"""Log in by e-mail (any letter case) or mobile phone; land on one's own pages; the error
never tells whether an account exists."""

import re

import pytest

from suppliers.models import CountyCoordinator, SupplierMember, SupplierStatus
from tests.factories import LONGCHUAN, MembershipFactory, SupplierFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client, username, password="pass12345!", **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def error_text(response) -> str:
    return " ".join(response.context["form"].non_field_errors())


def test_the_login_page_renders(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body and 'href="/join/"' in body


def test_login_by_email_in_any_letter_case(client):
    user = UserFactory(username="someone", email="Li.Si@Example.com")
    response = login(client, "  li.si@EXAMPLE.com ")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_login_by_mobile_phone(client):
    user = UserFactory(phone="13912345678")
    assert login(client, "13912345678").status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize("typed", ["139 1234 5678", "139-1234-5678", " 13912345678 "])
def test_login_by_mobile_phone_typed_with_spaces_or_dashes(client, typed):
    user = UserFactory(phone="13912345678")
    assert login(client, typed).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_wrong_password_and_an_unknown_account_get_the_same_answer(client):
    UserFactory(email="known@example.com")
    wrong_password = login(client, "known@example.com", "not-the-password")
    unknown = login(client, "nobody@example.com", "not-the-password")
    assert wrong_password.status_code == unknown.status_code == 400
    assert error_text(wrong_password) == error_text(unknown) != ""
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|value="[^"]*@example.com"')
    assert strip.sub("", wrong_password.content.decode()) == strip.sub("", unknown.content.decode())
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_gets_the_same_answer_too(client):
    UserFactory(email="gone@example.com", is_active=False)
    inactive = login(client, "gone@example.com")
    unknown = login(client, "nobody@example.com")
    assert error_text(inactive) == error_text(unknown)


def test_each_person_lands_on_their_own_pages(client, regions):
    approved, applied = SupplierFactory(), SupplierFactory(status=SupplierStatus.APPLIED)
    cases = []
    for name, supplier in (("owner", approved), ("applicant", applied)):
        user = UserFactory(email=f"{name}@example.com")
        SupplierMember.objects.create(supplier=supplier, user=user, role="owner")
        cases.append((user.email, "/portal/" if supplier is approved else "/join/status/"))
    coordinator = UserFactory(email="coordinator@example.com")
    CountyCoordinator.objects.create(user=coordinator, county_id=LONGCHUAN)
    cases.append((coordinator.email, "/coordinator/"))
    cases.append((UserFactory(email="staff@example.com", is_staff=True).email, "/admin/"))
    cases.append((MembershipFactory(user=UserFactory(email="buyer@example.com")).user.email, "/"))
    for email, landing in cases:
        client.logout()
        response = login(client, email)
        assert (email, response["Location"]) == (email, landing)


def test_next_is_followed_when_it_is_on_this_site(client):
    UserFactory(email="a@example.com")
    assert login(client, "a@example.com", next="/products/")["Location"] == "/products/"
    client.logout()
    assert login(client, "a@example.com", next="https://evil.example/")["Location"] == "/"


def test_logout_is_a_post(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


def test_the_header_offers_login_or_the_account(client, regions):
    body = client.get("/").content.decode()
    assert 'href="/accounts/login/"' in body and 'href="/join/"' in body
    user = UserFactory(display_name="李四")
    client.force_login(user)
    body = client.get("/").content.decode()
    assert "李四" in body and 'action="/accounts/logout/"' in body
    assert 'href="/accounts/login/"' not in body


def test_pages_that_need_a_login_send_to_the_login_page(client):
    response = client.get("/join/status/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/join/status/"


def test_a_username_that_is_not_an_email_still_logs_in(client):
    """Staff created in the admin may have a plain username (ModelBackend)."""
    UserFactory(username="operator", email="op@example.com")
    assert login(client, "operator").status_code == 302

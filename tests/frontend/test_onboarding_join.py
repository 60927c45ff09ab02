"""The public application form /join/ and the applicant's status page /join/status/."""

from pathlib import Path

import pytest
from django.core import mail

from shop.accounts.models import User
from suppliers.models import Certification, Supplier, SupplierMember, SupplierStatus
from suppliers.services.status import supplier_recommend, supplier_reject
from tests.factories import DAHUA, LONGCHUAN, UserFactory, credit_code, first_township
from tests.suppliers.onboarding_data import image_bytes, join_post, upload

pytestmark = pytest.mark.django_db


def files_in(settings) -> list[Path]:
    from django.core.files.storage import storages

    root = Path(storages["private"].location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def field_errors(response) -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


def assert_nothing_written(settings):
    assert not Supplier.objects.exists()
    assert not User.objects.exists()
    assert not Certification.objects.exists()
    assert files_in(settings) == []


def test_the_form_offers_only_the_three_supply_counties(client, regions):
    response = client.get("/join/")
    assert response.status_code == 200
    form = response.context["form"]
    assert [code for code, _ in form.fields["county"].choices if code] == ["441622", "451228", "451229"]
    body = response.content.decode()
    assert "<optgroup" in body and 'data-parent="441622"' in body
    assert 'name="applicant_email"' in body and 'enctype="multipart/form-data"' in body
    assert body.count('name="certifications-') >= 5 * 6


def test_an_applicant_applies_and_follows_the_application(client, regions, settings, django_capture_on_commit_callbacks):
    data = join_post(email="Applicant@Example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/join/", data)
    # Not logged in: the applicant logs in next (the same answer whether or not the address
    # already had an account, see tests/security/test_enumeration.py).
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/join/status/"
    supplier = Supplier.objects.get()
    assert supplier.status == SupplierStatus.APPLIED and supplier.credit_code == data["credit_code"]
    assert supplier.certifications.count() == 1
    owner = SupplierMember.objects.get(supplier=supplier)
    assert owner.role == "owner" and "_auth_user_id" not in client.session
    assert [m.to for m in mail.outbox] == [["Applicant@example.com"]]
    assert len(files_in(settings)) == 2
    assert client.login(username="Applicant@example.com", password=data["password1"])

    status = client.get("/join/status/")
    assert status.status_code == 200
    assert [s["state"] for s in status.context["steps"]] == ["done", "current", "waiting"]
    assert supplier.legal_name in status.content.decode()


def test_a_logged_in_user_applies_without_account_fields(client, regions):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/join/")
    assert 'name="applicant_email"' not in page.content.decode()
    response = client.post("/join/", join_post(account=False))
    assert response.status_code == 302
    assert SupplierMember.objects.get().user == user


def test_an_invalid_credit_code_is_a_field_error(client, regions, settings):
    code = credit_code(LONGCHUAN)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post("/join/", join_post(credit_code=wrong))
    assert response.status_code == 400
    assert list(field_errors(response)) == ["credit_code"]
    assert_nothing_written(settings)


def test_a_duplicate_application_is_a_field_error(client, regions, settings):
    code = credit_code(LONGCHUAN)
    assert client.post("/join/", join_post(credit_code=code, email="first@example.com")).status_code == 302
    client.logout()
    response = client.post("/join/", join_post(credit_code=code, email="second@example.com"))
    assert response.status_code == 400
    assert "credit_code" in field_errors(response)
    assert Supplier.objects.count() == 1
    assert not User.objects.filter(email="second@example.com").exists()


def test_the_same_form_posted_twice_creates_one_application(client, regions, settings):
    code = credit_code(LONGCHUAN)
    page = client.get("/join/")
    token = page.context["form"].initial["form_token"]
    first = client.post("/join/", join_post(credit_code=code, form_token=token))
    assert first.status_code == 302
    client.logout()  # the second click carries the cookie of before the first answer
    second = client.post("/join/", join_post(credit_code=code, form_token=token))
    assert second.status_code == 302 and second["Location"] == "/join/status/"
    assert Supplier.objects.count() == 1 and User.objects.count() == 1
    assert client.get("/join/status/").context["supplier"].credit_code == code


def test_a_double_post_by_a_logged_in_applicant_shows_the_status(client, regions):
    client.force_login(UserFactory())
    data = dict(credit_code=credit_code(LONGCHUAN), account=False)
    assert client.post("/join/", join_post(**data)).status_code == 302
    second = client.post("/join/", join_post(**data))
    assert second.status_code == 302 and second["Location"] == "/join/status/"
    assert Supplier.objects.count() == 1


def test_the_township_must_be_in_the_county(client, regions, settings):
    response = client.post("/join/", join_post(township=first_township(DAHUA).code, village=""))
    assert response.status_code == 400
    assert list(field_errors(response)) == ["township"]
    assert_nothing_written(settings)


def test_a_forged_county_is_refused(client, regions, settings):
    data = join_post()
    data["county"] = "440306"  # Bao'an: not a supply county
    response = client.post("/join/", data)
    assert response.status_code == 400 and "county" in field_errors(response)
    assert_nothing_written(settings)


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("licence.jpg", b"<html><body onload=alert(1)>licence</body></html>", "image/jpeg"),
        ("licence.txt", b"just some text", "text/plain"),
        ("licence.png", image_bytes("PNG")[:60], "image/png"),
    ],
)
def test_a_bad_licence_is_refused_and_nothing_is_written(client, regions, settings, name, data, content_type):
    response = client.post("/join/", join_post(license_document=upload(name, data, content_type)))
    assert response.status_code == 400
    assert list(field_errors(response)) == ["license_document"]
    assert_nothing_written(settings)


def test_an_oversized_certificate_is_refused_on_its_row(client, regions, settings):
    settings.DOCUMENT_MAX_BYTES = 20_000
    big = upload("cert.pdf", b"%PDF-1.4\n" + b"1" * 30_000 + b"\n%%EOF\n")
    response = client.post("/join/", join_post(**{"certifications-0-document": big}))
    assert response.status_code == 400
    row = response.context["formset"].forms[0]
    assert "document" in row.errors
    assert_nothing_written(settings)


def test_a_half_filled_certification_row_is_an_error_and_empty_rows_are_ignored(client, regions, settings):
    response = client.post("/join/", join_post(**{"certifications-1-issuer": "农业农村部"}))
    assert response.status_code == 400
    row = response.context["formset"].forms[1]
    assert set(row.errors) == {"kind", "number"}
    assert_nothing_written(settings)


def test_passwords_must_match_and_be_strong(client, regions, settings):
    response = client.post("/join/", join_post(password2="something-else-2020"))
    assert response.status_code == 400 and "password2" in field_errors(response)
    response = client.post("/join/", join_post(password1="12345678", password2="12345678"))
    assert response.status_code == 400 and "password1" in field_errors(response)
    assert_nothing_written(settings)


def _apply_and_log_in(client) -> None:
    data = join_post()
    client.post("/join/", data)
    assert client.login(username="applicant@example.com", password=data["password1"])


def test_the_status_page_shows_a_rejection_and_its_reason(client, regions):
    _apply_and_log_in(client)
    supplier = Supplier.objects.get()
    supplier_recommend(supplier=supplier)
    supplier_reject(supplier=supplier, reason="银行账户与主体名称不一致")
    response = client.get("/join/status/")
    assert [s["state"] for s in response.context["steps"]] == ["done", "done", "rejected"]
    assert "银行账户与主体名称不一致" in response.content.decode()


def test_the_status_page_of_someone_without_application(client, regions):
    client.force_login(UserFactory())
    response = client.get("/join/status/")
    assert response.status_code == 200 and response.context["supplier"] is None
    assert 'href="/join/"' in response.content.decode()


def test_a_member_opening_the_form_again_is_sent_to_the_status(client, regions):
    _apply_and_log_in(client)
    response = client.get("/join/")
    assert response.status_code == 302 and response["Location"] == "/join/status/"


def test_the_page_is_in_chinese(client, regions):
    body = client.get("/join/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "龙川县" in body and "都安瑶族自治县" in body and "大化瑶族自治县" in body


def test_a_repost_of_the_same_form_by_someone_not_recognised_is_sent_to_log_in(client, regions):
    """Same form token, but the credentials posted no longer open the account."""
    code = credit_code(LONGCHUAN)
    token = client.get("/join/").context["form"].initial["form_token"]
    assert client.post("/join/", join_post(credit_code=code, form_token=token)).status_code == 302
    client.logout()
    second = client.post("/join/", join_post(credit_code=code, form_token=token, email="other@example.com"))
    assert second.status_code == 302
    assert second["Location"] == "/accounts/login/?next=/join/status/"
    assert Supplier.objects.count() == 1 and User.objects.count() == 1

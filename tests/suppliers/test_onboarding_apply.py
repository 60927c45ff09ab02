"""``supplier_apply``: one transaction, every problem reported by field, nothing half-written."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from shop.accounts.models import User
from shop.common.models import AuditEvent
from suppliers.models import Certification, Supplier, SupplierMember, SupplierStatus
from suppliers.services.applications import supplier_apply
from tests.factories import DAHUA, LONGCHUAN, UserFactory, credit_code, first_township
from tests.suppliers.onboarding_data import (
    PASSWORD,
    application_data,
    certification,
    image_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_files(settings) -> list[Path]:
    """Supplier documents are private: under the private storage, never the public media."""
    from django.core.files.storage import storages

    root = Path(storages["private"].location)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def codes(exc: ValidationError) -> dict[str, set[str]]:
    return {name: {e.code for e in errors} for name, errors in exc.error_dict.items()}


def test_an_application_creates_account_supplier_owner_and_certifications(regions, settings):
    supplier = supplier_apply(
        data=application_data(), license_document=upload(),
        certifications=[certification("AGI2019-0001"), certification("LB-13-2001", kind="green", document=None)],
        applicant_email="Li.Si@Example.com", password=PASSWORD,
    )
    assert supplier.status == SupplierStatus.APPLIED
    user = User.objects.get(email__iexact="li.si@example.com")
    assert user.check_password(PASSWORD)
    owner = SupplierMember.objects.get(supplier=supplier)
    assert owner.user == user and owner.role == "owner"
    assert supplier.contact_email.lower() == "li.si@example.com"
    assert {c.number for c in Certification.objects.filter(supplier=supplier)} == {"AGI2019-0001", "LB-13-2001"}
    # The licence is a real PDF kept as sent, under a random name that says nothing about it.
    assert supplier.license_document.name.endswith(".pdf")
    assert "licence.pdf" not in supplier.license_document.name
    assert supplier.license_document.read().startswith(b"%PDF-")
    assert len(stored_files(settings)) == 2
    event = AuditEvent.objects.get(action="supplier.apply", object_id=str(supplier.pk))
    assert event.actor == user and event.changes == {"status": [None, "applied"]}


def test_a_logged_in_user_applies_with_their_account(regions):
    user = UserFactory()
    supplier = supplier_apply(data=application_data(), license_document=upload(), user=user, actor=user)
    assert SupplierMember.objects.get(supplier=supplier).user == user
    assert User.objects.count() == 1


def test_an_invalid_credit_code_is_a_field_error(regions, settings):
    code = credit_code(LONGCHUAN)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(credit_code=wrong), license_document=upload(),
                       applicant_email="a@example.com", password=PASSWORD)
    assert codes(exc.value)["credit_code"] == {"invalid_credit_code"}
    assert not Supplier.objects.exists() and not User.objects.exists()
    assert stored_files(settings) == []


def test_a_duplicate_credit_code_is_refused_and_nothing_is_written(regions, settings):
    data = application_data()
    supplier_apply(data=data, license_document=upload(), applicant_email="first@example.com", password=PASSWORD)
    files_before = stored_files(settings)
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=data, license_document=upload(), applicant_email="second@example.com", password=PASSWORD)
    assert codes(exc.value)["credit_code"] == {"duplicate"}
    assert Supplier.objects.count() == 1
    assert not User.objects.filter(email="second@example.com").exists()
    assert stored_files(settings) == files_before


def test_the_township_must_belong_to_the_county(regions):
    dahua_township = first_township(DAHUA).code
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(township_code=dahua_township, village_code=""),
                       license_document=upload(), applicant_email="a@example.com", password=PASSWORD)
    assert codes(exc.value)["township"] == {"invalid_region"}
    assert not Supplier.objects.exists()


def test_only_the_three_supply_counties_are_accepted(regions):
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(county_code="440306"), license_document=upload(),
                       applicant_email="a@example.com", password=PASSWORD)
    assert codes(exc.value)["county"] == {"invalid_region"}


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("licence.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("licence.docx", b"PK\x03\x04 not a licence", "application/octet-stream"),
        ("licence.pdf", b"%PDF-1.7 cut short", "application/pdf"),
    ],
)
def test_a_bad_document_writes_nothing_at_all(regions, settings, name, data, content_type):
    with pytest.raises(ValidationError) as exc:
        supplier_apply(
            data=application_data(), license_document=upload("licence.pdf"),
            certifications=[certification(document=upload(name, data, content_type))],
            applicant_email="a@example.com", password=PASSWORD,
        )
    assert codes(exc.value)["certifications.0.document"] == {"invalid_document"}
    assert not Supplier.objects.exists() and not User.objects.exists()
    assert not Certification.objects.exists() and not AuditEvent.objects.exists()
    assert stored_files(settings) == []


def test_an_oversized_document_is_refused(regions, settings):
    settings.DOCUMENT_MAX_BYTES = 50_000
    big = image_bytes("PNG", size=(1200, 1200), color=(10, 20, 30)) + b"\0" * 60_000
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(), license_document=upload("big.png", big, "image/png"),
                       applicant_email="a@example.com", password=PASSWORD)
    assert codes(exc.value)["license_document"] == {"invalid_document"}
    assert "MB" in exc.value.message_dict["license_document"][0]
    assert stored_files(settings) == []


def test_every_problem_is_reported_at_once(regions):
    with pytest.raises(ValidationError) as exc:
        supplier_apply(
            data=application_data(credit_code="123", contact_name="", bank_account_number=""),
            license_document=None, certifications=[certification(number="")],
            applicant_email="not-an-email", password=PASSWORD,
        )
    found = codes(exc.value)
    assert found["credit_code"] == {"invalid_credit_code"}
    assert found["contact_name"] == {"required"}
    assert found["bank_account_number"] == {"required"}
    assert found["license_document"] == {"required"}
    assert found["certifications.0.number"] == {"required"}
    assert found["applicant_email"] == {"invalid"}


def test_a_weak_password_is_refused_and_a_taken_email_gets_a_claim_link(regions):
    taken = UserFactory(email="taken@example.com")
    for email in ("TAKEN@example.com", "new@example.com"):
        with pytest.raises(ValidationError) as exc:
            supplier_apply(data=application_data(), license_document=upload(),
                           applicant_email=email, password="12345678")
        assert codes(exc.value)["password"] == {"invalid_password"}
    claimed = supplier_apply(data=application_data(), license_document=upload(),
                             applicant_email="TAKEN@example.com", password=PASSWORD)
    # Nobody is given the existing account: the application waits for its holder to claim it.
    assert not SupplierMember.objects.filter(supplier=claimed).exists()
    assert claimed.invitations.get().email == "TAKEN@example.com"
    assert not taken.check_password(PASSWORD) and User.objects.count() == 1
    Supplier.objects.all().delete()
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(), license_document=upload(),
                       applicant_email="new@example.com", password="12345678")
    assert codes(exc.value)["password"] == {"invalid_password"}
    assert not Supplier.objects.exists()


def test_a_member_of_a_supplier_cannot_apply_again(regions):
    user = UserFactory()
    supplier_apply(data=application_data(), license_document=upload(), user=user)
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(), license_document=upload(), user=user)
    assert codes(exc.value)["__all__"] == {"already_member"}
    assert Supplier.objects.count() == 1


def test_at_most_five_certifications(regions):
    certs = [certification(f"N{i}", document=None) for i in range(6)]
    with pytest.raises(ValidationError) as exc:
        supplier_apply(data=application_data(), license_document=upload(), certifications=certs,
                       applicant_email="a@example.com", password=PASSWORD)
    assert codes(exc.value)["certifications"] == {"too_many_certifications"}


def test_a_failure_inside_the_transaction_deletes_the_files_it_saved(regions, settings, monkeypatch):
    """The documents are saved inside the transaction; if a later write fails, they go too."""
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Certification, "save", broken_save)
    with pytest.raises(RuntimeError):
        supplier_apply(data=application_data(), license_document=upload(),
                       certifications=[certification()], applicant_email="a@example.com", password=PASSWORD)
    assert not Supplier.objects.exists() and not User.objects.exists()
    assert stored_files(settings) == []

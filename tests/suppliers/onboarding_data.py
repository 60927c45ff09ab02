"""Test data for the supplier application: real PDF, PNG and JPEG bytes made with Pillow,
and complete application forms / service arguments."""

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from suppliers.services.applications import CertificationData, SupplierApplicationData
from tests.factories import LONGCHUAN, credit_code, first_township, first_village

PASSWORD = "Camellia-oil-2020"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (320, 240), color=(200, 180, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF (Pillow writes PDF)."""
    return image_bytes("PDF", size=(200, 280), color=(250, 250, 250))


def upload(name: str = "licence.pdf", data: bytes | None = None, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes() if data is None else data, content_type=content_type)


def regions_of(county: str = LONGCHUAN) -> tuple[str, str, str]:
    township = first_township(county)
    village = first_village(township)
    return county, township.code, village.code if village else ""


def application_data(county: str = LONGCHUAN, **overrides: Any) -> SupplierApplicationData:
    county, township, village = regions_of(county)
    values: dict[str, Any] = dict(
        legal_name="龙川县义都镇山茶油专业合作社", short_name="义都茶油", credit_code=credit_code(county),
        supplier_type="cooperative", county_code=county, township_code=township, village_code=village,
        address="义都镇桂林村 8 号", contact_name="李四", contact_phone="13912345678",
        contact_email="", bank_name="中国农业银行龙川支行", bank_account_name="龙川县义都镇山茶油专业合作社",
        bank_account_number="6228480123456789012", linkage_mechanism="business",
        linkage_description="按保护价收购贫困户的油茶籽", poor_households=36,
    )
    values.update(overrides)
    return SupplierApplicationData(**values)


def certification(number: str = "AGI2019-0001", **overrides: Any) -> CertificationData:
    values: dict[str, Any] = dict(kind="gi", number=number, issuer="农业农村部", document=upload("gi.png", image_bytes(), "image/png"))
    values.update(overrides)
    return CertificationData(**values)


def join_post(county: str = LONGCHUAN, *, email: str = "applicant@example.com", account: bool = True,
              certifications: int = 1, **overrides: Any) -> dict[str, Any]:
    """A complete application form as a browser posts it (files included)."""
    county, township, village = regions_of(county)
    data: dict[str, Any] = {
        "legal_name": "龙川县义都镇山茶油专业合作社", "short_name": "义都茶油", "credit_code": credit_code(county),
        "supplier_type": "cooperative", "county": county, "township": township, "village": village,
        "address": "义都镇桂林村 8 号", "description": "", "contact_name": "李四",
        "contact_phone": "13912345678", "contact_email": "", "bank_name": "中国农业银行龙川支行",
        "bank_account_name": "龙川县义都镇山茶油专业合作社", "bank_account_number": "6228480123456789012",
        "linkage_mechanism": "business", "linkage_description": "按保护价收购贫困户的油茶籽",
        "poor_households": "36", "license_document": upload(),
        "certifications-TOTAL_FORMS": "5", "certifications-INITIAL_FORMS": "0",
        "certifications-MIN_NUM_FORMS": "0", "certifications-MAX_NUM_FORMS": "5",
    }
    if account:
        data.update(applicant_email=email, password1=PASSWORD, password2=PASSWORD)
    for i in range(certifications):
        data.update({
            f"certifications-{i}-kind": "gi", f"certifications-{i}-number": f"AGI2019-000{i + 1}",
            f"certifications-{i}-issuer": "农业农村部", f"certifications-{i}-valid_from": "2019-01-01",
            f"certifications-{i}-valid_until": "2029-12-31",
            f"certifications-{i}-document": upload(f"cert{i}.jpg", image_bytes("JPEG"), "image/jpeg"),
        })
    data.update(overrides)
    return data

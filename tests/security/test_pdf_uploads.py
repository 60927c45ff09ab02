"""Hostile PDFs: what a supplier uploads is rewritten by pikepdf without anything active
(JavaScript, open actions, embedded files, actions on annotations) or refused with a field
error and nothing stored; documents are served sandboxed."""

import io
from pathlib import Path

import pikepdf
import pytest

from shop.accounts.models import User
from suppliers.models import Certification, Supplier
from tests.suppliers.onboarding_data import image_bytes, join_post, upload

pytestmark = pytest.mark.django_db

PAYLOAD = "app.alert('owned')"


def hostile_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"BT /F1 18 Tf 72 770 Td (Licence 91441622) Tj ET")
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(PAYLOAD))
    pdf.Root.OpenAction = pdf.make_indirect(script)
    pdf.Root.AA = pikepdf.Dictionary(WC=script)
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("boot"), pdf.make_indirect(script)])))
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 not really")
    page.obj.AA = pikepdf.Dictionary(O=script)
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=[0, 0, 595, 842], A=script)
    stamp = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp,
                               Rect=[400, 50, 550, 150], AA=pikepdf.Dictionary(E=script))
    attachment = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
                                    Rect=[10, 10, 30, 30], FS=pikepdf.String("payload.exe"))
    page.obj.Annots = pdf.make_indirect(pikepdf.Array([
        pdf.make_indirect(link), pdf.make_indirect(stamp), pdf.make_indirect(attachment),
    ]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=pikepdf.String("<xdp/>"))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def active_parts(pdf: pikepdf.Pdf) -> list[str]:
    """Everything left in the file that a viewer could run or open."""
    found = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        if "/JS" in obj or obj.get("/S") == pikepdf.Name.JavaScript:
            found.append("javascript")
        if obj.get("/Type") in (pikepdf.Name.EmbeddedFile, pikepdf.Name.Filespec):
            found.append("embedded file")
        if obj.get("/Subtype") == pikepdf.Name.FileAttachment:
            found.append("file attachment")
    for key in ("/OpenAction", "/AA", "/Names", "/AcroForm"):
        if key in pdf.Root:
            found.append(key)
    return found


def files_in(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_hostile_pdf_really_is_hostile():
    assert {"javascript", "embedded file", "file attachment", "/OpenAction"} <= set(
        active_parts(pikepdf.open(io.BytesIO(hostile_pdf()))))


def test_an_uploaded_pdf_is_stored_without_scripts_actions_or_attachments(client, regions):
    response = client.post("/join/", join_post(license_document=upload("licence.pdf", hostile_pdf())))
    assert response.status_code == 302
    stored_bytes = Supplier.objects.get().license_document.read()
    assert PAYLOAD.encode() not in stored_bytes and b"MZ\x90" not in stored_bytes
    stored = pikepdf.open(io.BytesIO(stored_bytes))
    assert active_parts(stored) == []
    assert len(stored.pages) == 1
    assert b"Licence 91441622" in stored.pages[0].Contents.read_bytes()  # what it shows stays
    page = stored.pages[0].obj
    assert "/AA" not in page
    subtypes = [annot.Subtype for annot in page.Annots]
    assert subtypes == [pikepdf.Name.Link, pikepdf.Name.Stamp]  # kept, but inert
    assert all("/A" not in annot and "/AA" not in annot for annot in page.Annots)


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> garbage\n%%EOF\n",
    b"%PDF-1.7\n" + b"\x00\xff" * 500 + b"\n%%EOF",
])
def test_a_pdf_that_does_not_parse_is_a_field_error_and_nothing_is_stored(client, regions, settings, data):
    response = client.post("/join/", join_post(license_document=upload("licence.pdf", data)))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["license_document"]
    assert "PDF" in errors["license_document"][0] and "无法读取" in errors["license_document"][0]
    assert not Supplier.objects.exists() and not User.objects.exists()
    assert not Certification.objects.exists()
    assert files_in(settings) == []


def test_an_encrypted_pdf_is_refused(client, regions, settings):
    pdf = pikepdf.open(io.BytesIO(hostile_pdf()))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    response = client.post("/join/", join_post(license_document=upload("licence.pdf", out.getvalue())))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["license_document"]
    assert files_in(settings) == []


def test_documents_are_served_sandboxed(client, regions):
    data = join_post(license_document=upload("licence.pdf", hostile_pdf()))
    data["certifications-0-document"] = upload("cert0.png", image_bytes("PNG"), "image/png")
    assert client.post("/join/", data).status_code == 302
    supplier = Supplier.objects.get()
    # Applicants are not logged in by the form (no account enumeration): they log in next.
    client.force_login(supplier.members.get().user)
    licence = client.get(f"/documents/suppliers/{supplier.pk}/licence/")
    assert licence.status_code == 200
    assert licence["Content-Type"] == "application/pdf"
    assert licence["Content-Security-Policy"].split(";")[0] == "sandbox"
    assert licence["X-Content-Type-Options"] == "nosniff"
    assert licence["Content-Disposition"].startswith("attachment")
    cert = client.get(f"/documents/certifications/{supplier.certifications.get().pk}/")
    assert cert["Content-Type"] == "image/png"
    assert cert["Content-Security-Policy"].split(";")[0] == "sandbox"
    assert cert["Content-Disposition"].startswith("inline")

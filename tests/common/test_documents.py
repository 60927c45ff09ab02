"""Documents: a PDF (by its bytes) or an image (re-encoded); everything else is refused."""

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from shop.common.documents import content_type_for, normalize_document


def image(fmt: str, size=(300, 200), **info) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 160, 90)).save(buffer, format=fmt, **info)
    return buffer.getvalue()


def pdf() -> bytes:
    return image("PDF")


def test_a_real_pdf_is_rewritten_with_its_page_kept():
    data = pdf()
    doc = normalize_document(ContentFile(data, name="执照.pdf"))
    assert (doc.kind, doc.extension, doc.content_type) == ("pdf", ".pdf", "application/pdf")
    stored = pikepdf.open(io.BytesIO(doc.content.read()))
    original = pikepdf.open(io.BytesIO(data))
    assert len(stored.pages) == 1
    assert list(stored.pages[0].mediabox) == list(original.pages[0].mediabox)
    xobjects = stored.pages[0].Resources.XObject  # the scanned page is still there
    assert len([name for name, obj in xobjects.items() if obj.Subtype == "/Image"]) == 1


@pytest.mark.parametrize("fmt, extension", [("JPEG", ".jpg"), ("PNG", ".png"), ("WEBP", ".webp")])
def test_an_image_is_re_encoded(fmt, extension):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    data = image(fmt, exif=exif)
    doc = normalize_document(ContentFile(data, name="whatever.pdf"))  # the name does not matter
    assert (doc.kind, doc.extension) == ("image", extension)
    stored = Image.open(io.BytesIO(doc.content.read()))
    assert stored.size == (300, 200)
    assert not stored.getexif()


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>",
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"PK\x03\x04\x14\x00\x06\x00 a word document",
        b"\x7fELF\x02\x01\x01 an executable",
    ],
)
def test_other_files_are_refused_whatever_their_name(data):
    with pytest.raises(ValidationError) as exc:
        normalize_document(ContentFile(data, name="licence.jpg"))
    assert exc.value.code == "unsupported_document"
    assert "PDF" in exc.value.message


def test_a_truncated_pdf_is_refused():
    data = pdf()
    with pytest.raises(ValidationError) as exc:
        normalize_document(ContentFile(data[: len(data) // 2], name="licence.pdf"))
    assert exc.value.code == "invalid_document"


def test_a_broken_image_is_refused():
    data = image("PNG")
    with pytest.raises(ValidationError) as exc:
        normalize_document(ContentFile(data[:80], name="licence.png"))
    assert exc.value.code == "invalid_document"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        normalize_document(ContentFile(b"", name="licence.pdf"))
    assert exc.value.code == "invalid_document"


def test_the_size_cap_applies_before_reading_everything(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as exc:
        normalize_document(ContentFile(b"%PDF-1.4\n" + b"0" * 2000 + b"\n%%EOF", name="big.pdf"))
    assert exc.value.code == "document_too_large"
    assert "MB" in exc.value.message


def test_a_decompression_bomb_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as exc:
        normalize_document(ContentFile(image("PNG", size=(2000, 2000)), name="bomb.png"))
    assert exc.value.code == "document_too_large"


def test_content_types_come_from_our_own_extensions():
    assert content_type_for("suppliers/licences/2026/11/abc.pdf") == "application/pdf"
    assert content_type_for("x.webp") == "image/webp"
    assert content_type_for("x.html") == "application/octet-stream"

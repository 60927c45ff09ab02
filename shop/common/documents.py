"""Untrusted document uploads (business licences, certificates): a PDF or an image.

- the type is decided from the bytes, never from the file name or the declared content type;
- a PDF must start with ``%PDF-`` and end with ``%%EOF`` (within the last kilobyte, as PDF
  readers allow), be at most ``settings.DOCUMENT_MAX_BYTES`` and parse with pikepdf (qpdf);
  it is then rewritten (``_rewrite_pdf``): JavaScript, open and page actions, annotations
  with actions, forms, embedded files, bookmarks and metadata are dropped, and only the
  objects still reachable are written to a fresh file. An encrypted or unreadable PDF is
  refused;
- anything else must be an image accepted by ``shop.common.images.normalize_upload``,
  which decodes and re-encodes it without metadata;
- everything else (HTML named ``.jpg``, Word files, archives…) is refused.

Nothing is written to storage here: the caller names and saves ``content``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from shop.common.images import ImageErrorCode, normalize_upload, read_capped
from shop.common.lazy import lazy_module

if TYPE_CHECKING:  # mypy sees the real module
    import pikepdf
else:
    pikepdf = lazy_module("pikepdf")  # +16 MB, only for document uploads (issue 15)

PDF_MAGIC = b"%PDF-"
PDF_EOF = b"%%EOF"
PDF_TRAILER_WINDOW = 1024
PDF_MAX_PAGES = 200
# A page keeps only what draws it; everything else (actions, associated files, thumbnails…)
# is dropped. The catalogue is new: no open action, names, forms, outlines or metadata.
PDF_KEPT_PAGE_KEYS = ("/Type", "/Resources", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox",
                      "/ArtBox", "/Contents", "/Rotate", "/Group", "/UserUnit", "/Annots")
# Annotations that play or carry something are dropped; the others (stamps, seals, notes)
# keep their appearance but lose their actions.
PDF_DROPPED_ANNOTATIONS = ("/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D")
PDF_DROPPED_ANNOTATION_KEYS = ("/A", "/AA", "/PA", "/AF", "/FS", "/Parent")

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}


class DocumentErrorCode(StrEnum):
    INVALID_DOCUMENT = "invalid_document"
    DOCUMENT_TOO_LARGE = "document_too_large"
    UNSUPPORTED_DOCUMENT = "unsupported_document"


@dataclass(frozen=True)
class NormalizedDocument:
    content: ContentFile
    kind: str  # "pdf" or "image"
    extension: str  # ".pdf", ".jpg", ".png" or ".webp"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


def _unsupported() -> ValidationError:
    return ValidationError(
        _("Upload a PDF file or a JPEG, PNG or WebP image."),
        code=DocumentErrorCode.UNSUPPORTED_DOCUMENT.value,
    )


def _too_large(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file is too large: it must be at most %(size)s MB.")
        % {"size": f"{max_bytes / (1024 * 1024):g}"},
        code=DocumentErrorCode.DOCUMENT_TOO_LARGE.value,
    )


def content_type_for(name: str) -> str:
    """The content type of a stored document, from the extension we gave it."""
    for extension, content_type in CONTENT_TYPES.items():
        if name.lower().endswith(extension):
            return content_type
    return "application/octet-stream"


def normalize_document(upload: IO[bytes]) -> NormalizedDocument:
    """Validate an uploaded document. Raises ``ValidationError`` with a ``DocumentErrorCode``
    value as its code (image problems keep the image's own message, e.g. too many pixels)."""
    max_bytes: int = getattr(settings, "DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    data = read_capped(
        upload, max_bytes, too_large=_too_large, empty_code=DocumentErrorCode.INVALID_DOCUMENT.value
    )
    if data.startswith(PDF_MAGIC):
        if PDF_EOF not in data[-PDF_TRAILER_WINDOW:]:
            raise ValidationError(
                _("The PDF file is incomplete or damaged."),
                code=DocumentErrorCode.INVALID_DOCUMENT.value,
            )
        return NormalizedDocument(
            content=ContentFile(_rewrite_pdf(data), name="document.pdf"), kind="pdf", extension=".pdf"
        )
    try:
        image = normalize_upload(ContentFile(data, name="document"))
    except ValidationError as exc:
        if exc.code == ImageErrorCode.UNSUPPORTED_IMAGE_FORMAT.value:
            raise _unsupported() from None
        if exc.code == ImageErrorCode.IMAGE_TOO_LARGE.value:
            raise ValidationError(
                exc.messages[0], code=DocumentErrorCode.DOCUMENT_TOO_LARGE.value
            ) from None
        raise ValidationError(
            _("Upload a PDF file or a JPEG, PNG or WebP image; this file could not be read."),
            code=DocumentErrorCode.INVALID_DOCUMENT.value,
        ) from None
    return NormalizedDocument(content=image.content, kind="image", extension=image.extension)


def _unreadable_pdf() -> ValidationError:
    return ValidationError(
        _("The PDF file could not be read (damaged, encrypted or not a PDF). Save it again as a PDF and upload that."),
        code=DocumentErrorCode.INVALID_DOCUMENT.value,
    )


def _clean_page(page: pikepdf.Dictionary) -> None:
    for key in list(page.keys()):
        if key not in PDF_KEPT_PAGE_KEYS:
            del page[key]
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        if annotations is not None:
            del page["/Annots"]
        return
    kept = pikepdf.Array()
    for annotation in annotations:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if annotation.get("/Subtype") in PDF_DROPPED_ANNOTATIONS:
            continue
        for key in PDF_DROPPED_ANNOTATION_KEYS:
            if key in annotation:
                del annotation[key]
        kept.append(annotation)
    page["/Annots"] = kept


def _rewrite_pdf(data: bytes) -> bytes:
    """The PDF rewritten without anything active: what a viewer shows stays (page content,
    fonts, images), what it runs or opens goes. Raises ``ValidationError`` if it does not parse."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if not 1 <= len(pdf.pages) <= PDF_MAX_PAGES:
                raise _unreadable_pdf()
            for page in pdf.pages:
                _clean_page(page.obj)
            with pikepdf.new() as fresh:
                # Copies the pages and what they reference, nothing else of the original.
                fresh.pages.extend(pdf.pages)
                out = io.BytesIO()
                fresh.save(out, fix_metadata_version=False, deterministic_id=True,
                           object_stream_mode=pikepdf.ObjectStreamMode.generate)
    except (pikepdf.PdfError, pikepdf.PikepdfError, ValueError, RuntimeError, TypeError, KeyError):
        raise _unreadable_pdf() from None
    return out.getvalue()

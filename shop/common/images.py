"""Untrusted image uploads: validate, strip metadata, re-encode; make thumbnails.

Every upload is decoded by Pillow and re-encoded from pixels, so what we store is never the
bytes the client sent. The rules:

- only JPEG, PNG and WebP, decided by the decoded format (never by the file name or the
  declared content type); Pillow is asked to try only those three parsers;
- the byte size is capped (``settings.IMAGE_MAX_BYTES``) before anything is decoded;
- the pixel count is capped (``settings.IMAGE_MAX_PIXELS``) from the header, before the
  pixels are decoded, and Pillow's ``DecompressionBombWarning`` is turned into an error;
- EXIF (GPS included), XMP, comments and text chunks are dropped; the EXIF orientation is
  applied to the pixels first; only the ICC colour profile and PNG transparency are kept;
- animated PNG/WebP: only the first frame is kept (a product photo is a still image, and
  refusing a phone's "live" WebP would only confuse the supplier).

``shop.common`` must not import the domain apps, so the error codes are defined here with
the same values as ``catalog.errors.CatalogErrorCode``.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError


class ImageErrorCode(StrEnum):
    INVALID_IMAGE = "invalid_image"
    IMAGE_TOO_LARGE = "image_too_large"
    UNSUPPORTED_IMAGE_FORMAT = "unsupported_image_format"


# Pillow format name -> (format we write, file extension). MPO is a multi-picture JPEG
# written by some cameras; its first picture is an ordinary JPEG.
_ACCEPTED: dict[str, tuple[str, str]] = {
    "JPEG": ("JPEG", ".jpg"),
    "MPO": ("JPEG", ".jpg"),
    "PNG": ("PNG", ".png"),
    "WEBP": ("WEBP", ".webp"),
}
_PARSERS = ("JPEG", "PNG", "WEBP")
_PNG_MODES = {"1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"}
_KEPT_INFO = ("icc_profile", "transparency")
# libwebp refuses larger sides; a thumbnail of a very tall image is capped to it.
WEBP_MAX_SIDE = 16383
JPEG_QUALITY = 85
WEBP_QUALITY = 85
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class NormalizedImage:
    content: ContentFile
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int
    extension: str  # ".jpg", ".png" or ".webp"


def _unsupported() -> ValidationError:
    return ValidationError(
        _("Upload a JPEG, PNG or WebP image."), code=ImageErrorCode.UNSUPPORTED_IMAGE_FORMAT.value
    )


def _invalid() -> ValidationError:
    return ValidationError(
        _("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
        code=ImageErrorCode.INVALID_IMAGE.value,
    )


def _too_many_bytes(max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The image is too large: it must be at most %(size)s MB.")
        % {"size": f"{max_bytes / (1024 * 1024):g}"},
        code=ImageErrorCode.IMAGE_TOO_LARGE.value,
    )


def _too_many_pixels(max_pixels: int) -> ValidationError:
    return ValidationError(
        _("The image is too large: it must be at most %(megapixels)s megapixels.")
        % {"megapixels": f"{max_pixels / 1_000_000:g}"},
        code=ImageErrorCode.IMAGE_TOO_LARGE.value,
    )


def read_capped(
    upload: IO[bytes], max_bytes: int, *,
    too_large: Callable[[int], ValidationError] = _too_many_bytes,
    empty_code: str = ImageErrorCode.INVALID_IMAGE.value,
) -> bytes:
    """The upload's bytes, refusing it from its declared size or after reading one byte too
    many (never more than ``max_bytes + 1`` bytes are read). Shared with documents."""
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > max_bytes:
        raise too_large(max_bytes)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data:
        raise ValidationError(_("The submitted file is empty."), code=empty_code)
    return data


def _webp_canvas_size(head: bytes) -> tuple[int, int] | None:
    """The canvas size a WebP header claims. Pillow's WebP reader allocates the canvas as
    soon as it opens the file (its own guard only errors at 2× its global limit), so the
    size is checked against our cap first."""
    if len(head) < 30 or head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        return None
    kind = head[12:16]
    if kind == b"VP8X":
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    if kind == b"VP8L" and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    if kind == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        return (
            int.from_bytes(head[26:28], "little") & 0x3FFF,
            int.from_bytes(head[28:30], "little") & 0x3FFF,
        )
    return None


def _open_checked(data: bytes, max_pixels: int) -> Image.Image:
    """Open lazily (header only) and refuse by format and pixel count before any decoding."""
    webp_size = _webp_canvas_size(data[:30])
    if webp_size and webp_size[0] * webp_size[1] > max_pixels:
        raise _too_many_pixels(max_pixels)
    try:
        img = Image.open(io.BytesIO(data), formats=_PARSERS)
    except UnidentifiedImageError:
        raise _unsupported() from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(max_pixels) from None
    except Exception:  # Pillow raises many types (SyntaxError, struct.error…) on broken headers
        raise _invalid() from None
    if img.format not in _ACCEPTED:
        raise _unsupported()
    width, height = img.size
    if width <= 0 or height <= 0:
        raise _invalid()
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    return img


def _decode(
    data: bytes, max_pixels: int, draft_width: int | None = None
) -> tuple[Image.Image, str]:
    """Decode the first frame of a checked image; returns the pixels and the source format.

    With ``draft_width``, a JPEG is decoded at the smallest DCT scale still at least twice
    that wide (as ``Image.thumbnail`` does), which saves memory for thumbnails.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        img = _open_checked(data, max_pixels)
        source_format = img.format or ""
        try:
            img.verify()  # structural checks (PNG CRCs…); the object is unusable afterwards
            img = _open_checked(data, max_pixels)
            img.seek(0)
            if draft_width and img.format in ("JPEG", "MPO") and img.width > 2 * draft_width:
                scale = 2 * draft_width / img.width
                img.draft(None, (2 * draft_width, max(1, round(img.height * scale))))
            img.load()
        except ValidationError:
            raise
        except Exception:
            raise _invalid() from None
    return img, source_format


def _clean_pixels(img: Image.Image) -> Image.Image:
    """Apply the EXIF orientation, then drop every piece of metadata but colour and alpha."""
    try:
        out = ImageOps.exif_transpose(img)
    except Exception:  # a broken EXIF block must not make a good picture unusable
        out = img.copy()
    out.info = {key: img.info[key] for key in _KEPT_INFO if key in img.info}
    return out


def _encode(img: Image.Image, target: str) -> bytes:
    icc = img.info.get("icc_profile")
    options: dict[str, Any] = {"icc_profile": icc} if icc else {}
    if target == "JPEG":
        if img.mode != "RGB":
            img = img.convert("RGB")
        options.update(quality=JPEG_QUALITY, optimize=True)
    elif target == "PNG":
        if img.mode not in _PNG_MODES:
            img = img.convert("RGBA" if img.has_transparency_data else "RGB")
        options.update(optimize=True)
    else:
        if img.mode not in ("RGB", "RGBA"):
            img = img.convert("RGBA" if img.has_transparency_data else "RGB")
        options.update(quality=WEBP_QUALITY, method=4)
    buf = io.BytesIO()
    img.save(buf, target, **options)
    return buf.getvalue()


def normalize_upload(upload: IO[bytes]) -> NormalizedImage:
    """Validate an uploaded image and return it re-encoded without metadata.

    Raises ``ValidationError`` with an ``ImageErrorCode`` value as its code.
    """
    max_bytes: int = settings.IMAGE_MAX_BYTES
    max_pixels: int = settings.IMAGE_MAX_PIXELS
    data = read_capped(upload, max_bytes)
    img, source_format = _decode(data, max_pixels)
    target, extension = _ACCEPTED[source_format]
    clean = _clean_pixels(img)
    try:
        encoded = _encode(clean, target)
    except (OSError, ValueError):
        raise _invalid() from None
    return NormalizedImage(
        content=ContentFile(encoded, name=f"image{extension}"),
        format=target,
        width=clean.width,
        height=clean.height,
        extension=extension,
    )


def make_thumbnail(source_file: IO[bytes], width: int) -> ContentFile:
    """A WebP at most ``width`` wide, same aspect ratio, never larger than the source.

    ``source_file`` is a file object (e.g. a ``FieldFile``) holding an image that went through
    ``normalize_upload``; anything Pillow cannot read raises ``ValidationError(invalid_image)``.
    """
    if hasattr(source_file, "seek"):
        source_file.seek(0)
    data = source_file.read()
    img, _source_format = _decode(data, settings.IMAGE_MAX_PIXELS, draft_width=width)
    img.thumbnail((width, WEBP_MAX_SIDE), Image.Resampling.LANCZOS)
    if img.mode not in ("RGB", "RGBA"):
        img = img.convert("RGBA" if img.has_transparency_data else "RGB")
    buf = io.BytesIO()
    img.save(buf, "WEBP", quality=THUMBNAIL_QUALITY, method=4)
    return ContentFile(buf.getvalue(), name=f"thumbnail-{width}.webp")

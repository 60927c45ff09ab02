"""The product image pipeline: upload validation and normalization, and thumbnails. The
image services and the thumbnail task are in ``test_image_services``."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import ExifTags, Image

from catalog.errors import CatalogErrorCode
from shop.common.images import ImageErrorCode, make_thumbnail, normalize_upload
from tests.catalog.image_files import BLUE, RED, decoded, image_bytes, upload


def refusal_code(file) -> str:
    with pytest.raises(ValidationError) as exc_info:
        normalize_upload(file)
    return exc_info.value.code


def png_chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` but carries no pixel data at all: decoding it
    fails, so refusing it as too large proves the refusal came before decoding."""

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IEND", b"")


def webp_header_only(width: int, height: int) -> bytes:
    """An extended-format WebP header claiming a ``width``×``height`` canvas, no frames."""
    vp8x = b"VP8X" + (10).to_bytes(4, "little") + bytes(4)
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + (4 + len(vp8x)).to_bytes(4, "little") + b"WEBP" + vp8x


def png_bomb(side: int = 30000) -> bytes:
    """A real, valid 1-bit PNG of side×side pixels (~100 KB on disk, ~900 MB decoded)."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()

    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


# --- normalize_upload ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "extension", "extra"),
    [
        ("JPEG", ".jpg", {"comment": b"shot at the co-op, GPS on"}),
        ("PNG", ".png", {"pnginfo": None}),
        ("WEBP", ".webp", {"xmp": b"<x:xmpmeta>secret</x:xmpmeta>"}),
    ],
)
def test_jpeg_png_and_webp_are_accepted_and_re_encoded_without_metadata(fmt, extension, extra):
    if fmt == "PNG":
        from PIL.PngImagePlugin import PngInfo

        extra = {"pnginfo": PngInfo()}
        extra["pnginfo"].add_text("Author", "Zhang San, 13800000000")
    original = image_bytes(fmt, size=(64, 48), **extra)

    result = normalize_upload(upload(original, name=f"x{extension}"))

    assert (result.format, result.extension, result.width, result.height) == (fmt, extension, 64, 48)
    out = decoded(result.content.read())
    assert out.format == fmt and out.size == (64, 48)
    assert not {"comment", "Author", "xmp", "XML:com.adobe.xmp", "exif"} & set(out.info)
    assert out.getpixel((10, 10))[:3] == pytest.approx(RED, abs=12)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF"])
def test_other_image_formats_are_refused(fmt):
    data = image_bytes(fmt, size=(20, 20))
    with translation.override("en"), pytest.raises(ValidationError) as exc_info:
        normalize_upload(upload(data, name="photo.jpg"))
    assert exc_info.value.code == CatalogErrorCode.UNSUPPORTED_IMAGE_FORMAT.value
    assert exc_info.value.messages == ["Upload a JPEG, PNG or WebP image."]


def test_an_html_file_named_jpg_is_refused():
    page = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
    assert refusal_code(upload(page, name="cute-goat.jpg")) == "unsupported_image_format"


def test_error_codes_match_the_catalog_codes():
    for code in ImageErrorCode:
        assert CatalogErrorCode(code.value)


def test_a_truncated_jpeg_is_an_invalid_image():
    data = image_bytes("JPEG", size=(200, 200))
    assert refusal_code(upload(data[: len(data) // 2])) == "invalid_image"
    assert refusal_code(upload(b"", name="empty.png")) == "invalid_image"


def test_a_file_over_the_byte_cap_is_refused_before_it_is_decoded(settings):
    settings.IMAGE_MAX_BYTES = 2000
    # Not an image at all: it is refused for its size, so it was never handed to a decoder.
    assert refusal_code(upload(b"\x00" * 2001)) == "image_too_large"
    # A real JPEG over the cap, with a lying declared size, is caught while reading.
    noisy = Image.effect_noise((200, 200), 80).convert("RGB")
    buf = io.BytesIO()
    noisy.save(buf, "JPEG", quality=95)
    liar = upload(buf.getvalue())
    liar.size = 100
    assert refusal_code(liar) == "image_too_large"


def test_a_decompression_bomb_is_refused():
    bomb = png_bomb()
    assert len(bomb) < 1024 * 1024
    assert refusal_code(upload(bomb, name="bomb.png")) == "image_too_large"


@pytest.mark.parametrize("side", [7000, 30000])
def test_huge_dimensions_are_refused_from_the_header_without_decoding(side):
    # 7000² = 49 Mpx is over our 40 Mpx cap but under Pillow's own bomb limit.
    assert refusal_code(upload(png_header_only(side, side), name="big.png")) == "image_too_large"
    assert refusal_code(upload(png_header_only(60, 60), name="ok.png")) == "invalid_image"


def test_a_huge_webp_canvas_is_refused_before_pillow_allocates_it():
    # 10000×9000 = 90 Mpx: over our cap, under Pillow's own error threshold for WebP.
    assert refusal_code(upload(webp_header_only(10000, 9000), name="big.webp")) == "image_too_large"
    assert refusal_code(upload(webp_header_only(60, 60), name="ok.webp")) == "invalid_image"


def test_the_pixel_cap_comes_from_settings(settings):
    settings.IMAGE_MAX_PIXELS = 100 * 100
    assert refusal_code(upload(image_bytes("PNG", size=(101, 100)))) == "image_too_large"
    assert normalize_upload(upload(image_bytes("PNG", size=(100, 100)))).width == 100


def test_exif_with_gps_is_stripped():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (24.0, 6.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (115.0, 15.0, 0.0),
    }
    original = image_bytes("JPEG", size=(40, 20), exif=exif)
    assert decoded(original).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture has GPS

    out = decoded(normalize_upload(upload(original)).content.read())

    assert "exif" not in out.info
    assert dict(out.getexif()) == {}
    assert out.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}


def test_exif_orientation_is_applied_to_the_pixels():
    img = Image.new("RGB", (40, 20), BLUE)
    img.paste(RED, (0, 0, 20, 20))  # left half red
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # display rotated 90° clockwise
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif, quality=95)

    result = normalize_upload(upload(buf.getvalue()))

    out = decoded(result.content.read())
    assert (result.width, result.height) == out.size == (20, 40)
    assert out.getpixel((10, 8)) == pytest.approx(RED, abs=30)  # the left side is now on top
    assert out.getpixel((10, 32)) == pytest.approx(BLUE, abs=30)
    assert ExifTags.Base.Orientation not in out.getexif()


def test_an_animated_webp_keeps_only_its_first_frame():
    frames = [Image.new("RGB", (30, 30), RED), Image.new("RGB", (30, 30), BLUE)]
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=100, lossless=True)
    assert Image.open(io.BytesIO(buf.getvalue())).n_frames == 2

    out = decoded(normalize_upload(upload(buf.getvalue(), name="a.webp")).content.read())

    assert getattr(out, "n_frames", 1) == 1
    assert out.getpixel((5, 5))[:3] == pytest.approx(RED, abs=12)


def test_png_transparency_survives():
    data = image_bytes("PNG", size=(30, 30), mode="RGBA", color=(0, 200, 0, 0))
    out = decoded(normalize_upload(upload(data, name="t.png")).content.read())
    assert out.mode == "RGBA" and out.getpixel((3, 3))[3] == 0


# --- make_thumbnail -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source_size", "expected"),
    [
        ((2000, 1000), {160: (160, 80), 480: (480, 240), 960: (960, 480)}),
        ((300, 200), {160: (160, 107), 480: (300, 200), 960: (300, 200)}),
    ],
)
def test_thumbnails_are_webp_keep_the_aspect_ratio_and_never_upscale(source_size, expected):
    source = io.BytesIO(image_bytes("JPEG", size=source_size))
    for width, size in expected.items():
        thumb = decoded(make_thumbnail(source, width).read())
        assert thumb.format == "WEBP"
        assert thumb.size == size

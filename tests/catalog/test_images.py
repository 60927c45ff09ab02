"""The product image pipeline: upload validation and normalization, thumbnails, the image
services and the thumbnail task (in-process and through a real Celery worker)."""

import io
import struct
import threading
import time
import uuid
import zlib

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from kombu import pools as kombu_pools
from PIL import ExifTags, Image

from catalog.errors import CatalogErrorCode
from catalog.models import ProductImage
from catalog.services.images import (
    product_image_add,
    product_image_delete,
    product_image_set_main,
    product_images_reorder,
)
from catalog.tasks import make_thumbnails
from shop.celery import app as celery_app
from shop.common.images import ImageErrorCode, make_thumbnail, normalize_upload
from tests.factories import ProductFactory

RED, BLUE = (220, 20, 20), (20, 20, 220)


def image_bytes(fmt: str, size=(40, 20), mode="RGB", color=RED, **save_kwargs) -> bytes:
    img = Image.new(mode, size, color if mode in ("RGB", "RGBA") else 0)
    buf = io.BytesIO()
    img.save(buf, fmt, **save_kwargs)
    return buf.getvalue()


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def decoded(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


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


# --- services and the task ----------------------------------------------------------------


@pytest.fixture
def product(regions):
    return ProductFactory()


def add(product, *, name="p.jpg", fmt="JPEG", size=(1200, 800), **kwargs) -> ProductImage:
    return product_image_add(
        product=product, upload=upload(image_bytes(fmt, size=size), name=name), **kwargs
    )


def stored(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def test_add_stores_the_normalized_file_under_a_random_name_and_makes_thumbnails(
    product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = add(product, name="../../我的照片.jpg", fmt="PNG", alt=" 龙川山茶油 ")

    image.refresh_from_db()
    assert image.image.name.startswith("products/") and image.image.name.endswith(".png")
    assert "我的照片" not in image.image.name and ".." not in image.image.name
    assert (image.width, image.height, image.alt, image.position) == (1200, 800, "龙川山茶油", 0)
    assert decoded(default_storage.open(image.image.name).read()).format == "PNG"
    assert sorted(image.thumbnails, key=int) == ["160", "480", "960"]
    for size, name in image.thumbnails.items():
        thumb = decoded(default_storage.open(name).read())
        assert thumb.format == "WEBP" and thumb.width == int(size)
    assert image.thumbnail_url(400).endswith(image.thumbnails["480"])


def test_add_appends_or_inserts_at_a_position(product):
    first, second = add(product), add(product)
    front = add(product, position=0)
    middle = add(product, position=2)
    order = list(product.images.values_list("id", "position"))
    assert order == [(front.id, 0), (first.id, 1), (middle.id, 2), (second.id, 3)]


def test_a_refused_upload_leaves_no_row_and_no_file(product, settings):
    with pytest.raises(ValidationError):
        add(product, fmt="GIF")
    with pytest.raises(ValidationError) as exc_info:
        add(product, alt="长" * 200)  # valid image, invalid alt text
    assert "alt" in exc_info.value.message_dict
    assert not product.images.exists()
    media = settings.MEDIA_ROOT / "products"
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_the_thumbnail_task_is_idempotent_and_ignores_missing_images(product, settings):
    image = add(product)  # on_commit does not fire inside the test transaction
    assert image.thumbnails == {}

    first = make_thumbnails.delay(image.id).get()
    second = make_thumbnails.delay(image.id).get()

    image.refresh_from_db()
    assert first == second == image.thumbnails
    assert all(stored(name) for name in image.thumbnails.values())
    thumbs = sorted(p.name for p in (settings.MEDIA_ROOT / "products" / "thumbs").iterdir())
    assert len(thumbs) == 3  # overwritten in place, no "_a1b2c3" copies
    assert make_thumbnails.delay(999_999).get() is None


def test_delete_removes_the_files_after_commit_and_closes_the_gap(
    product, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a, b, c = add(product), add(product), add(product)
    b.refresh_from_db()
    files = [b.image.name, *b.thumbnails.values()]
    assert len(files) == 4 and all(stored(n) for n in files)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image=b)

    assert not any(stored(n) for n in files)
    assert list(product.images.values_list("id", "position")) == [(a.id, 0), (c.id, 1)]
    assert stored(a.image.name) and stored(c.image.name)
    product_image_delete(image=b)  # deleting twice is harmless


def test_reorder_sets_the_given_order_and_rejects_anything_but_the_exact_ids(product):
    a, b, c = add(product), add(product), add(product)
    foreign = add(ProductFactory())

    result = product_images_reorder(product=product, image_ids=[c.id, a.id, b.id])

    assert [img.id for img in result] == [c.id, a.id, b.id]
    assert list(product.images.values_list("id", flat=True)) == [c.id, a.id, b.id]
    for bad in ([c.id, a.id], [c.id, a.id, b.id, foreign.id], [c.id, a.id, foreign.id],
                [c.id, a.id, a.id], [c.id, a.id, "x"]):
        with pytest.raises(ValidationError) as exc_info:
            product_images_reorder(product=product, image_ids=bad)
        assert "image_ids" in exc_info.value.message_dict
    assert list(product.images.values_list("id", flat=True)) == [c.id, a.id, b.id]
    assert list(foreign.product.images.values_list("position", flat=True)) == [0]


def test_set_main_moves_the_image_first_and_keeps_the_others_in_order(product):
    a, b, c = add(product), add(product), add(product)

    main = product_image_set_main(image=c)

    assert main.position == 0
    assert list(product.images.values_list("id", "position")) == [(c.id, 0), (a.id, 1), (b.id, 2)]
    b.delete()
    with pytest.raises(ValidationError) as exc_info:
        product_image_set_main(image=b)
    assert exc_info.value.code == CatalogErrorCode.NOT_FOUND.value


# --- a real worker ------------------------------------------------------------------------


def _forget_broker_connections() -> None:
    """Drop the app's cached connection and producer pools (as Celery does after a fork):
    eager calls already built them for the previous broker URL."""
    celery_app.pool.force_close_all()
    kombu_pools.reset()  # kombu's global pools, keyed by URL, would hand the closed pool back
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def real_worker(settings):
    """An in-process Celery worker on the configured broker (Redis in CI) or ``memory://``.

    On Redis every key gets a prefix of its own, so that a worker of another test run sharing
    the same Redis database cannot take this test's task (nor this worker take theirs).
    Yields an event set when ``make_thumbnails`` has run.
    """
    conf = celery_app.conf
    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    previous = {key: conf[key] for key in keys}
    conf.task_always_eager = False
    prefix = f"test-images-{uuid.uuid4().hex[:12]}:"
    if settings.CELERY_BROKER_URL:
        conf.broker_transport_options = {**previous["broker_transport_options"], "global_keyprefix": prefix}
    else:
        conf.broker_url = "memory://"
    _forget_broker_connections()
    done = threading.Event()

    def on_postrun(sender=None, **kwargs):
        if sender is not None and sender.name == make_thumbnails.name:
            done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(celery_app, perform_ping_check=False):
            yield done
    finally:
        task_postrun.disconnect(on_postrun)
        conf.update(previous)
        _forget_broker_connections()
        if settings.CELERY_BROKER_URL.startswith("redis"):
            import redis

            client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
            for key in client.scan_iter(match=f"{prefix}*"):
                client.delete(key)


def test_thumbnails_are_made_by_a_real_worker_after_commit(transactional_db, regions, real_worker):
    product = ProductFactory()

    image = add(product, size=(1000, 500))  # commits; on_commit sends the task to the broker

    assert real_worker.wait(timeout=60), "the worker did not run make_thumbnails in time"
    for _attempt in range(50):  # bounded: the row is saved before task_postrun fires
        image.refresh_from_db()
        if image.thumbnails:
            break
        time.sleep(0.1)
    assert sorted(image.thumbnails, key=int) == ["160", "480", "960"]
    assert decoded(default_storage.open(image.thumbnails["960"]).read()).size == (960, 480)

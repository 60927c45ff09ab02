"""Real image files for the image tests, made in memory with Pillow."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

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

"""QR codes for trace pages, rendered as SVG by the ``qrcode`` package and cached."""

import hashlib

import qrcode
import qrcode.constants
import qrcode.image.svg
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

QR_CACHE_SECONDS = 24 * 60 * 60


def trace_url(*, request: HttpRequest, slug: str) -> str:
    """The absolute address printed on packaging: SITE_URL when configured, else this host."""
    path = reverse("frontend:trace", kwargs={"slug": slug})
    site = (getattr(settings, "SITE_URL", "") or "").rstrip("/")
    return f"{site}{path}" if site else request.build_absolute_uri(path)


def qr_etag(url: str) -> str:
    return '"' + hashlib.sha256(f"qr-v1:{url}".encode()).hexdigest()[:32] + '"'


def qr_svg(url: str) -> str:
    """An SVG QR code (white background, 4-module quiet zone) that encodes ``url``."""
    key = "frontend:qr:" + qr_etag(url).strip('"')
    svg = cache.get(key)
    if svg is None:
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M,
            border=4,
            image_factory=qrcode.image.svg.SvgPathFillImage,
        )
        code.add_data(url)
        code.make(fit=True)
        svg = code.make_image().to_string(encoding="unicode")
        cache.set(key, svg, QR_CACHE_SECONDS)
    return svg

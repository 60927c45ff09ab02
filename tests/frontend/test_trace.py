"""The trace page (溯源) and its QR code."""

import re

import pytest
import qrcode
import qrcode.constants

from catalog.services.review import product_unpublish

pytestmark = pytest.mark.django_db

TRACE_URL = "https://shop.example.cn/trace/longchuan-camellia-oil/"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://shop.example.cn"


def modules_from_svg(svg: str) -> set[tuple[int, int]]:
    """The dark modules of a qrcode path SVG: each is drawn as ``Mx,yHx+1Vy+1Hxz``."""
    path = re.search(r'<path d="([^"]+)"', svg).group(1)
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)H", path)}


def modules_for(url: str) -> set[tuple[int, int]]:
    """The dark modules of the QR code of ``url``, offset by the 4-module quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(url)
    code.make(fit=True)
    return {(x + 4, y + 4) for y, row in enumerate(code.get_matrix()) for x, dark in enumerate(row) if dark}


def test_trace_page_shows_provenance_and_the_qr_code(client, products):
    response = client.get("/trace/longchuan-camellia-oil/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "龙川山茶油" in body and "龙川县" in body and "义都镇" in body
    assert "龙川县义都镇山茶油专业合作社" in body and "阴凉干燥处" in body
    assert TRACE_URL in body
    assert "<svg" in body and 'class="qr" role="img"' in body
    assert 'href="/trace/longchuan-camellia-oil/qr.svg"' in body
    assert 'media="print"' in body  # the label's print stylesheet


def test_inline_qr_encodes_the_absolute_trace_url(client, products):
    body = client.get("/trace/longchuan-camellia-oil/").content.decode()
    svg = re.search(r'<div class="qr"[^>]*>(<svg.*?</svg>)', body, re.S).group(1)
    assert modules_from_svg(svg) == modules_for(TRACE_URL)


def test_qr_svg_endpoint_encodes_the_url_and_is_cacheable(client, products):
    response = client.get("/trace/longchuan-camellia-oil/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "max-age=" in response["Cache-Control"] and "public" in response["Cache-Control"]
    etag = response["ETag"]
    assert modules_from_svg(response.content.decode()) == modules_for(TRACE_URL)

    again = client.get("/trace/longchuan-camellia-oil/qr.svg", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


def test_qr_follows_site_url(client, products, settings):
    settings.SITE_URL = "https://other.example.org/"
    svg = client.get("/trace/longchuan-camellia-oil/qr.svg").content.decode()
    assert modules_from_svg(svg) == modules_for("https://other.example.org/trace/longchuan-camellia-oil/")


def test_qr_without_site_url_uses_the_request_host(client, products, settings):
    settings.SITE_URL = ""
    body = client.get("/trace/longchuan-camellia-oil/").content.decode()
    assert "http://testserver/trace/longchuan-camellia-oil/" in body


def test_hidden_product_has_no_qr(client, products, suppliers):
    product_unpublish(product=products["oil"])
    assert client.get("/trace/longchuan-camellia-oil/qr.svg").status_code == 404


def test_qr_endpoint_rejects_writes(client, products):
    assert client.post("/trace/longchuan-camellia-oil/qr.svg").status_code == 405

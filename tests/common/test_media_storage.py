"""Media on an S3-compatible store (moto's server on 127.0.0.1, the way Stripe is tested
against localstripe) and on the filesystem: public photos answer with their type and long
cache headers; private documents are signed and short-lived, or served after a permission check."""

from __future__ import annotations

import re
import socket
import urllib.error
import urllib.request
from email.message import Message

import boto3
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from catalog.services.images import product_image_add
from tests.catalog.test_images import image_bytes
from tests.factories import ProductFactory, SupplierFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("regions")]
BUCKET = "shop-media"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test",
        region_name="us-east-1",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_media(settings, s3_endpoint):
    """The settings MEDIA_STORAGE=s3 produces (see shop/settings/media.py), on the local server."""
    common = {
        "bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": "us-east-1",
        "access_key": "test", "secret_key": "test", "file_overwrite": False,
        "signature_version": "s3v4",
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            **common, "location": "public", "querystring_auth": False, "default_acl": "public-read",
            "object_parameters": {"CacheControl": settings.MEDIA_CACHE_CONTROL},
        }},
        "private": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            **common, "location": "private", "querystring_auth": True, "default_acl": "private",
            "querystring_expire": settings.PRIVATE_URL_SECONDS,
        }},
    }
    return s3_endpoint


def _get(url: str) -> tuple[int, Message, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, b""


def test_a_product_photo_and_its_thumbnails_load_from_the_bucket(s3_media, django_capture_on_commit_callbacks):
    product = ProductFactory()
    upload = SimpleUploadedFile("photo.jpg", image_bytes("JPEG", size=(1200, 800)), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(product=product, upload=upload)  # thumbnails by the (eager) task
    image.refresh_from_db()
    assert sorted(image.thumbnails, key=int) == ["160", "480", "960"]

    page = Client().get(reverse("frontend:product", args=[product.slug])).content.decode()
    urls = set(re.findall(rf"{re.escape(s3_media)}/{BUCKET}/public/[^\s\"']+", page))
    assert len(urls) >= 2, page  # the original and at least one thumbnail from srcset
    for url in urls:
        status, headers, body = _get(url)
        assert status == 200, url
        assert headers["Content-Type"] in ("image/webp", "image/jpeg"), url
        assert "max-age=31536000" in headers["Cache-Control"]
        assert body[:4] in (b"RIFF", b"\xff\xd8\xff\xe0", b"\xff\xd8\xff\xe1", b"\xff\xd8\xff\xdb")


def test_a_supplier_document_in_the_bucket_is_private_and_signed(s3_media):
    supplier = SupplierFactory()
    supplier.license_document.save("licence-token.pdf", ContentFile(PDF), save=True)
    signed = supplier.license_document.url
    assert "X-Amz-Signature=" in signed and "X-Amz-Expires=300" in signed
    assert "/private/" in signed
    assert _get(signed)[0] == 200
    assert _get(signed.split("?", 1)[0])[0] == 403  # the bare address is not public

    staff = UserFactory(is_staff=True)
    client = Client()
    assert client.get(reverse("frontend:onboarding:supplier_licence", args=[supplier.pk])).status_code == 302
    client.force_login(staff)
    response = client.get(reverse("frontend:onboarding:supplier_licence", args=[supplier.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"


def test_on_the_filesystem_private_files_are_outside_the_public_media_and_their_links_expire(settings):
    from pathlib import Path

    from django.core import signing

    supplier = SupplierFactory()
    supplier.license_document.save("licence-token.pdf", ContentFile(PDF), save=True)
    stored = Path(supplier.license_document.path)
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT).resolve())

    client = Client()
    response = client.get(supplier.license_document.url)  # a signed link, as the admin shows it
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    forged = reverse("private_file", args=[signing.dumps(supplier.license_document.name, salt="other")])
    assert client.get(forged).status_code == 404
    settings.PRIVATE_URL_SECONDS = -1  # every link is already expired
    assert client.get(supplier.license_document.url).status_code == 404

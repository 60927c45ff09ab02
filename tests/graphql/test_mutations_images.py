"""Photos over the API: `productImageUpload` takes several files by the GraphQL multipart
request spec; reorder, main photo and delete. Anything but a sound JPEG/PNG/WebP within the
limits is refused with a field error and leaves no row and no file behind; a malformed
multipart request is a 4xx, never a 5xx."""

import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import ProductImage
from shop.common.audit import audit_events_for
from tests.graphql.api_world import (
    client_for,
    codes,
    database_snapshot,
    gid,
    payload,
    post,
    post_multipart,
)
from tests.world import build_api_world, png_bytes, png_upload

pytestmark = pytest.mark.django_db

UPLOAD = """mutation($p: ID!, $images: [Upload!]!) { productImageUpload(productId: $p, images: $images) {
  images { id position isMain width height url } product { images { id position } }
  errors { field code message } } }"""
REORDER = """mutation($p: ID!, $ids: [ID!]!) { productImageReorder(productId: $p, imageIds: $ids) {
  product { images { id position isMain } } errors { field code message } } }"""
SET_MAIN = "mutation($id: ID!) { productImageSetMain(id: $id) { image { id isMain } product { images { id } } errors { field code } } }"
DELETE = "mutation($id: ID!) { productImageDelete(id: $id) { deletedId product { images { id position } } errors { field code } } }"


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(side: int = 30000) -> bytes:
    """A valid 1-bit PNG of side×side pixels: about 100 KB sent, 900 MB once decoded."""
    row = b"\x00" * (1 + (side + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")


@pytest.fixture
def world(regions):
    return build_api_world()


@pytest.fixture
def owner(world):
    return client_for(world.owner)


def upload(client, world, files: list, **kwargs):
    variables = {"p": gid("Product", world.product), "images": [None] * len(files)}
    return post_multipart(client, UPLOAD, variables, {f"variables.images.{i}": f for i, f in enumerate(files)}, **kwargs)


def test_several_photos_at_once(world, owner):
    result = payload(upload(owner, world, [png_upload("a.png", size=(300, 200)), png_upload("b.png")]), "productImageUpload")
    assert result["errors"] == []
    assert [(i["position"], i["isMain"], i["width"], i["height"]) for i in result["images"]] == [
        (2, False, 300, 200), (3, False, 64, 48),
    ]
    assert [i["position"] for i in result["product"]["images"]] == [0, 1, 2, 3]
    assert all(i["url"].startswith("http://testserver/") for i in result["images"])
    stored = ProductImage.objects.filter(product=world.product).order_by("position")[2]
    assert stored.image.name.endswith(".png")
    assert stored.image.name.rsplit("/", 1)[-1] != "a.png"  # stored under a random name
    assert [e.action for e in audit_events_for(world.product)].count("image.add") == 4  # 2 at set-up + 2


def html_named_jpg() -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")


@pytest.mark.parametrize(
    "bad, code",
    [
        (lambda: SimpleUploadedFile("notes.txt", b"just some text", content_type="text/plain"), "UNSUPPORTED_IMAGE_FORMAT"),
        (html_named_jpg, "UNSUPPORTED_IMAGE_FORMAT"),
        (lambda: SimpleUploadedFile("empty.png", b"", content_type="image/png"), "INVALID_IMAGE"),
        (lambda: SimpleUploadedFile("cut.png", png_bytes()[:60], content_type="image/png"), "INVALID_IMAGE"),
        (lambda: SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png"), "IMAGE_TOO_LARGE"),
        (lambda: SimpleUploadedFile("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"), "UNSUPPORTED_IMAGE_FORMAT"),
    ],
    ids=["text", "html-named-jpg", "empty", "truncated", "decompression-bomb", "gif"],
)
def test_a_bad_file_refuses_the_whole_batch(world, owner, bad, code):
    before = database_snapshot()
    result = upload(owner, world, [png_upload("good.png"), bad()])
    assert codes(result, "productImageUpload") == [("images.1", code)]
    assert payload(result, "productImageUpload")["errors"][0]["message"]
    assert database_snapshot() == before  # no row, no file: the good photo is not kept either


def test_an_oversized_file_is_refused(world, owner, settings):
    settings.IMAGE_MAX_BYTES = 10_000
    before = database_snapshot()
    big = SimpleUploadedFile("big.png", png_bytes(size=(400, 400)) + b"\x00" * 20_000, content_type="image/png")
    result = upload(owner, world, [big])
    assert codes(result, "productImageUpload") == [("images.0", "IMAGE_TOO_LARGE")]
    assert database_snapshot() == before


def test_too_many_photos(world, owner, settings):
    settings.PRODUCT_MAX_IMAGES = 3
    before = database_snapshot()
    assert codes(upload(owner, world, [png_upload(), png_upload()]), "productImageUpload") == [(None, "TOO_MANY_IMAGES")]
    assert codes(upload(owner, world, [png_upload()] * 4), "productImageUpload") == [("images", "TOO_MANY_IMAGES")]
    assert database_snapshot() == before


def test_at_least_one_photo(world, owner):
    result = post(owner, UPLOAD, {"p": gid("Product", world.product), "images": []})
    assert codes(result, "productImageUpload") == [("images", "REQUIRED")]


def test_a_request_over_the_upload_cap_is_413(world, owner, settings):
    settings.GRAPHQL_MAX_UPLOAD_BYTES = 2_000
    before = database_snapshot()
    big = SimpleUploadedFile("big.png", png_bytes() + bytes(5_000), content_type="image/png")
    result = upload(owner, world, [big, png_upload()], status=413)
    assert result["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert database_snapshot() == before


def operations(world) -> str:
    return json.dumps({"query": UPLOAD, "variables": {"p": gid("Product", world.product), "images": [None]}})


@pytest.mark.parametrize(
    "build",
    [
        lambda w: {"0": png_upload()},  # no operations, no map
        lambda w: {"operations": operations(w), "0": png_upload()},  # no map
        lambda w: {"operations": "{not json", "map": '{"0": ["variables.images.0"]}', "0": png_upload()},
        lambda w: {"operations": "[]", "map": "{}", "0": png_upload()},  # batching is off
        lambda w: {"operations": operations(w), "map": "[1]", "0": png_upload()},
        lambda w: {"operations": operations(w), "map": '{"0": "variables.images.0"}', "0": png_upload()},
        lambda w: {"operations": operations(w), "map": '{"0": ["variables.images.0"]}'},  # the file is missing
        lambda w: {"operations": operations(w), "map": '{"0": ["variables.p"]}', "0": png_upload()},  # not null
        lambda w: {"operations": operations(w), "map": '{"0": ["variables.images.5"]}', "0": png_upload()},
        lambda w: {"operations": operations(w), "map": '{"0": ["query"]}', "0": png_upload()},
        lambda w: {"operations": operations(w), "map": '{"0": [["variables", "images"]]}', "0": png_upload()},
        lambda w: {"operations": json.dumps({"query": UPLOAD}), "map": '{"0": ["variables.images.0"]}', "0": png_upload()},
        lambda w: {"operations": operations(w), "map": '{"0": ["variables.images.0"]}', "0": "not a file"},
    ],
)
def test_malformed_multipart_requests_are_client_errors(world, owner, build):
    before = database_snapshot()
    response = owner.post("/graphql/", data=build(world))
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["errors"][0]["message"]
    assert database_snapshot() == before


def test_an_upload_variable_cannot_be_sent_as_json(world, owner):
    result = post(owner, UPLOAD, {"p": gid("Product", world.product), "images": ["aGVsbG8="]}, status=400)
    assert "multipart" in result["errors"][0]["message"]


def test_a_huge_operations_part_is_413(world, owner, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 500
    data = {"operations": json.dumps({"query": UPLOAD + " " * 600, "variables": {"p": "x", "images": [None]}}),
            "map": '{"0": ["variables.images.0"]}', "0": png_upload()}
    assert owner.post("/graphql/", data=data).status_code == 413


def test_reorder_set_main_and_delete(world, owner):
    first, second = (gid("ProductImage", image) for image in world.images())
    reordered = payload(post(owner, REORDER, {"p": gid("Product", world.product), "ids": [second, first]}), "productImageReorder")
    assert reordered["product"]["images"] == [
        {"id": second, "position": 0, "isMain": True}, {"id": first, "position": 1, "isMain": False},
    ]
    main = payload(post(owner, SET_MAIN, {"id": first}), "productImageSetMain")
    assert main["image"] == {"id": first, "isMain": True} and main["product"]["images"] == [{"id": first}, {"id": second}]
    deleted = payload(post(owner, DELETE, {"id": first}), "productImageDelete")
    assert deleted == {"deletedId": first, "product": {"images": [{"id": second, "position": 0}]}, "errors": []}
    actions = [e.action for e in audit_events_for(world.product)]
    assert {"image.reorder", "image.delete"} <= set(actions)


def test_reorder_needs_exactly_the_products_photos(world, owner):
    first, second = (gid("ProductImage", image) for image in world.images())
    their = gid("ProductImage", world.images(world.their_product)[0])
    before = database_snapshot()
    for ids in ([first], [first, first, second], [first, second, their]):
        result = post(owner, REORDER, {"p": gid("Product", world.product), "ids": ids})
        assert codes(result, "productImageReorder") == [("imageIds", "INVALID")]
    assert database_snapshot() == before


def test_another_suppliers_photo_is_not_found(world, owner):
    their = gid("ProductImage", world.images(world.their_product)[0])
    before = database_snapshot()
    assert codes(post(owner, DELETE, {"id": their}), "productImageDelete") == [("id", "NOT_FOUND")]
    assert codes(post(owner, SET_MAIN, {"id": their}), "productImageSetMain") == [("id", "NOT_FOUND")]
    assert database_snapshot() == before

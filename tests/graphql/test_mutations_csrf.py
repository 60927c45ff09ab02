"""The API is authenticated by the session cookie, so a logged-in visitor's requests must pass
Django's CSRF check: a page on another site cannot run mutations as the visitor. Anonymous
requests (which have no privileges) need no token."""

import json
from urllib.parse import urlencode

import pytest

from catalog.models import Product, ProductImage
from tests.graphql.api_world import client_for, database_snapshot, gid
from tests.world import build_api_world, png_upload

pytestmark = pytest.mark.django_db

RENAME = "mutation($id: ID!) { productUpdate(id: $id, input: {name: \"被改名\"}) { product { name } errors { code } } }"
TOKEN = "a" * 32  # a CSRF secret, as the csrftoken cookie holds it


def csrf_client(user=None):
    return client_for(user, enforce_csrf_checks=True)


def post(client, body, **extra):
    return client.post("/graphql/", data=json.dumps(body), content_type="application/json", **extra)


def test_a_logged_in_request_without_the_token_is_refused_and_changes_nothing(regions):
    world = build_api_world()
    client = csrf_client(world.owner)
    before = database_snapshot()
    response = post(client, {"query": RENAME, "variables": {"id": gid("Product", world.product)}})
    assert response.status_code == 403
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "CSRF_FAILED" and "X-CSRFToken" in error["message"]
    assert database_snapshot() == before


def test_a_wrong_token_is_refused(regions):
    world = build_api_world()
    client = csrf_client(world.owner)
    client.cookies["csrftoken"] = TOKEN
    response = post(client, {"query": RENAME, "variables": {"id": gid("Product", world.product)}},
                    HTTP_X_CSRFTOKEN="b" * 32)
    assert response.status_code == 403
    assert Product.objects.get(pk=world.product.pk).name == "龙川山茶油"


def test_the_token_from_the_cookie_in_the_header_passes(regions):
    world = build_api_world()
    client = csrf_client(world.owner)
    client.cookies["csrftoken"] = TOKEN
    response = post(client, {"query": RENAME, "variables": {"id": gid("Product", world.product)}},
                    HTTP_X_CSRFTOKEN=TOKEN)
    assert response.status_code == 200
    assert response.json()["data"]["productUpdate"] == {"product": {"name": "被改名"}, "errors": []}


def test_the_api_hands_out_the_csrf_cookie(regions):
    client = csrf_client()
    response = post(client, {"query": "{ categories { slug } }"})
    assert response.status_code == 200
    assert response.cookies["csrftoken"].value


def test_a_cross_site_form_post_as_the_visitor_is_refused(regions):
    """What a hostile page can send without CORS: a urlencoded or multipart form."""
    world = build_api_world()
    client = csrf_client(world.owner)
    before = database_snapshot()
    mutation = f'mutation {{ productUpdate(id: "{gid("Product", world.product)}", input: {{name: "被改名"}}) {{ errors {{ code }} }} }}'
    form = urlencode({"query": mutation})
    for sender in (client, client_for(world.owner)):  # refused whether CSRF is checked or not
        refused = sender.post("/graphql/", data=form, content_type="application/x-www-form-urlencoded",
                              HTTP_ORIGIN="https://evil.example")
        assert refused.status_code == 415
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    operations = {
        "query": "mutation($p: ID!, $images: [Upload!]!) { productImageUpload(productId: $p, images: $images) { errors { code } } }",
        "variables": {"p": gid("Product", world.product), "images": [None]},
    }

    def multipart_form() -> dict:
        return {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.images.0"]}), "0": png_upload()}

    multipart = client.post("/graphql/", data=multipart_form())
    assert multipart.status_code == 403
    assert database_snapshot() == before
    # Without the check the same multipart form would have worked: it is what stops it.
    unchecked = client_for(world.owner).post("/graphql/", data=multipart_form())
    assert unchecked.json()["data"]["productImageUpload"]["errors"] == []
    assert ProductImage.objects.count() == len(before["ProductImage"]) + 1


def test_anonymous_requests_need_no_token(regions):
    world = build_api_world()
    client = csrf_client()
    response = post(client, {"query": RENAME, "variables": {"id": gid("Product", world.product)}})
    assert response.status_code == 200  # the mutation itself refuses: nobody is logged in
    assert response.json()["data"]["productUpdate"]["errors"] == [{"code": "PERMISSION_DENIED"}]
    query = post(client, {"query": "{ categories { slug } }"})
    assert query.status_code == 200 and query.json()["data"]["categories"]


def test_logged_in_reads_need_the_token_too(regions):
    """Queries are POST only, so a logged-in read is checked like a mutation."""
    world = build_api_world()
    client = csrf_client(world.owner)
    assert client.get("/graphql/", {"query": "{ me { email } }"}).status_code == 405
    assert post(client, {"query": "{ me { email } }"}).status_code == 403
    client.cookies["csrftoken"] = TOKEN
    response = post(client, {"query": "{ me { email } }"}, HTTP_X_CSRFTOKEN=TOKEN)
    assert response.status_code == 200
    assert response.json()["data"]["me"] == {"email": "owner@example.com"}

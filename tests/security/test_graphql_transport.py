"""Transport: queries only as a JSON POST (file uploads as a GraphQL multipart request);
other methods are 405 and other content types 415, each with a GraphQL error body.
GraphiQL, introspection and "Did you mean …?" suggestions only in DEBUG (or when
GRAPHQL_INTROSPECTION says so)."""

import json
from urllib.parse import urlencode

import pytest
from graphql import get_introspection_query

from catalog.models import ProductImage
from tests.graphql.api_world import client_for, gid
from tests.security.graphql_client import error_codes, post_query
from tests.world import build_api_world, png_upload
from tests.world_catalog import build_catalog_world

pytestmark = pytest.mark.django_db

QUERY = "{ categories { slug } }"
TOKEN = "c" * 32  # a CSRF secret, as the csrftoken cookie holds it


@pytest.fixture
def catalog(regions):
    return build_catalog_world()


def assert_graphql_error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["message"] and error["extensions"]["code"] == code


@pytest.mark.parametrize("debug", [False, True])
def test_get_queries_are_405(catalog, client, settings, debug):
    settings.DEBUG = debug
    response = client.get("/graphql/", {"query": QUERY})
    assert_graphql_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response["Allow"] == "POST"
    assert_graphql_error(client.get("/graphql/", {"query": "mutation { x }"}), 405, "METHOD_NOT_ALLOWED")


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_other_methods_are_405(client, method):
    response = getattr(client, method)("/graphql/", data=json.dumps({"query": QUERY}), content_type="application/json")
    assert_graphql_error(response, 405, "METHOD_NOT_ALLOWED")
    assert client.head("/graphql/").status_code == 405


@pytest.mark.parametrize("content_type, body", [
    ("application/x-www-form-urlencoded", urlencode({"query": QUERY})),
    ("application/graphql", QUERY),
    ("text/plain", json.dumps({"query": QUERY})),
    ("text/xml", "<query/>"),
    ("application/json-patch+json", json.dumps({"query": QUERY})),
    ("", json.dumps({"query": QUERY})),
])
def test_other_content_types_are_415(catalog, client, content_type, body):
    response = client.post("/graphql/", data=body, content_type=content_type)
    assert_graphql_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert "application/json" in response["Accept-Post"]


def test_a_urlencoded_form_of_an_anonymous_visitor_gets_no_data(catalog, client):
    query = "{ products { totalCount } }"
    form = client.post("/graphql/", data=urlencode({"query": query}),
                       content_type="application/x-www-form-urlencoded", HTTP_ORIGIN="https://evil.example")
    assert form.status_code == 415 and "data" not in form.json()
    assert post_query(client, query).json()["data"]["products"]["totalCount"] == 4


def test_json_with_a_charset_is_accepted(catalog, client):
    response = client.post("/graphql/", data=json.dumps({"query": QUERY}),
                           content_type="application/json; charset=utf-8")
    assert response.status_code == 200 and response.json()["data"]["categories"]


def test_multipart_upload_still_works_for_a_logged_in_supplier_with_the_token(regions):
    world = build_api_world()
    client = client_for(world.owner, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = TOKEN
    operations = {
        "query": "mutation($p: ID!, $images: [Upload!]!) { productImageUpload(productId: $p, images: $images) "
                 "{ images { position } errors { field code } } }",
        "variables": {"p": gid("Product", world.product), "images": [None]},
    }
    before = ProductImage.objects.count()
    response = client.post("/graphql/", data={
        "operations": json.dumps(operations), "map": json.dumps({"0": ["variables.images.0"]}), "0": png_upload(),
    }, HTTP_X_CSRFTOKEN=TOKEN)
    assert response.status_code == 200, response.content
    assert response.json()["data"]["productImageUpload"]["errors"] == []
    assert ProductImage.objects.count() == before + 1


def test_graphiql_only_in_debug(client, settings):
    settings.DEBUG = False
    assert_graphql_error(client.get("/graphql/", HTTP_ACCEPT="text/html"), 405, "METHOD_NOT_ALLOWED")
    settings.DEBUG = True
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"graphiql" in page.content.lower()


INTROSPECTIONS = [
    get_introspection_query(descriptions=True),
    '{ __type(name: "Mutation") { fields { name } } }',
    "{ ...T } fragment T on Query { __schema { types { name } } }",
    "{ categories { slug } ... on Query { __type(name: \"Query\") { name } } }",
]


@pytest.mark.parametrize("query", INTROSPECTIONS, ids=["full", "type", "in-fragment", "inline"])
def test_introspection_is_off_in_production(catalog, client, settings, query):
    settings.DEBUG = False
    response = post_query(client, query)
    assert response.status_code == 400
    assert set(error_codes(response)) == {"INTROSPECTION_DISABLED"}
    assert "schema.graphql" in response.json()["errors"][0]["message"]
    assert "__schema" not in json.dumps(response.json().get("data"))


def test_typename_stays_available(catalog, client, settings):
    settings.DEBUG = False
    result = post_query(client, "{ __typename categories { __typename slug } }").json()
    assert result["data"]["__typename"] == "Query" and result["data"]["categories"][0]["__typename"] == "Category"


@pytest.mark.parametrize("debug, setting, allowed", [
    (True, None, True), (False, None, False), (False, True, True), (True, False, False),
])
def test_introspection_follows_debug_unless_the_setting_says(catalog, client, settings, debug, setting, allowed):
    settings.DEBUG, settings.GRAPHQL_INTROSPECTION = debug, setting
    response = post_query(client, get_introspection_query())
    if allowed:
        assert response.status_code == 200 and response.json()["data"]["__schema"]["mutationType"]["name"] == "Mutation"
    else:
        assert response.status_code == 400 and "data" not in response.json()


SUGGESTED = [
    ("{ produts { totalCount } }", None, "products"),
    ("{ products(frist: 1) { totalCount } }", None, "first"),
    ("{ products { edges { node { nam } } } }", None, "name"),
    ("{ products(sortBy: PRICE_AS) { totalCount } }", None, "PRICE_ASC"),
    ("query($f: ProductFilterInpt) { products(filter: $f) { totalCount } }", None, "ProductFilterInput"),
    ("query($f: ProductFilterInput) { products(filter: $f) { totalCount } }", {"f": {"serch": "羊"}}, "search"),
    ('{ products(filter: {serch: "羊"}) { totalCount } }', None, "search"),
    ('mutation { productCreat(input: {}) { errors { code } } }', None, "productCreate"),
]


@pytest.mark.parametrize("query, variables, hint", SUGGESTED, ids=[s[2] for s in SUGGESTED])
def test_no_suggestions_in_production(catalog, client, settings, query, variables, hint):
    settings.DEBUG = False
    hidden = post_query(client, query, variables).json()["errors"]
    assert hidden and all("Did you mean" not in e["message"] and hint not in e["message"] for e in hidden), hidden
    settings.DEBUG = True
    shown = post_query(client, query, variables).json()["errors"]
    assert any("Did you mean" in e["message"] and hint in e["message"] for e in shown), shown

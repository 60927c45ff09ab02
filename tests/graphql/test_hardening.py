"""Bad requests get a clear GraphQL error and a 2xx/4xx status, never a 5xx; limits hold."""

import json
from base64 import b64encode

import pytest
from graphql import GraphQLError, get_introspection_query
from graphql_relay import to_global_id

from shop.graphql.views import ShopGraphQLView

pytestmark = pytest.mark.django_db

JSON = "application/json"


def b64(text: str) -> str:
    return b64encode(text.encode()).decode()


def post_json(client, payload, **extra):
    body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
    return client.post("/graphql/", body, content_type=JSON, **extra)


def q(query: str, variables=None) -> dict:
    return {"query": query, "variables": variables}


PRODUCTS = "query($first: Int, $after: String, $last: Int, $before: String) { products(first: $first, after: $after, last: $last, before: $before) { totalCount } }"

BAD_JSON_BODIES = [
    "{not json",
    "",
    "null",
    "42",
    '"a string"',
    "[]",
    json.dumps([{"query": "{ categories { slug } }"}]),  # batching is off
    json.dumps({"query": 123}),
    json.dumps({"query": ["{ categories { slug } }"]}),
    json.dumps({"query": None}),
    json.dumps({"query": "{ categories { slug } }", "variables": [1, 2]}),
    json.dumps({"query": "{ categories { slug } }", "variables": "not json"}),
    json.dumps({"query": "{ categories { slug } }", "variables": "[1]"}),
    json.dumps({"query": "{ categories { slug } }", "operationName": 5}),
    json.dumps({"query": "{ categories { slug } }", "operationName": "Nope"}),
    '{"query": "{ categories { slug } }", "variables": {"x": NaN}}',
    "\ud800".encode("utf-8", "surrogatepass"),
    '{"query": "{ products(filter: {search: \\"\\ud800\\"}) { totalCount } }"}',
    '{"query": "query($f: ProductFilterInput) { products(filter: $f) { totalCount } }", "variables": {"f": {"county": "\\udfff"}}}',
    b"\xff\xfe\x00garbage",
]

BAD_QUERIES = [
    q("{ products { "),
    q("{ products { totalCount } } }"),
    q("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
    q("{ ...Nope }"),
    q("{ nope }"),
    q("{ products { edges { node { contactPhone } } } }"),
    q('{ products(first: "ten") { totalCount } }'),
    q("{ products(first: 1099511627776) { totalCount } }"),
    q("{ products(filter: {priceMin: 1.5e400}) { totalCount } }"),
    q('{ products(filter: {priceMin: "abc"}) { totalCount } }'),
    q('{ products(filter: {certification: "FOO"}) { totalCount } }'),
    q('{ products(filter: {certification: FOO}) { totalCount } }'),
    q('{ products(filter: {inStock: "yes"}) { totalCount } }'),
    q("{ products(sortBy: CHEAPEST) { totalCount } }"),
    q("query($f: ProductFilterInput) { products(filter: $f) { totalCount } }", {"f": {"priceMax": [1]}}),
    q("query($f: ProductFilterInput) { products(filter: $f) { totalCount } }", {"f": {"priceMax": 1e308 * 10}}),
    q("query($f: ProductFilterInput) { products(filter: $f) { totalCount } }", {"f": {"search": "x" * 5000}}),
    q("query($f: ProductFilterInput) { products(filter: $f) { totalCount } }", {"f": "not an object"}),
    q(PRODUCTS, {"first": "x"}),
    q(PRODUCTS, {"first": 1000000}),
    q(PRODUCTS, {"first": -1}),
    q(PRODUCTS, {"last": -5}),
    q(PRODUCTS, {"first": 1, "last": 1}),
    q(PRODUCTS, {"after": "garbage"}),
    q(PRODUCTS, {"after": "游标"}),
    q(PRODUCTS, {"after": b64("arrayconnection:-1")}),
    q(PRODUCTS, {"before": b64("arrayconnection:abc")}),
    q(PRODUCTS, {"after": b64("arrayconnection:" + "9" * 400)}),
    q("query($id: ID) { product(id: $id) { name } }", {"id": "\u0000"}),
    q("query($id: ID) { product(id: $id) { name } }", {"id": to_global_id("Category", 1)}),
    q("query($id: ID) { product(id: $id) { name } }", {"id": to_global_id("Product", "1" * 40)}),
    q("query($id: ID) { product(id: $id) { name } }", {"id": 12.5}),
    q('{ product(slug: "duan-goat-meat") { images { thumbnailUrl(size: 0) } } }'),
    q('{ supplier(slug: "duan-goat") { products(first: null) { name } } }'),
    q('{ regions(parent: "x") { code } }'),
    q("{ regions(level: PLANET) { code } }"),
    q('{ suppliers(county: "") { totalCount } }'),
    q("{ categories { slug @skip(if: \"x\") } }"),
    q("mutation { doSomething }"),
    q("subscription { ticks }"),
    q("query A { categories { slug } } query B { categories { slug } }"),
    q("{ categories { slug } }\u0000"),
    q("{" * 3000),
    q("# " + "comment\n# " * 3000 + "{ categories { slug } }"),
]


@pytest.mark.parametrize("body", BAD_JSON_BODIES)
def test_malformed_requests_are_client_errors(catalog, client, body):
    response = post_json(client, body)
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["errors"][0]["message"]


@pytest.mark.parametrize("payload", BAD_QUERIES, ids=lambda p: p["query"][:50])
def test_bad_queries_never_5xx_and_say_why(catalog, client, payload):
    response = post_json(client, payload)
    assert response.status_code < 500, response.content
    errors = response.json()["errors"]
    assert errors and all(e["message"] for e in errors)
    assert all(e.get("extensions", {}).get("code") != "INTERNAL_ERROR" for e in errors), errors


@pytest.mark.parametrize(
    "method, path, kwargs",
    [
        ("get", "/graphql/?query={categories{slug", {}),
        ("get", "/graphql/?query={categories{slug}}&variables={bad", {}),
        ("get", "/graphql/?query=mutation{x}", {}),
        ("get", "/graphql/", {}),
        ("get", '/graphql/?query={categories{slug}}&variables={"x":"\\ud800"}', {}),
        ("put", "/graphql/", {"data": "{}", "content_type": JSON}),
        ("delete", "/graphql/", {}),
        ("patch", "/graphql/", {"data": "{}", "content_type": JSON}),
        ("options", "/graphql/", {}),
        ("post", "/graphql/", {"data": b"\xff\xfe{ categories }", "content_type": "application/graphql"}),
        ("post", "/graphql/", {"data": {"query": "{ categories { slug "}}),  # multipart form
        ("post", "/graphql/", {"data": "query={categories", "content_type": "application/x-www-form-urlencoded"}),
        ("post", "/graphql/", {"data": "<xml/>", "content_type": "text/xml"}),
    ],
)
def test_other_methods_and_encodings_are_client_errors(catalog, client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert 400 <= response.status_code < 500, response.content


def test_page_size_cap_has_a_clear_message(catalog, client):
    result = post_json(client, q(PRODUCTS, {"first": 101})).json()
    error = result["errors"][0]
    assert error["extensions"] == {"code": "PAGE_SIZE_TOO_LARGE", "field": "first"}
    assert "100" in error["message"]
    assert post_json(client, q(PRODUCTS, {"first": 100})).json()["data"]["products"]["totalCount"] == 4


def test_invalid_cursor_is_reported_not_ignored(catalog, client):
    error = post_json(client, q(PRODUCTS, {"after": "garbage"})).json()["errors"][0]
    assert error["extensions"] == {"code": "INVALID_CURSOR", "field": "after"}


def test_depth_limit(catalog, client, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    within = "{ products { edges { node { supplier { name } } } } }"
    beyond = "{ products { edges { node { supplier { county { name } } } } } }"
    assert "errors" not in post_json(client, q(within)).json()
    response = post_json(client, q(beyond))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX" and "最多为 4 层" in error["message"]


def test_default_depth_limit_is_eight(catalog, client):
    nested = "{ products { edges { node { supplier { products { supplier { products { supplier { county { name } } } } } } } } } }"
    response = post_json(client, q(nested))
    assert response.status_code == 400
    assert "最多为 8 层" in response.json()["errors"][0]["message"]


def test_token_limit(catalog, client, settings):
    settings.GRAPHQL_MAX_TOKENS = 50
    response = post_json(client, q("{ categories { " + "slug " * 60 + "} }"))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert "more than 50 tokens" in error["message"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_alias_limit(catalog, client):
    aliases = " ".join(f"a{i}: categories {{ slug }}" for i in range(31))
    response = post_json(client, q("{ " + aliases + " }"))
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "31 个别名" in error["message"]  # Chinese by default


def test_field_limit_counts_fragments_where_they_are_used(catalog, client, settings):
    settings.GRAPHQL_MAX_FIELDS = 10
    query = """{ categories { ...C children { ...C } } regions { code } }
               fragment C on Category { slug name nameEn }"""  # 1 + 3 + 1 + 3 + 1 + 1 = 10
    assert "errors" not in post_json(client, q(query)).json()
    response = post_json(client, q(query.replace("regions { code }", "regions { code name }")))
    assert response.status_code == 400
    assert "11" in response.json()["errors"][0]["message"]
    english = client.post(
        "/graphql/", data=q(query.replace("regions { code }", "regions { code name }")),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "11 fields" in english.json()["errors"][0]["message"]


def test_request_body_cap_is_413(catalog, client, settings):
    settings.GRAPHQL_MAX_BODY_BYTES = 1000
    padding = " " * 1000
    response = post_json(client, q("{ categories { slug } }" + padding))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


def test_introspection_is_allowed_within_the_limits(catalog, client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    response = post_json(client, q(get_introspection_query(descriptions=True)))
    assert response.status_code == 200
    assert "errors" not in response.json()
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_graphiql_only_when_debug(client, settings):
    settings.DEBUG = False
    assert client.get("/graphql/", HTTP_ACCEPT="text/html").status_code == 405
    settings.DEBUG = True
    page = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and b"graphiql" in page.content.lower()


def test_unexpected_exceptions_are_masked(settings):
    settings.DEBUG = False
    error = GraphQLError("password=hunter2", path=["products"], original_error=RuntimeError("password=hunter2"))
    formatted = ShopGraphQLView().format_error(error)
    assert formatted["extensions"]["code"] == "INTERNAL_ERROR"
    assert "hunter2" not in json.dumps(formatted)
    assert formatted["path"] == ["products"]

"""Invalid characters in text arguments (NUL, which PostgreSQL cannot store, the other C0
control characters but tab, line feed and carriage return, lone surrogates) are refused
for the whole schema in one place: a query field answers INVALID_CHARACTERS naming the
argument, a mutation a field error in `errors`, and nothing reaches the database."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from suppliers.models import Supplier
from tests.factories import CampaignFactory
from tests.graphql.api_world import client_for, gid
from tests.security.graphql_client import error_codes, post_query
from tests.world import build_api_world
from tests.world_catalog import build_catalog_world

pytestmark = pytest.mark.django_db

BAD = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f"]
PRODUCT = "query($s: String) { product(slug: $s) { name } }"


@pytest.fixture
def catalog(regions):
    return build_catalog_world()


def field_error(response, path: list, field: str) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "INVALID_CHARACTERS", "field": field}
    assert error["path"] == path and "控制字符" in error["message"]
    return body


@pytest.mark.parametrize("char", BAD, ids=[f"U+{ord(c):04X}" for c in BAD])
def test_product_slug_from_a_variable(catalog, client, char):
    with CaptureQueriesContext(connection) as queries:
        body = field_error(post_query(client, PRODUCT, {"s": f"duan-goat{char}meat"}), ["product"], "slug")
    assert body["data"] == {"product": None}
    assert len(queries) == 0  # refused before the resolver, so before the database


@pytest.mark.parametrize("query, path, field", [
    ('{ product(slug: "duan\\u0000goat") { name } }', ["product"], "slug"),
    ('{ suppliers(county: "\\u0000") { totalCount } }', ["suppliers"], "county"),
    ('{ suppliers(county: "duan\\u001b") { totalCount } }', ["suppliers"], "county"),
    ('{ products(filter: {search: "山羊\\u0000"}) { totalCount } }', ["products"], "filter.search"),
    ('{ products(filter: {county: "\\u0007"}) { totalCount } }', ["products"], "filter.county"),
    ('{ regions(parent: "441622\\u0000") { code } }', ["regions"], "parent"),
    ('{ products(after: "\\u0000") { totalCount } }', ["products"], "after"),
    ('{ product(id: "UHJvZHVjdDox\\u0000") { name } }', ["product"], "id"),
    ('query($s: String = "\\u0000") { product(slug: $s) { name } }', ["product"], "slug"),
], ids=["slug", "county", "county-esc", "search", "filter-county", "parent", "cursor", "id", "default"])
def test_literals_escapes_and_defaults(catalog, client, query, path, field):
    field_error(post_query(client, query), path, field)


def test_the_rest_of_the_query_still_runs(catalog, client):
    query = "query($s: String) { product(slug: $s) { name } categories { slug } }"
    body = field_error(post_query(client, query, {"s": "duan\x00"}), ["product"], "slug")
    assert body["data"]["product"] is None and body["data"]["categories"]
    county = post_query(client, "query($c: String) { suppliers(county: $c) { totalCount } }", {"c": "duan\x00"})
    assert field_error(county, ["suppliers"], "county")["data"] is None  # a non-null field: no data at all


def test_nested_fields_are_guarded_too(catalog, client):
    CampaignFactory(slug="c2020")
    query = 'query($t: String) { campaign(slug: "c2020") { leaderboard(buyerType: $t) { totalCount } } }'
    body = field_error(post_query(client, query, {"t": "community\x00"}), ["campaign", "leaderboard"], "buyerType")
    assert body["data"] == {"campaign": None}  # leaderboard is non-null


def test_tab_line_feed_and_carriage_return_are_text(catalog, client):
    query = "query($f: ProductFilterInput) { products(filter: $f) { totalCount } }"
    result = post_query(client, query, {"f": {"search": "山羊\t\r\n"}}).json()
    assert "errors" not in result, result
    product = post_query(client, PRODUCT, {"s": "duan-goat-meat"}).json()
    assert product["data"]["product"]["name"] == "都安山羊肉"


def test_lone_surrogates_are_refused_before_parsing(catalog, client):
    literal = post_query(client, '{ product(slug: "\\ud800") { name } }')
    assert literal.status_code == 400 and error_codes(literal) == ["GRAPHQL_PARSE_FAILED"]
    body = json.dumps({"query": PRODUCT, "variables": {"s": "SURROGATE"}}).replace("SURROGATE", "\\udfff")
    variable = client.post("/graphql/", data=body, content_type="application/json")
    assert variable.status_code == 400 and error_codes(variable) == ["BAD_REQUEST"]
    assert "Unicode" in variable.json()["errors"][0]["message"]


def apply_input(**changes) -> dict:
    values = {
        "legalName": "都安瑶族自治县新合作社", "creditCode": "93451228MA0000001X", "supplierType": "COOPERATIVE",
        "county": "451228", "township": "451228100", "contactName": "李四", "contactPhone": "13800000000",
        "bankName": "农商银行", "bankAccountName": "都安瑶族自治县新合作社", "bankAccountNumber": "6222000000000000",
        "linkageMechanism": "WAGE", "applicantEmail": "new@example.com",
    }
    return values | changes


def test_an_anonymous_mutation_gets_field_errors_and_writes_nothing(regions, client):
    mutation = "mutation($i: SupplierApplyInput!) { supplierApply(input: $i) { errors { field code message } } }"
    before = Supplier.objects.count()
    result = post_query(client, mutation, {"i": apply_input(legalName="合作社\x00", contactName="李\x1b四")}).json()
    assert "errors" not in result, result
    errors = result["data"]["supplierApply"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("contactName", "INVALID_CHARACTERS"), ("legalName", "INVALID_CHARACTERS")]
    assert all("控制字符" in e["message"] for e in errors)
    assert Supplier.objects.count() == before


def test_a_logged_in_mutation_from_a_literal_gets_a_field_error(regions):
    world = build_api_world()
    owner = client_for(world.owner)
    mutation = 'mutation($id: ID!) { productUpdate(id: $id, input: {name: "茶油\\u0000", summary: "ok\\u0002"}) { product { name } errors { field code } } }'
    result = post_query(owner, mutation, {"id": gid("Product", world.product)}).json()
    assert result["data"]["productUpdate"] == {
        "product": None, "errors": [{"field": "name", "code": "INVALID_CHARACTERS"}, {"field": "summary", "code": "INVALID_CHARACTERS"}],
    }
    assert Product.objects.get(pk=world.product.pk).name == "龙川山茶油"


def test_the_checks_never_give_an_internal_error(catalog, client):
    """What crashed on PostgreSQL before: every text argument of the public queries with a NUL."""
    queries = [
        ('{ product(slug: "\\u0000") { name } }', None),
        ('{ suppliers(county: "\\u0000") { totalCount } }', None),
        ('{ supplier(slug: "\\u0000") { name } }', None),
        ('{ campaign(slug: "\\u0000") { name } }', None),
        ('query($f: ProductFilterInput) { products(filter: $f) { totalCount } }',
         {"f": {k: "\x00" for k in ("search", "county", "township", "category", "supplier")}}),
    ]
    for query, variables in queries:
        response = post_query(client, query, variables)
        assert response.status_code == 200, response.content
        assert error_codes(response) == ["INVALID_CHARACTERS"], json.dumps(response.json(), ensure_ascii=False)

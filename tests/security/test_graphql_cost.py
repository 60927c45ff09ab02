"""Query cost: depth, field count and aliases are measured with fragment spreads counted
where they are used, before any other validation rule and in linear time, so a 1.2 KB
fan-out of fragments (2**30 fields once expanded) is refused at once instead of holding a
worker; fragment cycles are refused, not followed."""

import time
from io import StringIO

import pytest
from django.core.management import call_command
from graphql import parse

from shop.graphql.validation import limit_errors, operation_costs
from tests.security.graphql_client import error_codes, fan_out_query, post_query
from tests.world_catalog import build_catalog_world

pytestmark = pytest.mark.django_db

TIME_GUARD = 1.0  # seconds; the exponential validator this replaces took > 60 s


@pytest.fixture
def catalog(regions):
    return build_catalog_world()


def refused_quickly(client, query: str, variables=None):
    post_query(client, "{ __typename }")  # the first request of a process loads the schema
    started = time.perf_counter()
    response = post_query(client, query, variables)
    elapsed = time.perf_counter() - started
    assert elapsed < TIME_GUARD, f"refusal took {elapsed:.3f} s"
    assert response.status_code == 400, response.content
    assert "data" not in response.json() or response.json()["data"] is None
    return response


def test_the_fan_out_of_issue_11_is_refused_at_once(client):
    query = fan_out_query(30)
    assert 1100 < len(query.encode()) < 1400  # the 1.2 KB of the report
    response = refused_quickly(client, query)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    assert "1073741827" in error["message"] and "500" in error["message"]  # 2**30 names + 3 fields


def test_a_fan_out_as_deep_as_the_token_cap_allows_is_refused_at_once(client):
    query = fan_out_query(180)  # 2**180 fields, about 1,800 tokens
    response = refused_quickly(client, query)
    assert error_codes(response) == ["QUERY_TOO_COMPLEX"]


def test_costs_are_counted_as_expanded_without_expanding():
    cost = operation_costs(parse(fan_out_query(30)))
    (only,) = cost.values()
    assert (only.fields, only.depth, only.aliases) == (2**30 + 3, 3, 0)
    huge = next(iter(operation_costs(parse(fan_out_query(200))).values()))
    assert huge.fields == 10**12  # saturated, not a 60-digit number


def test_field_count_counts_every_spread(catalog, client, settings):
    settings.GRAPHQL_MAX_FIELDS = 20
    fragment = "fragment P on Product { name slug inStock }"
    spreads = " ".join(f'x{i}: product(slug: "duan-goat-meat") {{ ...P }}' for i in range(5))
    fits = post_query(client, "{ " + spreads + " } " + fragment).json()  # 5 × (1 + 3) = 20
    assert "errors" not in fits and fits["data"]["x4"]["name"] == "都安山羊肉"
    six = spreads + ' x5: product(slug: "duan-goat-meat") { ...P }'
    response = refused_quickly(client, "{ " + six + " } " + fragment)
    assert error_codes(response) == ["QUERY_TOO_COMPLEX"]
    assert "24" in response.json()["errors"][0]["message"]


def test_depth_counts_the_fields_of_fragments_where_they_are_spread(catalog, client, settings):
    settings.GRAPHQL_MAX_DEPTH = 4
    fragment = "fragment S on Supplier { county { name } }"
    shallow = "{ suppliers { edges { node { ...S } } } } " + fragment  # name at depth 4
    assert "errors" not in post_query(client, shallow).json()
    deep = "{ products { edges { node { supplier { ...S } } } } } " + fragment  # name at depth 5
    response = refused_quickly(client, deep)
    assert error_codes(response) == ["QUERY_TOO_COMPLEX"]
    assert "5" in response.json()["errors"][0]["message"]


def test_a_chain_of_nested_fragments_is_refused_by_depth(client):
    levels = 120
    parts = ["{ products { edges { node { ...F0 } } } }"]
    parts += [f"fragment F{i} on Product {{ supplier {{ products {{ ...F{i + 1} }} }} }}" for i in range(levels)]
    parts.append(f"fragment F{levels} on Product {{ name }}")
    response = refused_quickly(client, "\n".join(parts))
    message = response.json()["errors"][0]["message"]
    assert error_codes(response) == ["QUERY_TOO_COMPLEX"] and str(2 + 2 * levels + 1) in message


def test_aliases_are_counted_in_every_spread(catalog, client):
    fragment = "fragment A on Product { " + " ".join(f"n{i}: name" for i in range(10)) + " }"
    three = "{ products { edges { node { ...A ... on Product { ...A } } } } extra: products { edges { node { ...A } } } } " + fragment
    response = post_query(client, three)
    assert response.status_code == 400  # 31 aliases: 3 × 10 + "extra"
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX" and "31" in error["message"]
    two = "{ products { edges { node { ...A ... on Product { ...A } } } } } " + fragment
    assert "errors" not in post_query(client, two).json()


@pytest.mark.parametrize("query", [
    "{ products { edges { node { ...A } } } } fragment A on Product { name ...A }",
    "{ products { edges { node { ...A } } } } fragment A on Product { supplier { products { ...B } } } "
    "fragment B on Product { ...C } fragment C on Product { name ...A }",
    "query { ...Q } fragment Q on Query { products { edges { node { ...G0 } } } } "
    + fan_out_query(25).split("\n", 1)[1].replace("{ name }", "{ name ...G3 }"),
])
def test_fragment_cycles_are_refused_not_followed(client, query):
    response = refused_quickly(client, query)
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "循环" in error["message"]


def test_limits_run_before_the_other_rules():
    """A document that is both too large and invalid is refused for its size, so graphql-core's
    rules never walk an oversized document."""
    document = parse(fan_out_query(30).replace("{ name }", "{ noSuchField }"))
    (error,) = limit_errors(document)
    assert error.extensions["code"] == "QUERY_TOO_COMPLEX"


def test_legitimate_fragments_pass(catalog, client):
    query = """query Listing { products(first: 4) { edges { node { ...Card supplier { ...Maker } } } }
      featured: product(slug: "qibainong-chicken") { ...Card } }
      fragment Card on Product { name slug inStock images { url } }
      fragment Maker on Supplier { name county { name } }"""
    result = post_query(client, query).json()
    assert "errors" not in result, result
    assert result["data"]["featured"]["name"] == "七百弄鸡"
    assert len(result["data"]["products"]["edges"]) == 4


def test_the_benchmark_command_reports_every_document_refused():
    out = StringIO()
    call_command("bench_graphql_hostile", repeat=1, stdout=out)
    rows = [line for line in out.getvalue().splitlines() if "HTTP" in line]
    assert len(rows) == 5 and all("HTTP 400" in row and "NOT REFUSED" not in row for row in rows), out.getvalue()

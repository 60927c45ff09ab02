"""Random argument values through the real endpoint: never a 5xx, always data or errors."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

QUERY = """query($first: Int, $after: String, $filter: ProductFilterInput, $sortBy: ProductSort) {
  products(first: $first, after: $after, filter: $filter, sortBy: $sortBy) { totalCount edges { node { slug } } }
}"""

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=80),
    st.sampled_from(["\ud800", "山羊\udfff", "七百弄", "0.005", "1e999", "-0", "441622", "longchuan"]),
)
filter_values = st.fixed_dictionaries(
    {},
    optional={
        name: json_scalars
        for name in ("search", "county", "township", "category", "certification", "supplier",
                     "priceMin", "priceMax", "inStock", "unknownField")
    },
)
variables = st.fixed_dictionaries(
    {},
    optional={
        "first": json_scalars, "after": json_scalars, "sortBy": json_scalars,
        "filter": st.one_of(filter_values, json_scalars),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(variables=variables)
def test_random_arguments_never_crash(catalog, client, variables):
    response = client.post(
        "/graphql/", json.dumps({"query": QUERY, "variables": variables}), content_type="application/json"
    )
    assert response.status_code in (200, 400), response.content
    body = response.json()
    assert "errors" in body or body["data"]["products"]["totalCount"] >= 0
    for error in body.get("errors", []):
        assert error["message"] and error["extensions"]["code"] != "INTERNAL_ERROR", error

"""A repeated query is parsed and validated once per process (shop.graphql.documents); the
answers stay the same, hostile documents are refused on every send, and the cache is bounded
and follows the validation settings."""

import pytest

from shop.graphql.documents import documents
from tests.security.graphql_client import error_codes, fan_out_query, post_query

pytestmark = pytest.mark.django_db

LIST = """
query List($first: Int) {
  products(first: $first) {
    totalCount
    edges { node { name minPrice { fen } county { name } supplier { name } } }
  }
}
"""
INTROSPECTION = "{ __schema { queryType { name } } }"


@pytest.fixture(autouse=True)
def _fresh_cache():
    documents.clear()
    yield
    documents.clear()


def test_a_repeated_query_is_validated_once_whatever_its_variables(gql, catalog):
    before = documents.stats()
    first = gql(LIST, {"first": 2})
    second = gql(LIST, {"first": 3})
    third = gql(LIST, {"first": 2})
    after = documents.stats()
    assert after.validations - before.validations == 1
    assert after.hits - before.hits == 2
    assert after.documents == 1
    assert third == first
    assert len(first["data"]["products"]["edges"]) == 2
    assert len(second["data"]["products"]["edges"]) == 3


def test_answers_from_the_cache_match_answers_without_it(gql, catalog, settings):
    gql(LIST, {"first": 4})
    cached = gql(LIST, {"first": 4})
    settings.GRAPHQL_DOCUMENT_CACHE_SIZE = 0  # nothing is kept: every request parses and validates
    before = documents.stats()
    uncached = gql(LIST, {"first": 4})
    again = gql(LIST, {"first": 4})
    assert documents.stats().validations - before.validations == 2
    assert cached == uncached == again
    assert documents.stats().documents == 0


def test_an_error_from_a_cached_document_keeps_its_location(gql, catalog):
    query = 'query($id: ID!) { product(id: $id) { name } }'
    before = documents.stats()
    answers = [gql(query, {"id": "not-a-global-id"}) for _ in range(2)]
    assert documents.stats().hits - before.hits == 1
    assert answers[0] == answers[1]
    assert answers[1]["errors"][0]["locations"] == [{"line": 1, "column": 19}]


def test_a_hostile_query_is_refused_on_every_send(client):
    query = fan_out_query(30)
    before = documents.stats()
    for _ in range(3):
        response = post_query(client, query)
        assert response.status_code == 400, response.content
        assert error_codes(response) == ["QUERY_TOO_COMPLEX"]
    after = documents.stats()
    assert after.validations - before.validations == 3  # measured each time, never cached
    assert after.documents == before.documents


def test_an_invalid_query_is_refused_again_in_the_language_of_each_request(client):
    for _ in range(2):
        response = post_query(client, "{ products { nosuchfield } }")
        assert response.status_code == 400
        assert error_codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert documents.stats().documents == 0


def test_introspection_turned_off_refuses_a_document_cached_while_it_was_on(client, settings):
    settings.GRAPHQL_INTROSPECTION = True
    assert post_query(client, INTROSPECTION).json()["data"]["__schema"]["queryType"]["name"] == "Query"
    assert documents.stats().documents == 1
    settings.GRAPHQL_INTROSPECTION = False
    response = post_query(client, INTROSPECTION)
    assert set(error_codes(response)) == {"INTROSPECTION_DISABLED"}


def test_a_lower_limit_refuses_a_document_cached_under_a_higher_one(client, settings):
    query = "{ a: __typename b: __typename c: __typename }"
    assert post_query(client, query).json()["data"] == {"a": "Query", "b": "Query", "c": "Query"}
    settings.GRAPHQL_MAX_ALIASES = 2
    assert error_codes(post_query(client, query)) == ["QUERY_TOO_COMPLEX"]


def test_the_cache_keeps_the_most_recent_documents_up_to_its_bounds(client, settings):
    settings.GRAPHQL_DOCUMENT_CACHE_SIZE = 3
    queries = [f"{{ a{i}: __typename }}" for i in range(5)]
    for query in queries:
        assert post_query(client, query).status_code == 200
    assert documents.stats().documents == 3
    before = documents.stats()
    post_query(client, queries[-1])  # recent: a hit
    post_query(client, queries[0])  # evicted: validated again
    after = documents.stats()
    assert (after.hits - before.hits, after.validations - before.validations) == (1, 1)

    settings.GRAPHQL_DOCUMENT_CACHE_TOKENS = 12  # "{ a0: __typename }" is 7 tokens with SOF/EOF
    for query in queries[:3]:
        post_query(client, query)
    assert documents.stats().documents == 1
    assert documents.stats().tokens <= 12

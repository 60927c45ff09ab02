"""Schemathesis fuzzes the whole GraphQL schema over WSGI (no server): every query and
mutation, with valid and invalid arguments, anonymously and as a logged-in buyer with its
CSRF token, against a database holding a catalog, organizations, a campaign and an order.
A bounded, deterministic number of cases; not one may be a server error: no 5xx and no
INTERNAL_ERROR (a resolver that crashed) in a 200."""

import json
from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.graphql import nodes
from werkzeug.test import Client as WerkzeugClient

from tests.world import build_order_world, place
from tests.world_catalog import build_catalog_world

pytestmark = pytest.mark.django_db

CASES = 250  # per run; two runs: anonymous, then logged in
TOKEN = "f" * 32  # a CSRF secret, as the csrftoken cookie holds it

# The shop's own scalars: plausible values, near misses and any text.
_any_text = st.text(max_size=30).map(nodes.String)
_amounts = st.decimals(min_value=-10**9, max_value=10**12, places=2, allow_nan=False, allow_infinity=False)
schemathesis.graphql.scalar("Yuan", st.one_of(_amounts.map(str).map(nodes.String), st.integers().map(nodes.Int), _any_text))
schemathesis.graphql.scalar("Decimal", st.one_of(_amounts.map(str).map(nodes.String), _any_text))
schemathesis.graphql.scalar("Int64", st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70).map(str).map(nodes.String), st.integers().map(nodes.Int), _any_text,
))
schemathesis.graphql.scalar("Upload", st.just(nodes.Null))  # a file cannot be written in a query


@pytest.fixture
def wsgi_app(settings):
    """Django's WSGI handler, sharing the test's transaction: like Django's test client, it
    must not close the connection at the start and end of each request."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(regions, wsgi_app, settings):
    world = build_order_world()
    place(world)
    build_catalog_world()
    settings.GRAPHQL_INTROSPECTION = True  # only to load the schema; fuzzed with it off
    schema = schemathesis.graphql.from_wsgi("/graphql/", wsgi_app)
    settings.GRAPHQL_INTROSPECTION = False
    settings.DEBUG = False
    return schema, world


def fuzz(schema, *, headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None) -> Counter:
    outcomes: Counter = Counter()
    failures: list[str] = []
    strategy = st.one_of(
        schema.as_strategy(mode, headers=headers, cookies=cookies)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    )

    @hypothesis_settings(
        max_examples=CASES, derandomize=True, database=None, deadline=None,
        phases=[Phase.generate], suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call()
        outcomes["cases"] += 1
        outcomes[f"status {response.status_code}"] += 1
        body = json.loads(response.content) if response.content else {}
        codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
        outcomes["with data"] += bool(body.get("data"))
        for code in codes:
            outcomes[f"code {code}"] += 1
        if response.status_code >= 500 or "INTERNAL_ERROR" in codes:
            failures.append(f"{response.status_code} {case.body!r} -> {response.content[:300]!r}")

    run()
    assert not failures, "\n".join(failures[:10])
    print(f"\nschemathesis: {dict(sorted(outcomes.items()))}")
    return outcomes


def test_fuzzing_anonymously_finds_no_server_error(api_schema):
    schema, _world = api_schema
    outcomes = fuzz(schema)
    assert outcomes["cases"] >= CASES
    assert outcomes["with data"] > 0  # not everything was refused


def test_fuzzing_as_a_logged_in_buyer_finds_no_server_error(api_schema, wsgi_app):
    schema, world = api_schema
    client = Client()
    client.force_login(world.purchaser_a)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": TOKEN}
    me = WerkzeugClient(wsgi_app)
    for name, value in cookies.items():
        me.set_cookie(name, value)
    answer = me.post("/graphql/", json={"query": "{ me { email } }"}, headers={"X-CSRFToken": TOKEN})
    assert answer.json["data"]["me"]["email"] == world.purchaser_a.email  # the credentials work
    outcomes = fuzz(schema, headers={"X-CSRFToken": TOKEN}, cookies=cookies)
    assert outcomes["cases"] >= CASES
    assert outcomes.get("code CSRF_FAILED", 0) == 0  # the session and the token were accepted

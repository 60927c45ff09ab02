"""Issue 15: placing an order costs at most 20 SQL statements (the login excluded), on the
HTML checkout and through the GraphQL mutation, and the same with 2 lines as with 6 lines
from 3 suppliers. Counted with CaptureQueriesContext (SQLite and PostgreSQL); the two
savepoints of the test's transaction are counted too."""

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from orders.models import Order
from tests.factories import ProductFactory
from tests.graphql.api_world import gid
from tests.world import PASSWORD, build_order_world, key

pytestmark = pytest.mark.django_db
BUDGET = 20


@pytest.fixture
def world(regions):
    return build_order_world()


def _lines(world, many: bool) -> list:
    items = [(world.variant_a, 2), (world.variant_b, 3)]
    if many:
        for i, supplier in enumerate([world.supplier_a, world.supplier_b, world.supplier_a, world.supplier_b]):
            items.append((ProductFactory(supplier=supplier, name=f"加购{i}").variants.get(), 1))
    return items


def _signed_in(world) -> Client:
    client = Client()
    assert client.login(username=world.purchaser_a.username, password=PASSWORD)
    return client


def _html_checkout(client, world) -> tuple[int, Order]:
    page = client.get("/checkout/").content.decode()
    data = {
        "address": world.address_a.pk, "invoice_title": world.org_a.invoice_title,
        "tax_number": world.org_a.tax_number, "funding_channel": "union", "note": "",
        "idempotency_key": re.search(r'name="idempotency_key" value="([^"]+)"', page).group(1),
    }
    with CaptureQueriesContext(connection) as ctx:
        response = client.post("/checkout/", data)
    assert response.status_code == 302
    return len(ctx.captured_queries), Order.objects.order_by("-pk").first()


@pytest.mark.parametrize("many", [False, True], ids=["2 lines", "6 lines, 2 suppliers"])
def test_html_checkout_places_an_order_within_budget(world, many):
    client = _signed_in(world)
    items = _lines(world, many)
    for variant, qty in items:
        assert client.post("/cart/add/", {"variant": variant.pk, "quantity": str(qty)}).status_code == 302
    statements, order = _html_checkout(client, world)
    assert order.lines.count() == len(items) and order.fulfilments.count() == 2
    world.variant_a.refresh_from_db()
    assert (world.variant_a.stock, world.variant_a.reserved) == (48, 2)
    world.variant_a.product.refresh_from_db()
    assert world.variant_a.product.total_stock == 48
    assert statements <= BUDGET, statements


def test_html_checkout_costs_the_same_with_2_or_6_lines(world):
    counts = []
    for many in (False, True):
        client = _signed_in(world)
        for variant, qty in _lines(world, many):
            client.post("/cart/add/", {"variant": variant.pk, "quantity": str(qty)})
        counts.append(_html_checkout(client, world)[0])
    assert counts[0] == counts[1] <= BUDGET


PLACE = """mutation($input: CheckoutCompleteInput!) { checkoutComplete(input: $input) {
  order { id number status total { amount fen } } errors { field code message } } }"""
ADD = """mutation($v: ID!, $q: Int!) { cartLineAdd(variantId: $v, quantity: $q) { errors { code } } }"""


def _graphql(client, query: str, variables: dict) -> dict:
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables}),
                           content_type="application/json")
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


@pytest.mark.parametrize("many", [False, True], ids=["2 lines", "6 lines, 2 suppliers"])
def test_graphql_checkout_places_an_order_within_budget(world, many):
    client = _signed_in(world)
    items = _lines(world, many)
    for variant, qty in items:
        assert not _graphql(client, ADD, {"v": gid("Variant", variant), "q": qty})["cartLineAdd"]["errors"]
    variables = {"input": {"addressId": gid("DeliveryAddress", world.address_a), "fundingChannel": "CANTEEN",
                           "idempotencyKey": key()}}
    with CaptureQueriesContext(connection) as ctx:
        data = _graphql(client, PLACE, variables)["checkoutComplete"]
    assert not data["errors"], data["errors"]
    order = Order.objects.get(number=data["order"]["number"])
    assert int(data["order"]["total"]["fen"]) == order.total_fen == sum(int(v.price * 100) * q for v, q in items)
    assert order.lines.count() == len(items)
    assert len(ctx.captured_queries) <= BUDGET, len(ctx.captured_queries)


ADD_WITH_CART = """mutation($v: ID!, $q: Int!) { cartLineAdd(variantId: $v, quantity: $q) {
  errors { code } cart { lines { quantity } } } }"""


def test_adding_to_the_cart_reads_the_cart_back_only_when_asked(world):
    """``cartLineAdd { errors }`` does not read the cart's view; ``{ cart }`` gets the cart
    as it is after the change."""
    client = _signed_in(world)
    variant = gid("Variant", world.variant_a)
    _graphql(client, ADD, {"v": variant, "q": 1})  # the cart exists from now on
    with CaptureQueriesContext(connection) as bare:
        assert not _graphql(client, ADD, {"v": variant, "q": 1})["cartLineAdd"]["errors"]
    with CaptureQueriesContext(connection) as full:
        data = _graphql(client, ADD_WITH_CART, {"v": variant, "q": 1})["cartLineAdd"]
    assert not data["errors"] and [line["quantity"] for line in data["cart"]["lines"]] == [3]
    assert len(bare.captured_queries) < len(full.captured_queries)

"""Constant SQL for order lists (lines, fulfilments, events, payments nested) and the CSRF
check on session-authenticated order mutations."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.models import CartLine, Order
from tests.graphql.api_world import client_for
from tests.graphql.orders_api import CHECKOUT, ORDER_FIELDS, add_to_cart, checkout_input, gid, place
from tests.world import build_order_world

pytestmark = pytest.mark.django_db

ORDERS = f"query($first: Int!) {{ orders(first: $first) {{ totalCount edges {{ node {{ {ORDER_FIELDS} }} }} }} }}"
FULFILMENTS = """query($first: Int!) { supplierFulfilments(first: $first) { totalCount edges { node {
  id supplierName status subtotal { amount } lines { productName quantity total { amount } }
  order { number status organizationName placedBy delivery { address } lines { sku } fulfilments { status } events { kind actorName supplierName } }
} } } }"""


@pytest.fixture
def world(regions):
    return build_order_world()


def count(client, query: str, first: int, name: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/graphql/", json.dumps({"query": query, "variables": {"first": first}}), content_type="application/json")
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return len(queries), body["data"][name]


def test_order_list_costs_the_same_sql_for_1_and_10_orders(world):
    place(world)
    client = client_for(world.purchaser_a)
    one, page = count(client, ORDERS, 1, "orders")
    assert len(page["edges"]) == 1
    for _ in range(11):
        place(world)
    ten, page = count(client, ORDERS, 10, "orders")
    assert len(page["edges"]) == 10 and page["totalCount"] == 12
    assert all(len(e["node"]["lines"]) == 2 and len(e["node"]["fulfilments"]) == 2 for e in page["edges"])
    assert all(e["node"]["events"][0]["kind"] == "PLACED" for e in page["edges"])
    assert one == ten
    # User (the session comes from the cache), membership, COUNT, the page (organization
    # and member joined), lines, fulfilments (with supplier), lines per fulfilment, events
    # (with actor and supplier), payments.
    assert ten == 9, ten


def test_supplier_fulfilment_list_is_constant_too(world):
    place(world)
    client = client_for(world.owner_a)
    one, page = count(client, FULFILMENTS, 1, "supplierFulfilments")
    for _ in range(11):
        place(world)
    ten, page = count(client, FULFILMENTS, 10, "supplierFulfilments")
    assert len(page["edges"]) == 10
    assert all([line["sku"] for line in e["node"]["order"]["lines"]] == [world.variant_a.sku] for e in page["edges"])
    assert one == ten


def test_checkout_over_a_session_needs_the_csrf_token(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 1)
    client = client_for(world.purchaser_a, enforce_csrf_checks=True)
    body = json.dumps({"query": CHECKOUT, "variables": {"input": checkout_input(world)}})
    refused = client.post("/graphql/", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "CSRF_FAILED"
    assert not Order.objects.exists() and CartLine.objects.count() == 1
    client.cookies["csrftoken"] = "a" * 32
    placed = client.post("/graphql/", body, content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32)
    assert placed.status_code == 200
    order = placed.json()["data"]["checkoutComplete"]["order"]
    assert order["id"] == gid("Order", Order.objects.get())

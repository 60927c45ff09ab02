"""The orders test world (tests/world.py) for the buyer page tests, plus helpers."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ProductFactory
from tests.world import PASSWORD, build_order_world, key, place  # noqa: F401


@pytest.fixture(name="world")
def world_fixture(regions):
    return build_order_world()


def login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


def more_variants(world, n: int) -> list:
    """``n`` more products (¥88.00, stock 50), alternating between the two suppliers."""
    variants = []
    for i in range(n):
        supplier = world.supplier_a if i % 2 == 0 else world.supplier_b
        variants.append(ProductFactory(supplier=supplier, name=f"测试特产{i}").variants.get())
    return variants


def count_queries(client, url: str, status: int = 200) -> int:
    client.get(url)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status, response.status_code
    return len(ctx.captured_queries)


def once_of(html: str, variant_pk: int) -> str:
    """The one-time token of a variant's add-to-cart form on the product page."""
    match = re.search(
        rf'name="variant" value="{variant_pk}">.*?name="once" value="([^"]+)"', html, re.S
    )
    assert match, "no add-to-cart form for this variant"
    return match.group(1)


def checkout_key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match, "no idempotency key in the checkout form"
    return match.group(1)

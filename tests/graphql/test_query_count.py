"""No N+1: a page of 100 products with everything nested costs the same SQL as a page of 5."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    DAHUA,
    DUAN,
    LONGCHUAN,
    CategoryFactory,
    CertificationFactory,
    SupplierFactory,
)
from tests.world import add_image, make_product

pytestmark = pytest.mark.django_db

QUERY = """
query($first: Int!) {
  products(first: $first) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name minPrice { amount fen } inStock traceUrl
      variants { sku spec price { amount fen } marketPrice { amount } stock isOverpriced }
      images { url alt width height thumbnailUrl(size: 160) }
      county { code name } township { code name } village { code name }
      category { slug parent { slug } }
      certifications { kind number isValid }
      supplier {
        name supplierType linkageMechanism poorHouseholds
        county { name } township { name } village { name }
        certifications { kind }
      }
    } }
  }
}
"""


@pytest.fixture
def big_catalog(regions):
    parent = CategoryFactory(slug="grain-oil", name="粮油")
    child = CategoryFactory(slug="edible-oil", name="食用油", parent=parent)
    counties = [LONGCHUAN, DUAN, DAHUA]
    for i in range(105):
        supplier = SupplierFactory(county_code=counties[i % 3])
        certification = CertificationFactory(supplier=supplier)
        product = make_product(supplier=supplier, category=child, prices=("58.00", "98.00"))
        product.certifications.add(certification)
        add_image(product, alt=product.name)


def run(client, first: int) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/graphql/", json.dumps({"query": QUERY, "variables": {"first": first}}),
            content_type="application/json",
        )
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body, body["errors"]
    return len(queries), body


def test_query_count_does_not_grow_with_page_size(big_catalog, client):
    small, small_body = run(client, 5)
    large, large_body = run(client, 100)
    edges = large_body["data"]["products"]["edges"]
    assert len(small_body["data"]["products"]["edges"]) == 5 and len(edges) == 100
    assert all(len(e["node"]["variants"]) == 2 and len(e["node"]["images"]) == 1 for e in edges)
    assert all(e["node"]["certifications"] and e["node"]["supplier"]["village"] for e in edges)
    assert all(e["node"]["category"]["parent"]["slug"] == "grain-oil" for e in edges)
    assert small == large
    # COUNT, page (with supplier, regions and category joined), images, variants,
    # product certifications, the supplier's regions, supplier certifications, parent category.
    assert large == 8


def test_supplier_listing_with_products_is_constant_too(big_catalog, client):
    query = """query($first: Int!) { suppliers(first: $first) { edges { node {
        name county { name } certifications { kind }
        products(first: 5) { name variants { sku } images { url } supplier { name } }
    } } } }"""

    def count(first: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                "/graphql/", json.dumps({"query": query, "variables": {"first": first}}),
                content_type="application/json",
            )
        assert "errors" not in response.json()
        return len(queries)

    assert count(3) == count(100)

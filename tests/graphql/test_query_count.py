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
from tests.world_catalog import add_image, make_product

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
    run(client, 1)  # warm what a process keeps (the region reference)
    small, small_body = run(client, 5)
    large, large_body = run(client, 100)
    edges = large_body["data"]["products"]["edges"]
    assert len(small_body["data"]["products"]["edges"]) == 5 and len(edges) == 100
    assert all(len(e["node"]["variants"]) == 2 and len(e["node"]["images"]) == 1 for e in edges)
    assert all(e["node"]["certifications"] and e["node"]["supplier"]["village"] for e in edges)
    assert all(e["node"]["category"]["parent"]["slug"] == "grain-oil" for e in edges)
    assert small == large
    # COUNT, page (with supplier and category joined), images, variants, product
    # certifications, supplier certifications, parent category. Regions, the product's and
    # the supplier's, come from the process's region reference.
    assert large == 7


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

    count(1)  # warm what a process keeps (the region reference)
    assert count(3) == count(100)


# --- Issue 15: at most 5 statements per catalog query, whatever the page size --------------

CARDS = """query { products(first: 24) { totalCount edges { node {
  id name slug minPrice { amount fen } inStock
  images { url alt width height thumbnailUrl(size: 480) }
  supplier { name county { name } } county { name } township { name } category { slug }
} } } }"""
DETAIL = """query($slug: String!) { product(slug: $slug) {
  id name description minPrice { amount } inStock traceUrl
  variants { sku spec price { amount fen } stock }
  images { url alt thumbnailUrl(size: 960) }
  supplier { name county { name } township { name } certifications { kind } }
  certifications { kind number isValid }
  category { slug parent { slug } } county { name } township { name } village { name }
} }"""


def _catalog_of(n: int) -> None:
    parent = CategoryFactory(slug=f"p-{n}", name=f"父{n}")
    child = CategoryFactory(slug=f"c-{n}", name=f"子{n}", parent=parent)
    counties = [LONGCHUAN, DUAN, DAHUA]
    for i in range(n):
        supplier = SupplierFactory(county_code=counties[i % 3])
        product = make_product(supplier=supplier, category=child, prices=("58.00", "98.00"))
        product.certifications.add(CertificationFactory(supplier=supplier))
        add_image(product, alt=product.name)


def _count(client, query: str, variables: dict | None = None) -> tuple[int, dict]:
    client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                content_type="application/json")  # warm what a process keeps (the region reference)
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                               content_type="application/json")
    body = response.json()
    assert "errors" not in body, body["errors"]
    return len(queries), body["data"]


def test_card_list_costs_at_most_five_statements_with_3_or_30_products(regions, client):
    _catalog_of(3)
    small, data = _count(client, CARDS)
    assert data["products"]["totalCount"] == 3
    _catalog_of(27)
    large, data = _count(client, CARDS)
    assert len(data["products"]["edges"]) == 24
    assert all(e["node"]["county"]["name"] and e["node"]["supplier"]["county"]["name"] for e in data["products"]["edges"])
    assert small == large <= 5


def test_product_detail_costs_at_most_five_statements(regions, client):
    from catalog.models import Product

    _catalog_of(3)
    slug = Product.objects.order_by("id").values_list("slug", flat=True).first()
    statements, data = _count(client, DETAIL, {"slug": slug})
    product = data["product"]
    assert len(product["variants"]) == 2 and product["certifications"] and product["village"]
    assert product["supplier"]["township"]["name"] and product["category"]["parent"]["slug"] == "p-3"
    assert statements <= 5

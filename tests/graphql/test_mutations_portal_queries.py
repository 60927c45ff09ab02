"""What a supplier's team reads over the API to drive the mutations: `me` and its own
listings (`myProducts`, `myProduct`) with drafts and private fields, in a constant number of
SQL queries; nobody else sees them."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductStatus
from tests.graphql.api_world import client_for, gid, post
from tests.world import build_api_world, listing

pytestmark = pytest.mark.django_db

MY_PRODUCTS = """query($first: Int, $status: ProductStatus, $search: String) {
  myProducts(first: $first, status: $status, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name status statusReason isPublished isVisible totalStock needsPriceReview minPrice { amount }
      category { slug parent { slug } } county { name } township { name } village { name }
      certifications { id kind number isValid }
      variants { id sku stock price { amount } marketPrice { amount } isOverpriced needsPriceReview priceAccepted { amount } }
      images { id url thumbnailUrl(size: 160) position isMain }
    } }
  }
}"""


@pytest.fixture
def world(regions):
    return build_api_world()


def names(result: dict) -> list[str]:
    assert "errors" not in result, result
    return [edge["node"]["name"] for edge in result["data"]["myProducts"]["edges"]]


def test_me_tells_who_is_logged_in(world):
    owner = post(client_for(world.owner), "{ me { email isStaff supplierRole supplier { id name status certifications { id number } } coordinatorCounties { code } } }")
    me = owner["data"]["me"]
    assert me["supplierRole"] == "OWNER" and me["isStaff"] is False
    assert me["supplier"]["id"] == gid("Supplier", world.ours) and me["supplier"]["status"] == "APPROVED"
    assert me["supplier"]["certifications"] == [{"id": gid("Certification", world.cert), "number": "AGI01234"}]
    coordinator = post(client_for(world.coordinator), "{ me { supplier { id } coordinatorCounties { code name } } }")
    assert coordinator["data"]["me"] == {"supplier": None, "coordinatorCounties": [{"code": "441622", "name": "龙川县"}]}
    assert post(client_for(), "{ me { email } }") == {"data": {"me": None}}


def test_my_products_lists_drafts_with_private_fields(world):
    result = post(client_for(world.colleague), MY_PRODUCTS, {"first": 10})
    assert sorted(names(result)) == ["龙川山茶油", "龙川柿饼", "龙川桂林茶"]  # not the other supplier's
    nodes = {edge["node"]["name"]: edge["node"] for edge in result["data"]["myProducts"]["edges"]}
    assert nodes["龙川山茶油"]["status"] == "DRAFT" and nodes["龙川山茶油"]["totalStock"] == 20
    assert [i["isMain"] for i in nodes["龙川山茶油"]["images"]] == [True, False]
    flagged = nodes["龙川柿饼"]
    assert flagged["needsPriceReview"] is True and flagged["variants"][0]["isOverpriced"] is True
    submitted = names(post(client_for(world.owner), MY_PRODUCTS, {"status": "SUBMITTED"}))
    assert sorted(submitted) == ["龙川柿饼", "龙川桂林茶"]
    assert names(post(client_for(world.owner), MY_PRODUCTS, {"search": "柿饼"})) == ["龙川柿饼"]


@pytest.mark.parametrize("actor", ["buyer", "coordinator", "staff", None])
def test_only_team_members_have_listings(world, actor):
    result = post(client_for(getattr(world, actor) if actor else None), MY_PRODUCTS, {"first": 10})
    assert result["data"]["myProducts"] is None
    assert result["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_my_product_finds_only_the_suppliers_own(world):
    query = "query($id: ID!) { myProduct(id: $id) { name status } }"
    own = post(client_for(world.owner), query, {"id": gid("Product", world.product)})
    assert own["data"]["myProduct"] == {"name": "龙川山茶油", "status": "DRAFT"}
    theirs = post(client_for(world.owner), query, {"id": gid("Product", world.their_product)})
    assert theirs["data"]["myProduct"] is None
    wrong = post(client_for(world.owner), query, {"id": gid("Variant", world.variant)})
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_ID"


def test_bad_arguments_are_errors(world):
    client = client_for(world.owner)
    long = post(client, MY_PRODUCTS, {"search": "茶" * 101})
    assert long["errors"][0]["extensions"] == {"code": "INVALID_ARGUMENT", "field": "search"}
    huge = post(client, MY_PRODUCTS, {"first": 1000})
    assert huge["errors"][0]["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"
    bad_status = post(client, MY_PRODUCTS, {"status": "SOLD"}, status=400)
    assert bad_status["errors"][0]["message"]


def _count(client, query: str, variables: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/graphql/", json.dumps({"query": query, "variables": variables}),
                               content_type="application/json")
    assert response.status_code == 200 and "errors" not in response.json(), response.content
    return len(queries)


def test_my_products_runs_a_constant_number_of_queries(world):
    client = client_for(world.owner)
    few = _count(client, MY_PRODUCTS, {"first": 50})
    for index in range(12):
        listing(world.ours, world.other_category, name=f"龙川新品{index}", images=2,
                review_status=ProductStatus.SUBMITTED if index % 2 else ProductStatus.DRAFT)
    many = _count(client, MY_PRODUCTS, {"first": 50})
    assert many == few, (few, many)
    assert many <= 12, many

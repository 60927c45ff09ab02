"""Listing, filtering, searching, sorting and paging products through the public API."""

import pytest
from graphql_relay import to_global_id

from tests.graphql.conftest import names
from tests.world_catalog import QIBAINONG

pytestmark = pytest.mark.django_db

LIST = """
query($first: Int, $after: String, $last: Int, $before: String, $filter: ProductFilterInput, $sortBy: ProductSort) {
  products(first: $first, after: $after, last: $last, before: $before, filter: $filter, sortBy: $sortBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { name slug minPrice { amount fen currency } inStock } }
  }
}
"""


def listing(gql, **variables) -> dict:
    return gql(LIST, variables)


def test_lists_only_visible_products_newest_first(catalog, gql):
    result = listing(gql)
    # In stock first: 龙川大米 has no stock.
    assert names(result) == ["龙川山茶油", "七百弄鸡", "都安山羊肉", "龙川大米"]
    assert result["data"]["products"]["totalCount"] == 4


@pytest.mark.parametrize(
    "term, expected",
    [
        ("山羊", {"都安山羊肉"}),
        ("茶油", {"龙川山茶油"}),
        ("七百弄", {"七百弄鸡"}),  # name and township 七百弄乡
        ("龙川", {"龙川山茶油", "龙川大米"}),
        ("Edible", {"龙川山茶油"}),  # English category name, case-insensitive
        ("燕窝", set()),
    ],
)
def test_search_finds_chinese_substrings(catalog, gql, term, expected):
    assert set(names(listing(gql, filter={"search": term}))) == expected


@pytest.mark.parametrize(
    "filter_, expected",
    [
        ({"county": "duan"}, {"都安山羊肉"}),
        ({"county": "441622"}, {"龙川山茶油", "龙川大米"}),
        ({"township": QIBAINONG}, {"七百弄鸡"}),
        ({"category": "grain-oil"}, {"龙川山茶油", "龙川大米"}),  # includes the sub-category
        ({"category": "edible-oil"}, {"龙川山茶油"}),
        ({"certification": "GEOGRAPHICAL_INDICATION"}, {"都安山羊肉"}),
        ({"certification": "SHENZHEN_STANDARD"}, {"七百弄鸡"}),
        ({"supplier": "lc-oil"}, {"龙川山茶油", "龙川大米"}),
        ({"priceMin": "50", "priceMax": "100"}, {"都安山羊肉", "龙川山茶油"}),
        ({"priceMin": "98.00"}, {"龙川山茶油", "七百弄鸡"}),
        ({"inStock": True}, {"都安山羊肉", "七百弄鸡", "龙川山茶油"}),
        ({"county": "longchuan", "inStock": True}, {"龙川山茶油"}),
    ],
)
def test_filters(catalog, gql, filter_, expected):
    assert set(names(listing(gql, filter=filter_))) == expected


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("PRICE_ASC", ["都安山羊肉", "龙川山茶油", "七百弄鸡", "龙川大米"]),
        ("PRICE_DESC", ["七百弄鸡", "龙川山茶油", "都安山羊肉", "龙川大米"]),
        ("NEWEST", ["龙川山茶油", "七百弄鸡", "都安山羊肉", "龙川大米"])  # in stock first,
    ],
)
def test_sorting(catalog, gql, sort, expected):
    assert names(listing(gql, sortBy=sort)) == expected


def test_sort_by_name_is_stable_and_complete(catalog, gql):
    result = names(listing(gql, sortBy="NAME"))
    assert sorted(result) == sorted(["龙川大米", "龙川山茶油", "七百弄鸡", "都安山羊肉"])
    assert result == names(listing(gql, sortBy="NAME"))


def test_money_is_exact_strings(catalog, gql):
    nodes = {e["node"]["slug"]: e["node"] for e in listing(gql)["data"]["products"]["edges"]}
    assert nodes["longchuan-rice"]["minPrice"] == {"amount": "6.50", "fen": "650", "currency": "CNY"}
    assert nodes["longchuan-rice"]["inStock"] is False
    assert nodes["qibainong-chicken"]["minPrice"]["amount"] == "168.00"


def test_forward_pagination_with_cursors_walks_every_product_once(catalog, gql):
    seen, after, pages = [], None, 0
    while True:
        page = listing(gql, first=3, after=after, sortBy="PRICE_ASC")["data"]["products"]
        seen += [e["node"]["name"] for e in page["edges"]]
        pages += 1
        assert page["totalCount"] == 4
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == 2
    assert seen == ["都安山羊肉", "龙川山茶油", "七百弄鸡", "龙川大米"]


def test_backward_pagination(catalog, gql):
    last_two = listing(gql, last=2, sortBy="PRICE_ASC")["data"]["products"]
    assert [e["node"]["name"] for e in last_two["edges"]] == ["七百弄鸡", "龙川大米"]
    assert last_two["pageInfo"]["hasPreviousPage"] is True
    before = listing(gql, last=2, before=last_two["pageInfo"]["startCursor"], sortBy="PRICE_ASC")
    page = before["data"]["products"]
    assert [e["node"]["name"] for e in page["edges"]] == ["都安山羊肉", "龙川山茶油"]
    assert page["pageInfo"]["hasPreviousPage"] is False


def test_page_past_the_end_is_empty(catalog, gql):
    first = listing(gql, first=4)["data"]["products"]
    after_end = listing(gql, first=4, after=first["pageInfo"]["endCursor"])["data"]["products"]
    assert after_end["edges"] == [] and after_end["pageInfo"]["hasNextPage"] is False



def _statements(gql, query: str, variables: dict) -> tuple[int, dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        body = gql(query, variables)
    return len(ctx.captured_queries), body["data"]["products"]


NO_TOTAL = """
query($first: Int, $after: String) {
  products(first: $first, after: $after, sortBy: PRICE_ASC) {
    pageInfo { hasNextPage endCursor }
    edges { node { name } }
  }
}
"""


def test_paging_forwards_counts_only_when_the_total_is_asked_for(catalog, gql):
    """Issue 15: without ``totalCount`` no COUNT runs; ``hasNextPage`` comes from one row
    more than the page. With it, one COUNT more, on every page, the last one included."""
    gql(NO_TOTAL, {"first": 1})  # warm what a process keeps
    without, page = _statements(gql, NO_TOTAL, {"first": 3})
    assert [e["node"]["name"] for e in page["edges"]] == ["都安山羊肉", "龙川山茶油", "七百弄鸡"]
    assert page["pageInfo"]["hasNextPage"] is True
    with_total, counted = _statements(gql, LIST, {"first": 3, "sortBy": "PRICE_ASC"})
    assert counted["totalCount"] == 4 and with_total == without + 1
    last, tail = _statements(gql, LIST, {"first": 3, "after": page["pageInfo"]["endCursor"], "sortBy": "PRICE_ASC"})
    assert [e["node"]["name"] for e in tail["edges"]] == ["龙川大米"]
    assert tail["totalCount"] == 4 and tail["pageInfo"]["hasNextPage"] is False
    assert last == with_total
    exact = listing(gql, first=4, sortBy="PRICE_ASC")["data"]["products"]
    assert exact["totalCount"] == 4 and exact["pageInfo"]["hasNextPage"] is False
    beyond = listing(gql, first=2, after=exact["pageInfo"]["endCursor"])["data"]["products"]
    assert beyond["edges"] == [] and beyond["totalCount"] == 4


DETAIL = """
query($id: ID, $slug: String) {
  product(id: $id, slug: $slug) {
    id name slug traceUrl poorHouseholds
    county { code } township { code name } village { code }
    supplier { slug name }
    certifications { kind number isValid }
    variants { sku spec unit price { amount } marketPrice { amount } minOrderQty stock leadTimeDays isOverpriced }
    images { url alt width height thumbnailUrl(size: 160) }
    category { slug parent { slug } }
  }
}
"""


def test_product_by_slug_and_by_id_are_the_same(catalog, gql):
    by_slug = gql(DETAIL, {"slug": "duan-goat-meat"})["data"]["product"]
    by_id = gql(DETAIL, {"id": by_slug["id"]})["data"]["product"]
    assert by_slug == by_id
    assert by_slug["id"] == to_global_id("Product", catalog.goat.pk)
    assert by_slug["traceUrl"].endswith("/trace/duan-goat-meat/")
    assert by_slug["county"]["code"] == "451228"
    assert [v["price"]["amount"] for v in by_slug["variants"]] == ["58.00", "65.00"]
    assert by_slug["certifications"][0]["kind"] == "GEOGRAPHICAL_INDICATION"
    image = by_slug["images"][0]
    assert (image["width"], image["height"]) == (32, 24)
    assert image["url"].startswith("http://testserver/media/products/") and image["url"].endswith(".png")
    assert by_slug["category"] == {"slug": "meat", "parent": None}


def test_inactive_variants_are_not_shown(catalog, gql):
    catalog.oil.variants.filter(sku__endswith="-1").update(is_active=False)
    product = gql(DETAIL, {"slug": "longchuan-camellia-oil"})["data"]["product"]
    assert [v["sku"] for v in product["variants"]] == ["SKU-longchuan-camellia-oil-0"]


def test_overpriced_variant_is_flagged(catalog, gql):
    catalog.chicken.variants.update(market_price="100.00")
    product = gql(DETAIL, {"slug": "qibainong-chicken"})["data"]["product"]
    assert product["variants"][0]["isOverpriced"] is True


def test_unknown_slug_is_null(catalog, gql):
    assert gql(DETAIL, {"slug": "no-such-product"})["data"]["product"] is None


@pytest.mark.parametrize("slug", ["hidden-unapproved", "hidden-unpublished", "hidden-suspended"])
def test_hidden_products_are_absent_everywhere(catalog, gql, slug):
    hidden = next(p for p in catalog.hidden if p.slug == slug)
    assert gql(DETAIL, {"slug": slug})["data"]["product"] is None
    assert gql(DETAIL, {"id": to_global_id("Product", hidden.pk)})["data"]["product"] is None
    everything = listing(gql, first=100, filter={"search": "山羊"})
    assert hidden.name not in names(everything)
    via_suppliers = gql("{ suppliers(first: 100) { edges { node { slug products(first: 100) { slug } } } } }")
    slugs = {p["slug"] for e in via_suppliers["data"]["suppliers"]["edges"] for p in e["node"]["products"]}
    assert slug not in slugs and "duan-goat-meat" in slugs


def test_wrong_type_global_id_is_an_error_not_a_crash(catalog, gql):
    supplier_id = to_global_id("Supplier", catalog.goat.supplier_id)
    result = gql(DETAIL, {"id": supplier_id})
    assert result["data"]["product"] is None
    error = result["errors"][0]
    assert error["extensions"] == {"code": "INVALID_ID", "field": "id"}
    assert "Product" in error["message"]


@pytest.mark.parametrize("bad_id", ["", "42", "not base64!", to_global_id("Product", "abc"), "UHJvZHVjdDo="])
def test_malformed_ids_are_errors(catalog, gql, bad_id):
    result = gql(DETAIL, {"id": bad_id})
    assert result["errors"][0]["extensions"]["code"] == "INVALID_ID"


def test_product_needs_exactly_one_of_id_or_slug(catalog, gql):
    assert gql(DETAIL, {})["errors"][0]["extensions"]["code"] == "REQUIRED"
    both = gql(DETAIL, {"slug": "duan-goat-meat", "id": to_global_id("Product", catalog.goat.pk)})
    assert both["errors"][0]["extensions"]["code"] == "REQUIRED"


@pytest.mark.parametrize(
    "filter_, field",
    [
        ({"county": "beijing"}, "county"),
        ({"township": "12"}, "township"),
        ({"category": "no-such-category"}, "category"),
        ({"priceMin": "-1"}, "priceMin"),
        ({"priceMax": "NaN"}, "priceMax"),
        ({"priceMin": "100", "priceMax": "10"}, "priceMax"),
        ({"search": "山" * 65}, "search"),
        ({"county": "duan", "township": QIBAINONG}, "township"),
    ],
)
def test_bad_filter_values_name_the_field(catalog, gql, filter_, field):
    result = listing(gql, filter=filter_)
    assert result["data"] is None or result["data"].get("products") is None
    error = result["errors"][0]
    assert error["extensions"] == {"code": "INVALID_FILTER", "field": field}
    assert error["message"]


def test_several_bad_filter_values_are_all_reported(catalog, gql):
    error = listing(gql, filter={"county": "nowhere", "priceMin": "-5"})["errors"][0]
    fields = {item["field"] for item in error["extensions"]["errors"]}
    assert fields == {"county", "priceMin"}


def test_filter_messages_follow_the_request_language(catalog, client):
    import json

    body = json.dumps({"query": '{ products(filter: {county: "nowhere"}) { totalCount } }'})
    en = client.post("/graphql/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["errors"][0]["message"] == "Unknown county."

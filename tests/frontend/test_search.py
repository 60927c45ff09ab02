"""Search by pinyin and initials, relevance and the other sort orders, in stock first, and
the suggestions endpoint; the catalog page's SQL count does not grow with its page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import SearchTerm
from catalog.pinyin import pinyin_forms
from catalog.selectors import ProductFilter, product_list
from catalog.selectors_suggestions import search_suggestions
from suppliers.services.names import supplier_rename
from tests.factories import ProductFactory
from tests.world_catalog import add_variant

pytestmark = pytest.mark.django_db


def names(**kwargs) -> list[str]:
    return [p.name for p in product_list(filters=ProductFilter(**kwargs))]


def test_pinyin_forms_of_place_and_product_names():
    assert pinyin_forms("山羊") == ["shanyang", "sy"]
    assert pinyin_forms("都安") == ["duan", "da"]  # the local reading, not dōu
    assert pinyin_forms("Goat") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("shanyang", {"都安山羊肉", "七百弄山羊"}),
        ("sy", {"都安山羊肉", "七百弄山羊"}),
        ("SHANYANG", {"都安山羊肉", "七百弄山羊"}),
        ("duan", {"都安山羊肉"}),  # the county 都安 (and the name)
        ("qibainong", {"七百弄鸡", "七百弄山羊"}),
        ("longchuan", {"龙川山茶油", "龙川桂林茶"}),
        ("dahua shanyang", {"七百弄山羊"}),  # every term must match
    ],
)
def test_pinyin_and_initials_find_products(products, query, expected):
    assert set(names(q=query)) == expected


def test_relevance_exact_then_prefix_then_contains_then_description(products, categories, suppliers):
    prefix = ProductFactory(name="山羊奶", supplier=suppliers["duan"], category=categories["meat"], with_variant=False)
    add_variant(prefix, spec="1瓶", price="20.00")
    exact = ProductFactory(name="山羊", supplier=suppliers["duan"], category=categories["meat"], with_variant=False)
    add_variant(exact, spec="1只", price="900.00")
    described = ProductFactory(
        name="黑猪肉", description="与山羊同山放养", supplier=suppliers["duan"], category=categories["meat"],
        with_variant=False,
    )
    add_variant(described, spec="1斤", price="30.00")
    result = names(q="山羊")
    assert result[:2] == ["山羊", "山羊奶"]
    assert set(result[2:4]) == {"都安山羊肉", "七百弄山羊"}
    assert result[-1] == "黑猪肉"
    assert names(q="shanyang")[:2] == ["山羊", "山羊奶"]  # pinyin of the name ranks the same way


def test_every_sort_lists_products_in_stock_first(products):
    for sort in ("relevance", "sales", "price_asc", "price_desc", "newest", "name", ""):
        assert names(sort=sort)[-1] == "七百弄鸡", sort  # its only variant has no stock
    assert names(sort="price_asc")[:2] == ["龙川桂林茶", "龙川山茶油"]
    assert names(sort="price_desc")[:2] == ["七百弄山羊", "都安山羊肉"]


def test_search_text_follows_product_and_supplier_changes(products, suppliers, django_capture_on_commit_callbacks):
    goat = products["goat"]
    owner = suppliers["duan"]
    with django_capture_on_commit_callbacks(execute=True):
        supplier_rename(supplier=owner, legal_name=owner.legal_name, short_name="瑶山合作社")
    goat.refresh_from_db()
    assert "yaoshanhezuoshe" in goat.search_text
    assert SearchTerm.objects.get(supplier=owner).label == "瑶山合作社"
    assert set(names(q="yshzs")) >= {"都安山羊肉"}


def test_suggestions_offer_products_suppliers_and_places(products, suppliers, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        found = search_suggestions(q="duan")
    assert [p.name for p in found["products"]] == ["都安山羊肉"]
    assert [t.kind for t in found["places"]] == ["county"]
    assert found["places"][0].region.slug == "duan"
    assert search_suggestions(q="  ") == {"products": [], "suppliers": [], "places": []}


def test_catalog_page_runs_the_same_queries_for_1_and_24_products(client, categories, suppliers, settings):
    settings.LISTING_PAGE_CACHE_SECONDS = 0  # what rendering costs: nothing kept, the count included
    for i in range(24):
        p = ProductFactory(name=f"山羊肉{i}", supplier=suppliers["duan"], category=categories["meat"], with_variant=False)
        add_variant(p, spec="1斤", price=f"{10 + i}.00", stock=i % 3)
    counts = {}
    client.get("/products/")  # warm what a process keeps (the region reference)
    for size in (1, 24):
        from frontend import views

        views.PAGE_SIZE, old = size, views.PAGE_SIZE
        try:
            for sort in ("relevance", "sales"):
                with CaptureQueriesContext(connection) as ctx:
                    assert client.get("/products/", {"q": "sy", "sort": sort}).status_code == 200
                counts[(size, sort)] = len(ctx.captured_queries)
        finally:
            views.PAGE_SIZE = old
    assert counts[(1, "relevance")] == counts[(24, "relevance")] == counts[(24, "sales")]
    assert counts[(24, "relevance")] <= 12
    print("catalog page queries:", counts)


def test_suggest_endpoint_and_catalog_cards(client, products):
    body = client.get("/products/suggest/", {"q": "sy"}).content.decode()
    assert "都安山羊肉" in body and "七百弄山羊" in body
    assert client.get("/products/suggest/", {"q": "\x00" * 100}).status_code == 200
    page = client.get("/products/", {"q": "shanyang"}).content.decode()
    assert 'data-suggest-url="/products/suggest/"' in page and "frontend/search.js" in page
    assert page.count('class="card-stats') == 2  # the sales line on each card
    product_page = client.get("/products/duan-goat-meat/").content.decode()
    assert 'class="card-stats' in product_page


def test_graphql_products_accept_search_and_sort(products, client):
    query = '{ products(filter: {search: "shanyang"}, sortBy: PRICE_ASC) { edges { node { name salesCount ratingCount ratingAverage } } } }'
    response = client.post("/graphql/", {"query": query}, content_type="application/json")
    nodes = [e["node"] for e in response.json()["data"]["products"]["edges"]]
    assert [n["name"] for n in nodes] == ["都安山羊肉", "七百弄山羊"]
    assert nodes[0] == {"name": "都安山羊肉", "salesCount": 0, "ratingCount": 0, "ratingAverage": None}

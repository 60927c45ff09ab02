"""The catalog page: search, filters, sort, pagination and bad input."""

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suppliers.models import CertificationKind
from tests.factories import DAHUA, CertificationFactory, ProductFactory, SupplierFactory
from tests.world_catalog import add_variant

pytestmark = pytest.mark.django_db


def product_names(response) -> list[str]:
    """Names of the listed products, in page order."""
    body = response.content.decode()
    return re.findall(r'<a class="stretched" href="/products/[^"]+/">([^<]+)</a>', body)


def get(client, **params):
    return client.get("/products/", params)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("山羊", {"都安山羊肉", "七百弄山羊"}),
        ("茶油", {"龙川山茶油"}),
        ("七百弄", {"七百弄鸡", "七百弄山羊"}),  # by name and by township (七百弄乡)
        ("大化 山羊", {"七百弄山羊"}),  # every term must match
        ("CAMELLIA", {"龙川山茶油"}),  # English name, case-insensitive
    ],
)
def test_search_finds_chinese_substrings(client, products, query, expected):
    response = get(client, q=query)
    assert response.status_code == 200
    assert set(product_names(response)) == expected


def test_search_for_youcha_finds_camellia_oil_through_synonyms(client, products, suppliers, categories):
    ProductFactory(name="都安油茶籽", slug="duan-seeds", supplier=suppliers["duan"], category=categories["oil"])
    assert set(product_names(get(client, q="油茶"))) == {"龙川山茶油", "都安油茶籽"}


def test_search_with_no_match_says_so(client, products):
    response = get(client, q="榴莲")
    assert response.status_code == 200
    assert product_names(response) == []
    assert 'class="empty"' in response.content.decode()


def test_filter_by_county_and_township(client, products):
    assert set(product_names(get(client, county="dahua"))) == {"七百弄鸡", "七百弄山羊"}
    assert set(product_names(get(client, county="441622"))) == {"龙川山茶油", "龙川桂林茶"}
    assert set(product_names(get(client, county="dahua", township="451229211"))) == {"七百弄鸡", "七百弄山羊"}


def test_township_choices_are_limited_to_the_chosen_county(client, products):
    body = get(client, county="dahua").content.decode()
    select = re.search(r'<select id="f-township".*?</select>', body, re.S).group(0)
    assert "七百弄乡" in select
    assert "义都镇" not in select  # a Longchuan township
    assert all(code.startswith(DAHUA) for code in re.findall(r'value="(\d{9})"', select))
    # Without a county every township is offered, grouped by county.
    all_select = re.search(r'<select id="f-township".*?</select>', get(client).content.decode(), re.S).group(0)
    assert "义都镇" in all_select and "七百弄乡" in all_select and "<optgroup" in all_select


def test_township_of_another_county_is_a_400_next_to_the_field(client, products):
    response = get(client, county="longchuan", township="451229211")
    assert response.status_code == 400
    assert 'id="f-township-error"' in response.content.decode()


def test_filter_by_category_certification_price_and_stock(client, products, suppliers):
    assert set(product_names(get(client, category="tea"))) == {"龙川桂林茶"}
    cert = CertificationFactory(supplier=suppliers["dahua"], kind=CertificationKind.GEOGRAPHICAL_INDICATION)
    products["chicken"].certifications.add(cert)
    assert set(product_names(get(client, certification="gi"))) == {"七百弄鸡"}
    assert set(product_names(get(client, price_min="100", price_max="400"))) == {"都安山羊肉", "七百弄鸡"}
    assert "七百弄鸡" not in product_names(get(client, in_stock="1"))  # its only variant has no stock
    assert len(product_names(get(client, in_stock="1"))) == 4


def test_filters_keep_their_values_in_the_form(client, products):
    body = get(client, county="dahua", sort="price_asc", in_stock="1", price_min="10").content.decode()
    assert '<option value="dahua" selected>' in body
    assert '<option value="price_asc" selected>' in body
    assert 'id="f-in_stock" type="checkbox" name="in_stock" value="1" checked' in body
    assert 'name="price_min" type="text" inputmode="decimal" value="10"' in body


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("price_asc", ["龙川桂林茶", "龙川山茶油", "都安山羊肉", "七百弄山羊", "七百弄鸡"]),
        ("price_desc", ["七百弄山羊", "都安山羊肉", "龙川山茶油", "龙川桂林茶", "七百弄鸡"]),
        ("newest", ["七百弄山羊", "龙川桂林茶", "都安山羊肉", "龙川山茶油", "七百弄鸡"]),
    ],
)
def test_sort_orders(client, products, sort, expected):
    assert product_names(get(client, sort=sort)) == expected


def test_sort_by_name(client, products):
    names = product_names(get(client, sort="name"))
    in_stock = [n for n in names if n != "七百弄鸡"]  # in stock first, then by name
    assert sorted(in_stock) == in_stock and names[-1] == "七百弄鸡" and len(names) == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "abc"}, "price_min"),
        ({"price_min": "-5"}, "price_min"),
        ({"price_min": "500", "price_max": "100"}, "price_max"),
        ({"county": "atlantis"}, "county"),
        ({"township": "12"}, "township"),
        ({"category": "no-such-category"}, "category"),
        ({"certification": "diamond"}, "certification"),
        ({"sort": "cheapest"}, "sort"),
        ({"in_stock": "maybe"}, "in_stock"),
        ({"q": "山" * 65}, "q"),
    ],
)
def test_bad_filter_is_a_400_with_the_message_next_to_the_field(client, products, params, field):
    response = get(client, **params)
    assert response.status_code == 400
    body = response.content.decode()
    assert re.search(r'<html lang="zh-hans"', body)
    assert f'id="f-{field}-error"' in body
    assert f'aria-describedby="f-{field}-error"' in body or f'f-{field}-error"' in body
    assert 'aria-invalid="true"' in body
    assert product_names(response) == []


def test_bad_filter_message_is_the_selectors_message(client, products):
    from django.utils import translation

    from catalog.selectors import product_filter_parse

    with translation.override("zh-hans"):
        try:
            product_filter_parse({"price_min": "abc"})
        except Exception as exc:  # noqa: BLE001 - we want its message
            expected = exc.message_dict["price_min"][0]
    body = get(client, price_min="abc").content.decode()
    assert re.search(r'id="f-price_min-error">\s*' + re.escape(expected), body)


@pytest.fixture
def many_products(regions, categories):
    supplier = SupplierFactory(county_code=DAHUA)
    made = [ProductFactory(name=f"大化特产{i:02d}", slug=f"dahua-{i}", supplier=supplier, category=categories["meat"])
            for i in range(30)]
    return made


def test_pagination_24_per_page_with_page_numbers(client, many_products):
    first = get(client)
    assert len(product_names(first)) == 24
    body = first.content.decode()
    assert 'href="?page=2"' in body and 'aria-current="page"' in body
    second = get(client, page="2")
    assert len(product_names(second)) == 6
    assert not set(product_names(first)) & set(product_names(second))


def test_pagination_keeps_the_filters(client, many_products):
    body = get(client, q="大化", sort="name").content.decode()
    assert "q=%E5%A4%A7%E5%8C%96&amp;sort=name&amp;page=2" in body


@pytest.mark.parametrize("page", ["3", "0", "99999999999999999999"])
def test_out_of_range_page_is_404(client, many_products, page):
    assert get(client, page=page).status_code == 404


@pytest.mark.parametrize("page", ["abc", "1.5", "-1", "²"])
def test_non_numeric_page_is_400_with_a_message(client, many_products, page):
    response = get(client, page=page)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="page-error"' in body
    assert len(product_names(response)) == 24  # the first page is shown below the message


def test_prices_are_shown_from_exact_decimals(client, products):
    add_variant(products["tea"], spec="1kg/箱", price="1234.56")
    body = get(client, q="桂林茶").content.decode()
    assert "¥45.50" in body
    assert Decimal("45.50") == products["tea"].variants.order_by("price").first().price


@pytest.mark.parametrize("field", ["q", "county", "township", "category", "supplier", "sort", "price_min"])
def test_nul_characters_are_a_400_not_a_crash(client, products, field):
    response = get(client, **{field: "山\x00羊"})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


FILTER_NAMES = ["q", "county", "township", "category", "certification", "supplier",
                "price_min", "price_max", "in_stock", "sort", "page"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from(FILTER_NAMES), st.text(max_size=80), max_size=5))
def test_any_query_string_gives_a_page_or_a_4xx(client, products, params):
    response = client.get("/products/", params)
    assert response.status_code in (200, 400, 404)

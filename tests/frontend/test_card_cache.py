"""Product cards kept one by one (issue 15): a grid that is not kept whole (a search, a price
filter, a page drawn after an order) draws only the cards whose content changed, and a card
shows every change to what it displays on the next request, even one made outside the
services (its key is the digest of what it shows)."""

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import connection
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, Product
from catalog.services.images import product_image_add
from catalog.services.listings import stock_update_many
from tests.world import build_order_world, place, place_paid, png_upload

pytestmark = pytest.mark.django_db

CARD = "frontend/includes/product_card.html"
SEARCH = "/products/?price_max=100000"  # a price filter: the page is rendered every time


@pytest.fixture
def world(regions):
    return build_order_world()


def visit(client, url: str) -> tuple[str, int]:
    """The page's HTML and how many SQL statements it ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


@contextmanager
def drawn_cards() -> Iterator[list[str]]:
    """The names of the products whose card the template engine drew meanwhile."""
    names: list[str] = []

    def seen(sender, template, context, **kwargs):
        if template.name == CARD:
            names.append(context["product"].name)

    template_rendered.connect(seen)
    try:
        yield names
    finally:
        template_rendered.disconnect(seen)


def grid(html: str) -> str:
    return html.split('class="product-grid"', 1)[1].split("</ul>", 1)[0]


def card_of(html: str, name: str) -> str:
    return next(card for card in grid(html).split("<li>") if name in card)


def test_a_search_draws_each_card_once_and_a_change_redraws_only_that_card(client, world):
    with drawn_cards() as first:
        before, _ = visit(client, SEARCH)
    assert sorted(first) == ["都安山羊肉", "龙川山茶油"]
    with drawn_cards() as again:
        html, _ = visit(client, SEARCH)
    assert again == [] and grid(html) == grid(before)

    stock_update_many(supplier=world.supplier_a, actor=world.owner_a, changes={world.variant_a.pk: 0})
    with drawn_cards() as after_edit:
        html, _ = visit(client, SEARCH)
    assert after_edit == ["龙川山茶油"]
    assert "缺货" in card_of(html, "龙川山茶油") and "缺货" not in card_of(html, "都安山羊肉")


def test_an_order_redraws_no_card_until_it_is_paid(client, world):
    """Placing an order moves stock (both products stay in stock): no card shows stock
    figures, so none is drawn again. The payment counts a sale, which the card shows."""
    visit(client, SEARCH)
    place(world, items=[(world.variant_a, 2)])
    with drawn_cards() as after_order:
        visit(client, SEARCH)
    assert after_order == []
    place_paid(world, items=[(world.variant_b, 3)])
    with drawn_cards() as after_payment:
        html, _ = visit(client, SEARCH)
    assert after_payment == ["都安山羊肉"]
    assert "3" in card_of(html, "都安山羊肉").split("card-stats", 1)[1]


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        ({"name": "改名的山茶油"}, "改名的山茶油"),
        ({"min_price": Decimal("12.30")}, "¥12.30"),
        ({"total_stock": 0}, "缺货"),
        ({"sales_units": 4321}, "4321"),
        ({"rating_sum": 9, "rating_count": 2}, "★ 4.5"),
    ],
    ids=["name", "price", "stock", "sales", "rating"],
)
def test_a_change_made_outside_the_services_shows_on_the_card_at_once(client, world, change, shown):
    product = world.variant_a.product
    name = change.get("name", product.name)
    before, _ = visit(client, SEARCH)
    assert shown not in card_of(before, product.name)
    Product.objects.filter(pk=product.pk).update(**change)  # raw: no listing version moves
    html, _ = visit(client, SEARCH)
    assert shown in card_of(html, name)


def test_a_category_rename_and_a_new_photo_show_on_the_card(client, world):
    product = world.variant_a.product
    visit(client, SEARCH)
    Category.objects.filter(pk=product.category_id).update(name="山珍特产")
    product_image_add(product=product, actor=world.owner_a, upload=png_upload())
    card = card_of(visit(client, SEARCH)[0], product.name)
    assert "<img" in card
    Product.objects.filter(pk=product.pk).update(total_stock=0)
    product.images.all().delete()
    card = card_of(visit(client, SEARCH)[0], product.name)
    assert "<img" not in card and "山珍特产" in card


def test_each_language_has_its_own_cards(client, world):
    Product.objects.filter(pk=world.variant_a.product.pk).update(name_en="Longchuan camellia oil")
    zh, _ = visit(client, SEARCH)
    client.cookies["django_language"] = "en"
    with drawn_cards() as drawn:
        en, _ = visit(client, SEARCH)
    assert len(drawn) == 2
    assert "Longchuan camellia oil" in grid(en) and "and up" in grid(en)
    assert "龙川山茶油" in grid(zh) and "起" in grid(zh)


def test_the_catalog_the_home_page_and_a_supplier_page_share_the_cards(client, world):
    visit(client, SEARCH)
    with drawn_cards() as drawn:
        home, _ = visit(client, "/")
        supplier, _ = visit(client, f"/suppliers/{world.supplier_a.slug}/")
    assert drawn == []
    assert "龙川山茶油" in grid(home) and "龙川山茶油" in grid(supplier)


def test_cards_are_drawn_when_the_cache_does_not_answer_or_keeps_nothing(client, world, settings):
    settings.LISTING_PAGE_CACHE_SECONDS = 0
    visit(client, SEARCH)
    with drawn_cards() as drawn:
        visit(client, SEARCH)
    assert len(drawn) == 2  # nothing kept
    settings.LISTING_PAGE_CACHE_SECONDS = 300
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    with drawn_cards() as drawn:
        html, _ = visit(client, SEARCH)
    assert sorted(drawn) == ["都安山羊肉", "龙川山茶油"] and "龙川山茶油" in grid(html)

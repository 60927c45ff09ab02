"""The kept catalog and product pages (issue 15): a repeat visit runs no SQL statement, and
every change a visitor could see — through the services, an order, or the admin — shows on
the very next request."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, Product
from catalog.services.images import product_image_add
from catalog.services.listings import product_archive, product_update, stock_update_many
from shop.common import listing_version as lv
from suppliers.services.names import supplier_rename
from suppliers.services.status import supplier_suspend
from tests.frontend.buying_world import login
from tests.world import build_order_world, place, png_upload

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def world(regions):
    return build_order_world()


def visit(client, url: str, status: int = 200) -> tuple[str, int]:
    """The page's HTML (its CSRF token blanked) and how many SQL statements it ran."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status
    return CSRF.sub("", response.content.decode()), len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/products/", "/products/?county=longchuan&in_stock=1&sort=price_asc", "/products/?page=1"])
def test_a_repeat_visit_to_the_catalog_runs_no_statement_and_shows_the_same_page(client, world, url):
    first, cold = visit(client, url)
    again, warm = visit(client, url)
    assert cold > 0 and warm == 0
    assert again == first
    assert "龙川山茶油" in again


def test_a_repeat_visit_to_a_product_page_runs_no_statement(client, world):
    slug = world.variant_a.product.slug
    first, cold = visit(client, f"/products/{slug}/")
    again, warm = visit(client, f"/products/{slug}/")
    assert cold > 0 and warm == 0
    assert again == first
    assert "<title>龙川山茶油" in again and "Log in to order" in again or "登录" in again


def test_a_signed_in_buyer_gets_the_cart_form_never_a_kept_page(client, world):
    slug = world.variant_a.product.slug
    visit(client, f"/products/{slug}/")  # kept for visitors
    login(client, world.purchaser_a)
    html, statements = visit(client, f"/products/{slug}/")
    assert 'id="buy-box"' in html and statements > 0
    client.logout()
    html, statements = visit(client, f"/products/{slug}/")
    assert 'id="buy-box"' not in html and statements == 0


def test_search_text_and_prices_are_rendered_every_time(client, world):
    for url in ("/products/?q=山茶油", "/products/?price_min=1&price_max=100", f"/products/?supplier={world.supplier_a.slug}"):
        visit(client, url)
        assert visit(client, url)[1] > 0, url


def test_refused_filters_and_missing_pages_are_not_kept(client, world):
    visit(client, "/products/?county=nowhere", status=400)
    assert visit(client, "/products/?county=nowhere", status=400)[1] > 0
    visit(client, "/products/?page=9", status=404)
    assert visit(client, "/products/?page=9", status=404)[1] > 0
    visit(client, "/products/no-such/", status=404)
    assert visit(client, "/products/no-such/", status=404)[1] > 0


def test_each_language_has_its_own_page(client, world):
    zh, _ = visit(client, "/products/")
    client.cookies["django_language"] = "en"
    en, _ = visit(client, "/products/")
    assert 'lang="zh-hans"' in zh and 'lang="en"' in en
    assert "All products" in en and "全部商品" in zh


def test_a_listing_edit_shows_at_once(client, world):
    product = world.variant_a.product
    visit(client, "/products/")
    visit(client, f"/products/{product.slug}/")
    product_update(product=product, actor=world.owner_a, storage="冷藏 0–4℃")
    assert "冷藏 0–4℃" in visit(client, f"/products/{product.slug}/")[0]
    product_archive(product=product, actor=world.owner_a)
    assert "龙川山茶油" not in visit(client, "/products/")[0]
    visit(client, f"/products/{product.slug}/", status=404)


def test_stock_left_after_an_order_and_a_stock_edit_shows_at_once(client, world):
    product = world.variant_a.product
    before = world.variant_a.stock
    visit(client, f"/products/{product.slug}/")
    place(world, items=[(world.variant_a, 2)])
    assert f"({before - 2})" in visit(client, f"/products/{product.slug}/")[0]
    stock_update_many(supplier=world.supplier_a, actor=world.owner_a, changes={world.variant_a.pk: 0})
    assert "card" in visit(client, "/products/")[0]
    html, _ = visit(client, f"/products/{product.slug}/")
    assert "stock-out" in html


def test_a_new_photo_and_a_supplier_change_show_at_once(client, world):
    product = world.variant_a.product
    visit(client, "/products/")
    visit(client, f"/products/{product.slug}/")
    product_image_add(product=product, actor=world.owner_a, upload=png_upload())
    assert "<img" in visit(client, "/products/")[0].split('class="product-grid"')[1]
    supplier_rename(supplier=world.supplier_a, legal_name="龙川县新名字合作社", actor=world.staff)
    assert "龙川县新名字合作社" in visit(client, f"/products/{product.slug}/")[0]
    supplier_suspend(supplier=world.supplier_a, reason="抽检不合格", actor=world.staff)
    assert "龙川山茶油" not in visit(client, "/products/")[0]


def test_a_category_renamed_in_the_admin_shows_at_once(client, world):
    category = world.variant_a.product.category
    visit(client, "/products/")
    login(client, world.staff)
    response = client.post(
        f"/admin/catalog/category/{category.pk}/change/",
        {"name": "山珍特产", "name_en": category.name_en, "slug": category.slug, "position": category.position,
         "parent": category.parent_id or ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    assert Category.objects.get(pk=category.pk).name == "山珍特产"
    assert "山珍特产" in visit(client, "/products/")[0]


def test_a_change_outside_the_services_waits_for_the_entry_to_expire(client, world, settings):
    """A raw write (no service, no admin) is not seen until the entry's lifetime ends: here
    the lifetime is 0, so nothing is kept and the change shows."""
    product = world.variant_a.product
    visit(client, "/products/")
    Product.objects.filter(pk=product.pk).update(name="改名的山茶油")
    assert "改名的山茶油" not in visit(client, "/products/")[0]  # kept: the version did not move
    settings.LISTING_PAGE_CACHE_SECONDS = 0
    html, statements = visit(client, "/products/")
    assert "改名的山茶油" in html and statements > 0


def test_a_lost_version_starts_above_every_earlier_one(world):
    first = lv.listing_version()
    for _ in range(3):
        lv.listings_changed()
    moved = lv.listing_version()
    assert moved == first + 3
    cache.delete(lv.KEY)  # evicted, or the cache was flushed
    assert lv.listing_version() > moved


def test_the_pages_render_when_the_cache_does_not_answer(client, world, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"},
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    assert "龙川山茶油" in visit(client, "/products/")[0]
    assert "龙川山茶油" in visit(client, f"/products/{world.variant_a.product.slug}/")[0]
    # and a write does not fail for want of the version
    product_update(product=world.variant_a.product, actor=world.owner_a, storage="常温")


def test_paging_through_a_search_counts_once(client, world):
    """A search page is rendered every time, but its total is kept: coming back to the same
    search runs no second COUNT, until a listing changes."""

    def counts(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return sum(1 for q in ctx.captured_queries if "COUNT(" in q["sql"].upper())

    assert counts("/products/?q=山&sort=price_asc") == 1
    assert counts("/products/?q=山&sort=price_asc") == 0
    assert counts("/products/?q=山&sort=newest") == 1  # another filter (the sort is part of it)
    product_update(product=world.variant_a.product, actor=world.owner_a, storage="阴凉干燥处")
    assert counts("/products/?q=山&sort=price_asc") == 1

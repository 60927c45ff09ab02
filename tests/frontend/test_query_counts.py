"""Each page runs the same number of SQL queries whatever the amount of data behind it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product, ProductVariant
from orders.models import EntryKind, LedgerEntry
from orders.services.ledger import ledger_append
from suppliers.models import CertificationKind
from tests.factories import (
    DAHUA,
    LONGCHUAN,
    CampaignFactory,
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    SupplierFactory,
)
from tests.frontend.buying_world import login
from tests.world import build_order_world
from tests.world_catalog import add_variant, attach_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    """What rendering a page costs: the kept catalog and product pages are off here
    (tests/frontend/test_page_cache.py counts a kept page: no statement at all)."""
    settings.LISTING_PAGE_CACHE_SECONDS = 0


def count_queries(client, url: str, status: int = 200) -> int:
    client.get(url)  # warm caches that are not per-request (content types, QR codes)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == status
    return len(ctx.captured_queries)


def make_world(n: int, *, with_images: bool) -> None:
    """``n`` visible products over several suppliers, categories and both counties."""
    from django.utils import timezone

    parent = CategoryFactory(slug="food", name="食品")
    categories = [CategoryFactory(slug=f"cat-{i}", name=f"类目{i}", parent=parent) for i in range(3)]
    suppliers = [
        SupplierFactory(slug=f"sup-{i}", county_code=LONGCHUAN if i % 2 else DAHUA) for i in range(4)
    ]
    for supplier in suppliers:
        CertificationFactory(supplier=supplier, kind=CertificationKind.GREEN)
    for i in range(n):
        product = ProductFactory(
            slug=f"item-{i}", supplier=suppliers[i % 4], category=categories[i % 3], is_featured=i % 2 == 0
        )
        product.certifications.add(suppliers[i % 4].certifications.first())
        if with_images and i < 10:
            attach_image(product)
    campaign = CampaignFactory()
    ledger_append(entries=[LedgerEntry(
        campaign=campaign, kind=EntryKind.OFFLINE, amount_fen=123_456, county_id=LONGCHUAN,
        occurred_at=timezone.now(),
    )])


PAGES = [
    "/",
    "/products/",
    "/products/?county=dahua&category=food&sort=price_asc&in_stock=1&certification=green",
    "/products/?q=山茶油&price_min=1&price_max=1000",
    "/products/?county=longchuan&township=441622100",
    "/products/?page=2",
    "/suppliers/sup-1/",
    "/counties/longchuan/",
    "/counties/dahua/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_queries_do_not_grow_with_the_data(client, regions, url):
    make_world(30, with_images=False)
    small = count_queries(client, url)
    make_world_more(100)
    assert count_queries(client, url) == small


def make_world_more(extra: int) -> None:
    """Adds products (with images) to the suppliers and categories already there."""
    from catalog.models import Category
    from suppliers.models import Supplier

    suppliers = list(Supplier.objects.order_by("slug"))
    categories = list(Category.objects.filter(parent__isnull=False).order_by("slug"))
    for i in range(extra):
        product = ProductFactory(
            slug=f"more-{i}", supplier=suppliers[i % len(suppliers)],
            category=categories[i % len(categories)], is_featured=True,
        )
        product.certifications.add(*suppliers[i % len(suppliers)].certifications.all())
        if i < 30:
            attach_image(product)
            attach_image(product)


def test_catalog_with_5_and_with_100_products(client, regions):
    make_world(5, with_images=True)
    five = count_queries(client, "/products/")
    make_world_more(95)
    assert count_queries(client, "/products/") == five
    assert count_queries(client, "/products/?page=4") == five


def test_home_with_5_and_with_100_products(client, regions):
    make_world(5, with_images=True)
    five = count_queries(client, "/")
    make_world_more(95)
    assert count_queries(client, "/") == five


@pytest.mark.parametrize("url", ["/products/rich/", "/trace/rich/"])
def test_product_page_with_1_or_5_variants_images_and_certifications(client, regions, url):
    supplier = SupplierFactory(slug="rich-coop")
    product = ProductFactory(slug="rich", supplier=supplier, with_variant=False)
    add_variant(product, spec="1斤", price="10.00")
    attach_image(product)
    product.certifications.add(CertificationFactory(supplier=supplier))
    one = count_queries(client, url)
    for i in range(4):
        add_variant(product, spec=f"{i + 2}斤", price=f"{10 * (i + 2)}.00")
        attach_image(product)
        product.certifications.add(CertificationFactory(supplier=supplier, kind=CertificationKind.ORGANIC))
    assert ProductVariant.objects.filter(product=product).count() == 5
    assert product.images.count() == 5
    assert count_queries(client, url) == one


def test_supplier_page_with_1_or_many_products_and_certifications(client, regions):
    supplier = SupplierFactory(slug="busy-coop")
    ProductFactory(supplier=supplier)
    CertificationFactory(supplier=supplier)
    one = count_queries(client, "/suppliers/busy-coop/")
    for _ in range(20):
        product = ProductFactory(supplier=supplier)
        attach_image(product)
    for kind in (CertificationKind.GREEN, CertificationKind.ORGANIC, CertificationKind.POVERTY_PRODUCT):
        CertificationFactory(supplier=supplier, kind=kind)
    assert count_queries(client, "/suppliers/busy-coop/") == one


def test_query_budget_stays_small(client, regions):
    """Not an exact pin (selectors may change), only a guard against a page going wild."""
    make_world(10, with_images=True)
    for url in ("/", "/products/", "/products/item-1/", "/trace/item-1/", "/suppliers/sup-1/",
                "/counties/longchuan/"):
        assert count_queries(client, url) <= 12, url


# --- Issue 15: a statement budget per page, whatever the page size -------------------------
# Anonymous visitors: at most 5 statements on every catalog page. A signed-in buyer adds
# exactly two (the user, and the acting membership with the cart count); the session is read
# from the cache. Counted with CaptureQueriesContext on SQLite and on PostgreSQL alike.

BUDGET_PAGES = [
    "/",
    "/products/",
    "/products/?county=dahua&category=food&sort=price_asc&in_stock=1&certification=green",
    "/products/?category=cat-1&township=451229211",
    "/products/?page=2",
    "/suppliers/sup-1/",
    "/products/item-1/",
]
ANONYMOUS_BUDGET = 5
SIGNED_IN_EXTRA = 2


def _world_with(n: int) -> None:
    make_world(n, with_images=True)
    for i in range(min(n, 3)):
        product = Product.objects.get(slug=f"item-{i}")
        add_variant(product, spec=f"{i + 2}斤", price="30.00")


@pytest.mark.parametrize("url", BUDGET_PAGES)
def test_anonymous_catalog_pages_stay_within_five_statements_with_3_or_30_products(client, regions, url):
    _world_with(3 if url != "/products/?page=2" else 30)
    small = count_queries(client, url)
    make_world_more(27)
    assert count_queries(client, url) == small
    assert small <= ANONYMOUS_BUDGET, f"{url}: {small} statements"


@pytest.mark.parametrize("url", ["/", "/products/", "/products/?county=dahua&in_stock=1", "/products/item-1/"])
def test_a_signed_in_buyer_costs_two_statements_more(client, regions, url):
    _world_with(30)
    anonymous = count_queries(client, url)
    world = build_order_world()
    login(client, world.purchaser_a)
    assert client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "2"}).status_code == 302
    signed_in = count_queries(client, url)
    assert signed_in == anonymous + SIGNED_IN_EXTRA
    assert 'id="cart-count">1<' in client.get(url).content.decode()  # the count comes with the membership


def test_the_catalog_page_shows_the_same_cards_after_the_cuts(client, regions):
    """Origins now come from the region reference, categories from one query: the page
    still names each product's county and township and offers every township of a county."""
    _world_with(3)
    html = client.get("/products/?county=dahua").content.decode()
    assert "大化" in html and "七百弄乡" in html
    product = Product.objects.get(slug="item-0")
    assert product.township.name in client.get("/products/").content.decode()
    assert client.get("/products/?county=nowhere").status_code == 400
    assert client.get("/products/?category=no-such").status_code == 400
    assert client.get("/products/?county=longchuan&township=451229211").status_code == 400  # a Dahua township

"""The portal's pages run the same number of SQL queries whatever the number of listings,
specifications and photos."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductStatus, ProductVariant
from catalog.services.images import product_image_add
from catalog.services.listings import variant_create
from catalog.services.review import product_reject
from tests.world import listing, png_upload

pytestmark = pytest.mark.django_db



def add_listings(world, n: int, start: int = 0) -> None:
    """``n`` listings of our supplier, some with low stock, some rejected, all with a photo
    and two specifications."""
    for i in range(start, start + n):
        submitted = i % 5 == 0
        product = listing(
            world["ours"], world["category"], name=f"龙川特产{i}", stock=3 if i % 3 == 0 else 40,
            **({"status": ProductStatus.SUBMITTED, "is_published": False} if submitted else {}),
        )
        variant_create(product=product, actor=None, spec="10斤/箱", unit="箱", price="99", stock=i)
        if submitted:
            product_reject(product=product, reason="请补充产地照片")


def count(client, method: str, url: str, data=None) -> int:
    getattr(client, method)(url, data)  # warm per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data)
    assert response.status_code in (200, 302), response.status_code
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/portal/", "/portal/products/", "/portal/products/?status=approved&q=特产", "/portal/stock/"],
)
def test_list_pages_do_not_grow_with_the_listings(client, portal_world, url):
    client.force_login(portal_world["owner"])
    add_listings(portal_world, 3)
    small = count(client, "get", url)
    add_listings(portal_world, 27, start=3)
    assert count(client, "get", url) == small


def test_product_pages_do_not_grow_with_specifications_and_photos(client, portal_world):
    client.force_login(portal_world["owner"])
    product = portal_world["our_product"]
    urls = [f"/portal/products/{product.pk}/", f"/portal/products/{product.pk}/images/"]
    small = [count(client, "get", url) for url in urls]
    for i in range(8):
        variant_create(product=product, actor=None, spec=f"{i + 2}斤/箱", unit="箱", price="50", stock=i)
        product_image_add(product=product, upload=png_upload(f"{i}.png"))
    assert [count(client, "get", url) for url in urls] == small


def test_saving_stock_does_not_grow_with_the_listings(client, portal_world):
    """The POST's cost depends on how many quantities changed, not on how many there are."""
    client.force_login(portal_world["owner"])

    def post_two_changes() -> int:
        variants = list(ProductVariant.objects.filter(product__supplier=portal_world["ours"]).order_by("pk"))
        data = {}
        for v in variants:
            data[f"stock-{v.pk}"] = str(v.stock)
            data[f"was-{v.pk}"] = str(v.stock)
        for v in variants[:2]:
            data[f"stock-{v.pk}"] = str(v.stock + 1)
        with CaptureQueriesContext(connection) as ctx:
            assert client.post("/portal/stock/", data).status_code == 302
        return len(ctx.captured_queries)

    add_listings(portal_world, 3)
    post_two_changes()  # warm
    small = post_two_changes()
    add_listings(portal_world, 27, start=3)
    assert post_two_changes() == small

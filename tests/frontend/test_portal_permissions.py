"""Who may use the supplier portal: a matrix over every portal URL. A member of the supplier
acts on its own objects; anonymous visitors are sent to the login page; buyers,
coordinators and staff who are not members get 403; a member of another supplier gets 404
for every object id that is not its own, and nothing changes."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from shop.common.models import AuditEvent
from suppliers.models import SupplierStatus
from tests.world import supplier_member

pytestmark = pytest.mark.django_db



def urls(product: Product) -> dict[str, tuple[str, str]]:
    """name -> (method, url) for every portal page, aimed at ``product``."""
    image = product.images.first()
    return {
        "dashboard": ("get", "/portal/"),
        "products": ("get", "/portal/products/"),
        "new": ("get", "/portal/products/new/"),
        "stock": ("get", "/portal/stock/"),
        "edit": ("get", f"/portal/products/{product.pk}/"),
        "images": ("get", f"/portal/products/{product.pk}/images/"),
        "submit": ("post", f"/portal/products/{product.pk}/submit/"),
        "archive": ("post", f"/portal/products/{product.pk}/archive/"),
        "restore": ("post", f"/portal/products/{product.pk}/restore/"),
        "image_main": ("post", f"/portal/products/{product.pk}/images/{image.pk}/main/"),
        "image_move": ("post", f"/portal/products/{product.pk}/images/{image.pk}/move/"),
        "image_delete": ("post", f"/portal/products/{product.pk}/images/{image.pk}/delete/"),
    }


OBJECT_URLS = ("edit", "images", "submit", "archive", "restore", "image_main", "image_move", "image_delete")


def state() -> tuple:
    """Everything the portal could change."""
    return (
        list(Product.objects.order_by("pk").values_list("pk", "status", "name", "is_visible")),
        list(ProductVariant.objects.order_by("pk").values_list("pk", "stock", "price", "is_active")),
        list(ProductImage.objects.order_by("pk").values_list("pk", "position")),
        AuditEvent.objects.count(),
    )


def call(client, method: str, url: str):
    return getattr(client, method)(url, {"position": "1"} if method == "post" else None)


@pytest.mark.parametrize("name", ["dashboard", "products", "new", "stock", *OBJECT_URLS])
def test_anonymous_visitors_are_sent_to_the_login_page(client, portal_world, name):
    method, url = urls(portal_world["our_product"])[name]
    before = state()
    response = call(client, method, url)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert "next=" in response["Location"]
    assert state() == before


@pytest.mark.parametrize("who", ["buyer", "coordinator", "staff"])
@pytest.mark.parametrize("name", ["dashboard", "products", "new", "stock", *OBJECT_URLS])
def test_people_who_are_not_supplier_members_get_403(client, portal_world, who, name):
    client.force_login(portal_world[who])
    method, url = urls(portal_world["our_product"])[name]
    before = state()
    assert call(client, method, url).status_code == 403
    assert state() == before


@pytest.mark.parametrize("name", OBJECT_URLS)
def test_another_suppliers_objects_are_404_and_unchanged(client, portal_world, name):
    client.force_login(portal_world["stranger"])
    method, url = urls(portal_world["our_product"])[name]
    before = state()
    assert call(client, method, url).status_code == 404
    assert state() == before


@pytest.mark.parametrize("name", ["image_main", "image_move", "image_delete"])
def test_another_suppliers_image_under_our_product_is_404(client, portal_world, name):
    client.force_login(portal_world["owner"])
    ours, theirs = portal_world["our_product"], portal_world["their_product"]
    image = theirs.images.get()
    url = f"/portal/products/{ours.pk}/images/{image.pk}/{name.split('_')[1]}/"
    before = state()
    assert client.post(url, {"position": "1"}).status_code == 404
    assert state() == before


@pytest.mark.parametrize("who", ["owner", "colleague"])
@pytest.mark.parametrize("name", ["dashboard", "products", "new", "stock", "edit", "images"])
def test_members_of_the_supplier_open_every_page(client, portal_world, who, name):
    client.force_login(portal_world[who])
    method, url = urls(portal_world["our_product"])[name]
    response = call(client, method, url)
    assert response.status_code == 200
    assert portal_world["their_product"].name not in response.content.decode()


def test_not_yet_approved_suppliers_see_a_notice_instead(client, portal_world):
    from tests.factories import SupplierFactory

    applied = SupplierFactory(status=SupplierStatus.RECOMMENDED, legal_name="大化县新申请合作社")
    client.force_login(supplier_member(applied, "applicant"))
    for name in ("dashboard", "products", "stock", "new"):
        response = client.get(urls(portal_world["our_product"])[name][1])
        assert response.status_code == 403
        assert "大化县新申请合作社" in response.content.decode()


def test_a_suspended_supplier_sees_its_listings_but_cannot_submit(client, portal_world):
    supplier = portal_world["ours"]
    supplier.status = SupplierStatus.SUSPENDED
    supplier.status_reason = "资料待补充"
    supplier.save()
    client.force_login(portal_world["owner"])
    response = client.get("/portal/")
    assert response.status_code == 200 and "资料待补充" in response.content.decode()
    draft = Product.objects.create(
        supplier=supplier, category=portal_world["category"], name="草稿", slug="draft-1",
        county=supplier.county, township=supplier.township, status=ProductStatus.DRAFT,
    )
    response = client.post(f"/portal/products/{draft.pk}/submit/")
    assert response.status_code == 403 and "暂停" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ProductStatus.DRAFT


def test_wrong_methods_are_refused(client, portal_world):
    client.force_login(portal_world["owner"])
    product = portal_world["our_product"]
    assert client.get(f"/portal/products/{product.pk}/submit/").status_code == 405
    assert client.delete("/portal/stock/").status_code == 405

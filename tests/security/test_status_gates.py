"""A supplier suspended by staff, or a buyer organization suspended (or not yet verified),
is refused on every write path on the very next request of a session opened before, and
after a fresh login; the database stays as it was. Fulfilment of paid orders goes on."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from orders.models import Cart, Fulfilment, FulfilmentStatus, Order, PaymentMethod
from orders.services.cart import cart_line_add
from orders.services.checkout import order_place
from orders.services.fulfilment import fulfilment_confirm
from orders.services.payments import order_mark_paid
from shop.accounts.models import OrganizationStatus
from shop.accounts.services import AddressData, address_save, organization_set_status
from shop.accounts.services_members import member_invite
from suppliers.services.status import supplier_reinstate, supplier_suspend
from tests import world as worlds
from tests.graphql.api_world import client_for, codes, database_snapshot, gid, post, post_multipart

pytestmark = pytest.mark.django_db
E = "errors { field code message }"
REFUSED = [(None, "SUPPLIER_NOT_APPROVED")]


@pytest.fixture
def world(regions):
    return worlds.build_api_world()


def suspend(world):
    supplier_suspend(supplier=world.ours, reason="价格欺诈调查", actor=world.staff)


def mutations(world):
    product, variant = gid("Product", world.product), gid("Variant", world.variant)
    image = gid("ProductImage", world.images()[0])
    return {
        "productCreate": ("mutation($i: ProductCreateInput!) { productCreate(input: $i) { product { id } " + E + " } }",
                          {"i": {"name": "新品", "category": gid("Category", world.category), "township": world.township.code}}),
        "productUpdate": ("mutation($id: ID!) { productUpdate(id: $id, input: {name: \"改名\"}) { product { id } " + E + " } }",
                          {"id": product}),
        "variantUpdate": ("mutation($id: ID!) { variantUpdate(id: $id, input: {price: \"1.00\"}) { variant { id } " + E + " } }",
                          {"id": variant}),
        "variantCreate": ("mutation($p: ID!) { variantCreate(productId: $p, input: {spec: \"1斤\", unit: \"袋\", price: \"9.90\"}) { variant { id } " + E + " } }",
                          {"p": product}),
        "variantArchive": ("mutation($id: ID!) { variantArchive(id: $id) { variant { id } " + E + " } }", {"id": variant}),
        "stockUpdate": ("mutation($c: [StockChangeInput!]!) { stockUpdate(changes: $c) { variants { id } " + E + " } }",
                        {"c": [{"variantId": variant, "stock": 9999}]}),
        "productSubmit": ("mutation($id: ID!) { productSubmit(id: $id) { product { id } " + E + " } }", {"id": product}),
        "productArchive": ("mutation($id: ID!) { productArchive(id: $id) { product { id } " + E + " } }", {"id": product}),
        "productImageReorder": ("mutation($p: ID!, $ids: [ID!]!) { productImageReorder(productId: $p, imageIds: $ids) { product { id } " + E + " } }",
                                {"p": product, "ids": [gid("ProductImage", i) for i in reversed(world.images())]}),
        "productImageSetMain": ("mutation($id: ID!) { productImageSetMain(id: $id) { image { id } " + E + " } }",
                                {"id": gid("ProductImage", world.images()[1])}),
        "productImageDelete": ("mutation($id: ID!) { productImageDelete(id: $id) { deletedId " + E + " } }", {"id": image}),
    }


NAMES = [
    "productCreate", "productUpdate", "variantUpdate", "variantCreate", "variantArchive", "stockUpdate",
    "productSubmit", "productArchive", "productImageReorder", "productImageSetMain", "productImageDelete",
]


@pytest.mark.parametrize("session", ["existing", "fresh"])
@pytest.mark.parametrize("name", NAMES)
def test_a_suspended_supplier_is_refused_on_every_listing_mutation(world, name, session):
    owner = client_for(world.owner)  # logged in before the suspension
    suspend(world)
    if session == "fresh":
        owner = client_for(world.owner)
    before = database_snapshot()
    query, variables = mutations(world)[name]
    result = post(owner, query, variables)
    assert codes(result, name) == REFUSED
    assert "暂停" in result["data"][name]["errors"][0]["message"]
    assert database_snapshot() == before


def test_a_suspended_supplier_cannot_upload_photos_over_the_api(world):
    owner = client_for(world.owner)
    suspend(world)
    before = database_snapshot()
    query = "mutation($p: ID!, $images: [Upload!]!) { productImageUpload(productId: $p, images: $images) { images { id } " + E + " } }"
    result = post_multipart(owner, query, {"p": gid("Product", world.product), "images": [None]},
                            {"variables.images.0": worlds.png_upload("new.png")})
    assert codes(result, "productImageUpload") == REFUSED
    assert database_snapshot() == before


def test_reinstating_opens_the_next_request_again(world):
    owner = client_for(world.owner)
    suspend(world)
    query, variables = mutations(world)["productUpdate"]
    assert codes(post(owner, query, variables), "productUpdate") == REFUSED
    supplier_reinstate(supplier=world.ours, actor=world.staff)
    assert codes(post(owner, query, variables), "productUpdate") == []


def portal_posts(world):
    product, [first, second] = world.product, world.images()
    base = f"/portal/products/{product.pk}"
    return {
        "stock": ("/portal/stock/", {f"stock-{world.variant.pk}": "9999", f"was-{world.variant.pk}": str(world.variant.stock)}),
        "new product": ("/portal/products/new/", {"once": "n1", "name": "新品"}),
        "edit product": (f"{base}/", {"name": "改名"}),
        "submit": (f"{base}/submit/", {}),
        "archive": (f"{base}/archive/", {}),
        "upload photos": (f"{base}/images/", {"once": "u1", "photos": [worlds.png_upload("x.png")]}),
        "move photo": (f"{base}/images/{second.pk}/move/", {"direction": "up"}),
        "main photo": (f"{base}/images/{second.pk}/main/", {}),
        "delete photo": (f"{base}/images/{first.pk}/delete/", {}),
    }


@pytest.mark.parametrize("page", ["stock", "new product", "edit product", "submit", "archive", "upload photos",
                                  "move photo", "main photo", "delete photo"])
def test_a_suspended_supplier_gets_a_403_page_on_every_portal_write(world, page):
    owner = client_for(world.owner)
    assert owner.get("/portal/").status_code == 200
    suspend(world)
    before = database_snapshot()
    url, data = portal_posts(world)[page]
    response = owner.post(url, data)
    assert response.status_code == 403
    assert "暂停" in response.content.decode()
    assert database_snapshot() == before
    assert owner.get("/portal/").status_code == 200  # reading stays
    assert owner.get("/portal/stock/").status_code == 200


def test_a_suspended_supplier_cannot_grow_its_team(world):
    owner = client_for(world.owner)
    suspend(world)
    response = owner.post("/portal/team/", {"email": "new@example.com"})
    assert response.status_code == 403 and "暂停" in response.content.decode()
    assert not world.ours.invitations.exists()


# --- Orders in progress stay ------------------------------------------------------------


@pytest.fixture
def orders(regions):
    return worlds.build_order_world()


def test_a_suspended_supplier_still_confirms_and_ships_paid_orders(orders):
    order = worlds.place(orders)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    supplier_suspend(supplier=orders.supplier_a, reason="资料待补充", actor=orders.staff)
    fulfilment = Fulfilment.objects.get(order=order, supplier=orders.supplier_a)
    owner = Client()
    owner.force_login(orders.owner_a)
    page = owner.get(f"/portal/orders/{fulfilment.pk}/")
    assert page.status_code == 200
    fulfilment_confirm(actor=orders.owner_a, fulfilment=fulfilment)
    assert Fulfilment.objects.get(pk=fulfilment.pk).status == FulfilmentStatus.CONFIRMED


# --- Buyer organizations ----------------------------------------------------------------


@pytest.mark.parametrize("status", [OrganizationStatus.SUSPENDED, OrganizationStatus.PENDING])
def test_members_of_a_suspended_or_unverified_organization_cannot_buy(orders, status):
    purchaser = Client()
    purchaser.force_login(orders.purchaser_a)  # a session of before
    assert purchaser.get("/cart/").status_code == 200
    if status == OrganizationStatus.SUSPENDED:
        organization_set_status(organization=orders.org_a, status=status, actor=orders.staff)
    else:
        type(orders.org_a).objects.filter(pk=orders.org_a.pk).update(status=status)
    carts, order_count = Cart.objects.count(), Order.objects.count()
    # The pages
    response = purchaser.post("/cart/add/", {"variant": orders.variant_a.pk, "quantity": "1", "once": "c1"})
    assert response.status_code == 403
    assert purchaser.post("/checkout/", {}).status_code == 403
    # The API
    result = orders_world_api_add(orders)
    assert [e["code"] for e in result["data"]["cartLineAdd"]["errors"]] == ["PERMISSION_DENIED"]
    # The services themselves
    with pytest.raises(ValidationError) as exc:
        cart_line_add(user=orders.purchaser_a, organization=orders.org_a, variant_id=orders.variant_a.pk, quantity=1)
    assert exc.value.code == "organization_not_verified"
    with pytest.raises(ValidationError):
        order_place(user=orders.purchaser_a, organization=orders.org_a, address_id=orders.address_a.pk,
                    funding_channel="canteen", idempotency_key=worlds.key())
    assert (Cart.objects.count(), Order.objects.count()) == (carts, order_count)


def orders_world_api_add(orders):
    from tests.graphql.orders_api import add_to_cart

    return add_to_cart(orders, orders.purchaser_a, orders.variant_a, 1)


def test_a_suspended_organization_cannot_pay_approve_or_accept(orders):
    order = worlds.place(orders)
    organization_set_status(organization=orders.org_a, status=OrganizationStatus.SUSPENDED, actor=orders.staff)
    for user, url in [(orders.approver_a, f"/orders/{order.pk}/approve/"),
                      (orders.purchaser_a, f"/orders/{order.pk}/accept/"), (orders.purchaser_a, f"/orders/{order.pk}/cancel/")]:
        client = Client()
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code in (403, 404), url
    assert client.get(f"/orders/{order.pk}/pay/").status_code == 404
    assert Order.objects.get(pk=order.pk).status == order.status


def test_a_suspended_organizations_admin_cannot_manage_members_or_addresses(orders):
    organization_set_status(organization=orders.org_a, status=OrganizationStatus.SUSPENDED, actor=orders.staff)
    with pytest.raises(ValidationError) as exc:
        member_invite(organization=orders.org_a, email="new@example.com", role="purchaser", actor=orders.admin_a)
    assert exc.value.code == "organization_suspended"
    with pytest.raises(ValidationError) as exc:
        address_save(organization=orders.org_a, actor=orders.admin_a,
                     data=AddressData(label="仓库", recipient="张三", phone="13800000009", address="宝安区新安街道 1 号"))
    assert exc.value.code == "organization_suspended"
    assert not orders.org_a.invitations.exists() and orders.org_a.addresses.count() == 1

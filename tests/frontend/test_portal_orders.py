"""The supplier portal's orders to ship: each supplier sees only its part of an order (its
own lines and subtotal), confirms and ships paid orders, and reads the buyer's rating."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProductVariant
from orders.models import Fulfilment, FulfilmentStatus, OrderEvent, OrderEventKind, OrderStatus
from orders.services.fulfilment import fulfilment_accept, fulfilment_ship
from orders.services.payments import order_mark_paid
from tests.world import build_order_world, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    return build_order_world()


def paid(order):
    order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen)
    order.refresh_from_db()
    return order


def part(order, supplier) -> Fulfilment:
    return order.fulfilments.get(supplier=supplier)


def once(response) -> str:
    return re.search(r'name="once" value="([^"]+)"', response.content.decode()).group(1)


def ship(client, fulfilment, **data):
    page = client.get(f"/portal/orders/{fulfilment.pk}/")
    payload = {"carrier": "顺丰速运", "tracking_number": "SF1234567890", "once": once(page), **data}
    return client.post(f"/portal/orders/{fulfilment.pk}/ship/", payload)


# --- what a supplier sees ---------------------------------------------------------------------


def test_each_supplier_sees_only_its_own_lines_and_amounts(client, world):
    order = place(world)  # 2 × ¥88.00 from A, 3 × ¥45.50 from B: ¥312.50
    client.force_login(world.owner_b)
    html = client.get("/portal/orders/").content.decode()
    assert order.number in html
    assert world.org_a.name in html
    assert "都安山羊肉" in html and "× 3" in html
    assert "¥136.50" in html
    assert "龙川山茶油" not in html
    assert "¥176.00" not in html and "¥312.50" not in html

    detail = client.get(f"/portal/orders/{part(order, world.supplier_b).pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "都安山羊肉" in html and "¥136.50" in html
    assert "龙川山茶油" not in html and "¥176.00" not in html and "¥312.50" not in html
    # the buyer's delivery snapshot
    for text in ("社区食堂", "李四", "13800000001", "深圳市宝安区新安街道测试路1号"):
        assert text in html

    client.force_login(world.owner_a)
    html = client.get("/portal/orders/").content.decode()
    assert "龙川山茶油" in html and "¥176.00" in html
    assert "都安山羊肉" not in html and "¥136.50" not in html


def test_another_suppliers_order_is_a_404_and_nothing_changes(client, world):
    order = paid(place(world))
    theirs = part(order, world.supplier_a)
    client.force_login(world.owner_b)
    assert client.get(f"/portal/orders/{theirs.pk}/").status_code == 404
    assert client.post(f"/portal/orders/{theirs.pk}/confirm/", {"once": "x1"}).status_code == 404
    response = client.post(
        f"/portal/orders/{theirs.pk}/ship/",
        {"carrier": "顺丰速运", "tracking_number": "SF1", "once": "x2"},
    )
    assert response.status_code == 404
    assert client.get("/portal/orders/999999/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == FulfilmentStatus.PENDING and theirs.tracking_number == ""
    world.variant_a.refresh_from_db()
    assert world.variant_a.reserved == 2


def test_who_may_open_the_orders_page(client, world):
    response = client.get("/portal/orders/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(world.purchaser_a)  # a buyer, not a supplier
    assert client.get("/portal/orders/").status_code == 403


def test_filters_and_tab_counts(client, world):
    unpaid = place(world, items=[(world.variant_a, 1)])
    to_confirm = paid(place(world, items=[(world.variant_a, 2)]))
    shipped = paid(place(world, items=[(world.variant_a, 3)]))
    fulfilment_ship(actor=world.owner_a, fulfilment=part(shipped, world.supplier_a), carrier="中通快递", tracking_number="ZT9")
    client.force_login(world.owner_a)

    html = client.get("/portal/orders/").content.decode()
    assert all(o.number in html for o in (unpaid, to_confirm, shipped))

    html = client.get("/portal/orders/?status=to_confirm").content.decode()
    assert to_confirm.number in html and unpaid.number not in html and shipped.number not in html
    html = client.get("/portal/orders/?status=shipped").content.decode()
    assert shipped.number in html and "ZT9" in html and to_confirm.number not in html
    html = client.get("/portal/orders/?status=unpaid").content.decode()
    assert unpaid.number in html and to_confirm.number not in html
    assert client.get("/portal/orders/?status=accepted").context["page"].paginator.count == 0
    tabs = {value: n for value, _label, n in client.get("/portal/orders/").context["tabs"]}
    assert tabs == {"to_confirm": 1, "to_ship": 0, "shipped": 1, "accepted": 0, "unpaid": 1, "cancelled": 0}

    response = client.get("/portal/orders/?status=everything")
    assert response.status_code == 400
    assert response.context["page"].paginator.count == 3


def test_pagination(client, world):
    orders = [place(world, organization=world.org_b, user=world.purchaser_b, items=[(world.variant_b, 1)]) for _ in range(27)]
    client.force_login(world.owner_b)
    first = client.get("/portal/orders/")
    assert first.context["page"].paginator.count == 27
    assert orders[-1].number in first.content.decode() and orders[0].number not in first.content.decode()
    second = client.get("/portal/orders/?page=2")
    assert orders[0].number in second.content.decode()


# --- confirming and shipping ------------------------------------------------------------------


def test_confirm_then_ship_moves_stock_out_of_reserved(client, world):
    order = paid(place(world))
    ours = part(order, world.supplier_a)
    client.force_login(world.owner_a)
    page = client.get(f"/portal/orders/{ours.pk}/")
    assert "Confirm order" in page.content.decode() or "确认" in page.content.decode()
    response = client.post(f"/portal/orders/{ours.pk}/confirm/", {"once": once(page)})
    assert response.status_code == 302
    ours.refresh_from_db()
    assert ours.status == FulfilmentStatus.CONFIRMED
    html = client.get("/portal/orders/?status=to_ship").content.decode()
    assert order.number in html

    response = ship(client, ours, carrier="顺丰速运", tracking_number="SF1234567890")
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.status, ours.carrier, ours.tracking_number) == (FulfilmentStatus.SHIPPED, "顺丰速运", "SF1234567890")
    world.variant_a.refresh_from_db()
    assert (world.variant_a.stock, world.variant_a.reserved) == (48, 0)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID  # supplier B has not shipped yet
    html = client.get(f"/portal/orders/{ours.pk}/").content.decode()
    assert "SF1234567890" in html and 'name="tracking_number"' not in html


def test_ship_form_errors_are_400_and_write_nothing(client, world):
    order = paid(place(world))
    ours = part(order, world.supplier_a)
    client.force_login(world.owner_a)
    response = ship(client, ours, carrier="", tracking_number="  ")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_carrier_error"' in html and 'id="id_tracking_number_error"' in html
    response = ship(client, ours, tracking_number="9" * 65)
    assert response.status_code == 400
    assert 'id="id_tracking_number_error"' in response.content.decode()
    assert 'value="顺丰速运"' in response.content.decode()  # what was typed stays
    ours.refresh_from_db()
    assert ours.status == FulfilmentStatus.PENDING and ours.tracking_number == ""
    assert not OrderEvent.objects.filter(order=order, kind=OrderEventKind.SHIPPED).exists()


def test_an_unpaid_order_cannot_be_shipped(client, world):
    order = place(world)
    ours = part(order, world.supplier_a)
    client.force_login(world.owner_a)
    page = client.get(f"/portal/orders/{ours.pk}/")
    assert 'name="tracking_number"' not in page.content.decode()  # no ship form before payment
    response = client.post(
        f"/portal/orders/{ours.pk}/ship/", {"carrier": "顺丰速运", "tracking_number": "SF1", "once": "s1"}
    )
    assert response.status_code == 400
    assert "alert-error" in response.content.decode()
    assert response.context["ship_form"].non_field_errors()
    ours.refresh_from_db()
    assert ours.status == FulfilmentStatus.PENDING
    world.variant_a.refresh_from_db()
    assert world.variant_a.reserved == 2
    assert client.post(f"/portal/orders/{ours.pk}/confirm/", {"once": "c1"}).status_code == 400


def test_a_double_post_ships_once(client, world):
    order = paid(place(world))
    ours = part(order, world.supplier_a)
    client.force_login(world.owner_a)
    page = client.get(f"/portal/orders/{ours.pk}/")
    data = {"carrier": "顺丰速运", "tracking_number": "SF1", "once": once(page)}
    assert client.post(f"/portal/orders/{ours.pk}/ship/", data).status_code == 302
    assert client.post(f"/portal/orders/{ours.pk}/ship/", {**data, "tracking_number": "SF2"}).status_code == 302
    ours.refresh_from_db()
    assert ours.tracking_number == "SF1"
    assert OrderEvent.objects.filter(order=order, kind=OrderEventKind.SHIPPED).count() == 1
    world.variant_a.refresh_from_db()
    assert world.variant_a.reserved == 0


def test_the_buyers_rating_and_comment_after_acceptance(client, world):
    order = paid(place(world))
    ours = part(order, world.supplier_a)
    fulfilment_ship(actor=world.owner_a, fulfilment=ours, carrier="顺丰速运", tracking_number="SF7")
    fulfilment_accept(actor=world.purchaser_a, fulfilment=ours, rating=4, comment="油很香，包装完好")
    client.force_login(world.owner_a)
    html = client.get(f"/portal/orders/{ours.pk}/").content.decode()
    assert "油很香，包装完好" in html
    assert re.search(r'class="rating">[^<]*4', html)
    assert order.number in client.get("/portal/orders/?status=accepted").content.decode()


# --- constant query counts ----------------------------------------------------------------------


def count(client, url: str) -> int:
    client.get(url)  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_orders(world, n: int) -> None:
    """``n`` orders with lines from both suppliers; every other one paid, every third shipped."""
    for i in range(n):
        order = place(world, organization=world.org_b, user=world.purchaser_b, items=[(world.variant_a, 1), (world.variant_b, 1)])
        if i % 2 == 0:
            paid(order)
        if i % 3 == 0 and i % 2 == 0:
            fulfilment_ship(actor=world.owner_a, fulfilment=part(order, world.supplier_a), carrier="中通快递", tracking_number=f"ZT{i}")


@pytest.mark.parametrize("url", ["/portal/orders/", "/portal/orders/?status=to_confirm", "/portal/orders/?status=shipped"])
def test_the_list_does_not_grow_with_the_orders(client, world, url):
    client.force_login(world.owner_a)
    add_orders(world, 3)
    small = count(client, url)
    add_orders(world, 12)
    assert Fulfilment.objects.filter(supplier=world.supplier_a).count() == 15
    assert count(client, url) == small


def test_the_detail_does_not_grow_with_the_lines_and_events(client, world):
    from tests.world_catalog import add_variant

    client.force_login(world.owner_a)
    small_order = paid(place(world, organization=world.org_b, user=world.purchaser_b, items=[(world.variant_a, 1)]))
    small = count(client, f"/portal/orders/{part(small_order, world.supplier_a).pk}/")
    product = world.variant_a.product
    variants = [add_variant(product, spec=f"{i}斤/箱", price="10.00") for i in range(1, 9)]
    big_order = place(
        world, organization=world.org_b, user=world.purchaser_b,
        items=[(world.variant_a, 1)] + [(v, 1) for v in variants] + [(world.variant_b, 2)],
    )
    big = part(paid(big_order), world.supplier_a)
    assert big.lines.count() == 9
    fulfilment_ship(actor=world.owner_a, fulfilment=big, carrier="中通快递", tracking_number="ZT1")
    assert count(client, f"/portal/orders/{big.pk}/") == small
    assert ProductVariant.objects.get(pk=variants[0].pk).reserved == 0

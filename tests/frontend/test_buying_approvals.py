"""待我审批 queue and header count, order search, re-order from a past order."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import CartLine, Order, OrderStatus
from tests.frontend.buying_world import count_queries, login, more_variants, place, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def pending(world, n=1) -> list[Order]:
    orders = [place(world, items=[(v, 12)]) for v in more_variants(world, n)]  # ¥1,056 > ¥1,000
    assert all(o.status == OrderStatus.PENDING_APPROVAL for o in orders)
    return orders


def badge(html: str) -> str | None:
    match = re.search(r'id="approval-count">(\d+)<', html)
    return match.group(1) if match else None


def test_an_approver_sees_the_queue_and_its_count_in_the_header(client, world):
    waiting = pending(world, 2)
    other = place(world, items=[(world.variant_a, 1)])
    login(client, world.approver_a)
    page = client.get("/orders/approvals/")
    html = page.content.decode()
    assert page.status_code == 200 and badge(html) == "2"
    assert all(o.number in html for o in waiting) and other.number not in html
    assert 'href="/orders/approvals/"' in client.get("/").content.decode()


def test_a_purchaser_has_no_queue_and_no_count(client, world):
    pending(world)
    login(client, world.purchaser_a)
    assert badge(client.get("/orders/").content.decode()) is None
    assert client.get("/orders/approvals/").status_code == 403


def test_the_queue_and_the_count_cost_the_same_queries_whatever_the_number_of_orders(client, world):
    pending(world)
    login(client, world.approver_a)
    small = count_queries(client, "/orders/approvals/"), count_queries(client, "/")
    pending(world, 4)
    assert (count_queries(client, "/orders/approvals/"), count_queries(client, "/")) == small


def test_orders_are_searched_by_number_supplier_dates_and_status(client, world):
    a = place(world, items=[(world.variant_a, 1)])  # supplier A only
    b = place(world, items=[(world.variant_b, 1)])  # supplier B only
    login(client, world.purchaser_a)

    def found(query: str) -> set[str]:
        html = client.get(f"/orders/?{query}").content.decode()
        return {o.number for o in (a, b) if o.number in html}

    assert found(f"number={a.number[-6:]}") == {a.number}
    assert found("supplier=山茶油") == {a.number}
    assert found("supplier=山羊") == {b.number}
    today = timezone.localdate()
    assert found(f"placed_from={today}&placed_until={today}") == {a.number, b.number}
    assert found(f"placed_from={today + timedelta(days=1)}") == set()
    assert found("supplier=山羊&status=paid") == set()
    bad = client.get(f"/orders/?placed_from={today}&placed_until={today - timedelta(days=1)}")
    assert bad.status_code == 400 and "结束日期不得早于开始日期" in bad.content.decode()


def test_searching_costs_a_constant_number_of_queries(client, world):
    login(client, world.purchaser_a)
    place(world, items=[(world.variant_a, 1)])
    url = f"/orders/?supplier=合作社&placed_from={timezone.localdate()}&number=2"
    small = count_queries(client, url)
    extra = more_variants(world, 3)
    for _ in range(5):
        place(world, items=[(world.variant_a, 1), *[(v, 1) for v in extra]])
    assert count_queries(client, url) == small


def test_reorder_adds_what_is_still_on_sale_and_reports_the_rest(client, world):
    order = place(world, items=[(world.variant_a, 2), (world.variant_b, 3)])
    world.variant_b.is_active = False
    world.variant_b.save(update_fields=["is_active"])
    login(client, world.purchaser_a)
    response = client.post(f"/orders/{order.pk}/reorder/", {"once": "r1"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/cart/"
    lines = {line.variant_id: line.quantity for line in CartLine.objects.filter(cart__user=world.purchaser_a)}
    assert lines == {world.variant_a.pk: 2}
    assert "已按今日价格加入购物车" in html and "未加入" in html
    client.post(f"/orders/{order.pk}/reorder/", {"once": "r1"})  # a double click adds nothing more
    assert CartLine.objects.get(cart__user=world.purchaser_a).quantity == 2


def test_reorder_of_another_organizations_order_is_404(client, world):
    theirs = place(world, user=world.purchaser_b, organization=world.org_b)
    login(client, world.purchaser_a)
    assert client.post(f"/orders/{theirs.pk}/reorder/", {"once": "x"}).status_code == 404
    assert not CartLine.objects.exists()

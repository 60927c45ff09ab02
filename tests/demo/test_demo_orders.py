"""Demo orders: one or more in each state, made through the order services, deterministic
and idempotent; the demo logins can find them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum

from catalog.models import ProductVariant
from orders.models import EntryKind, Fulfilment, LedgerEntry, Order, OrderEvent, OrderLine, Payment
from orders.selectors.campaigns import campaign_current
from shop.demo.orders import PLANS, seed_demo_orders

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        "orders": sorted(Order.objects.values_list("idempotency_key", "status", "total_fen")),
        "lines": OrderLine.objects.count(),
        "events": OrderEvent.objects.count(),
        "payments": Payment.objects.count(),
        "ledger": LedgerEntry.objects.count(),
        "stock": list(ProductVariant.objects.order_by("pk").values_list("pk", "stock", "reserved")),
    }


def test_demo_orders_cover_each_state_and_a_second_run_adds_nothing(demo):
    stock_before = ProductVariant.objects.aggregate(s=Sum("stock"), r=Sum("reserved"))
    ledger_before = LedgerEntry.objects.count()

    summary = seed_demo_orders()

    assert summary.skipped == ""
    assert summary.created == len(PLANS)
    orders = {o.idempotency_key: o for o in Order.objects.select_related("placed_by", "organization")}
    assert {k: orders[k].status for k in orders} == {p.key: p.status for p in PLANS}
    assert {o.placed_by.email for o in orders.values()} == {"purchaser@demo.cn"}
    assert {o.organization.name for o in orders.values()} == {"宝民社区"}

    pending = orders["demo-order-05-pending-approval"]
    assert pending.total_fen > pending.organization.approval_threshold * 100
    paid_states = ("paid", "shipped", "accepted")
    for order in orders.values():
        succeeded = order.payments.filter(status="succeeded")
        if order.status in paid_states:
            assert order.paid_fen == order.total_fen and succeeded.get().method == "bank_transfer"
        else:
            assert not succeeded.exists()
    accepted = orders["demo-order-01-accepted"]
    assert accepted.approved_by is None and accepted.accepted_at is not None
    fulfilment = accepted.fulfilments.get()
    assert (fulfilment.status, fulfilment.rating, fulfilment.carrier) == ("accepted", 5, "顺丰速运")
    assert fulfilment.supplier.members.filter(user__email="supplier@demo.cn").exists()
    shipped = orders["demo-order-02-shipped"].fulfilments.get()
    assert shipped.status == "shipped" and shipped.tracking_number
    # the paid order waits for two suppliers, one of them the demo supplier's login
    assert sorted(orders["demo-order-03-paid"].fulfilments.values_list("status", flat=True)) == ["pending", "pending"]
    assert orders["demo-order-06-cancelled"].cancel_reason == "采购计划调整"
    assert list(orders["demo-order-02-shipped"].events.values_list("kind", flat=True).order_by("pk"))[:2] == [
        "placed", "paid"]

    # Stock: the units of the open, unshipped orders are reserved; shipped ones have left;
    # the cancelled order's unit is back on sale.
    reserved = OrderLine.objects.filter(order__status__in=["pending_approval", "awaiting_payment", "paid"]).aggregate(
        n=Sum("quantity"))["n"]
    shipped_units = OrderLine.objects.filter(order__status__in=["shipped", "accepted"]).aggregate(n=Sum("quantity"))["n"]
    stock_after = ProductVariant.objects.aggregate(s=Sum("stock"), r=Sum("reserved"))
    assert stock_after["r"] - stock_before["r"] == reserved
    assert stock_before["s"] - stock_after["s"] == reserved + shipped_units

    # The main demo campaign covers this year: each paid demo order counts, line by line.
    counted = LedgerEntry.objects.filter(kind=EntryKind.ORDER_LINE)
    paid = [o for o in orders.values() if o.status in paid_states]
    # one paid, one shipped and five accepted (one per settlement statement state)
    assert len(paid) == len([p for p in PLANS if p.status in paid_states]) == 7
    assert counted.count() == LedgerEntry.objects.count() - ledger_before == sum(o.lines.count() for o in paid)
    assert {e.campaign for e in counted} == {campaign_current()}
    for order in paid:
        assert counted.filter(order_line__order=order).aggregate(s=Sum("amount_fen"))["s"] == order.total_fen

    before = _snapshot()
    again = seed_demo_orders()
    assert again.created == 0 and again.by_status == summary.by_status
    assert _snapshot() == before
    assert Fulfilment.objects.count() == sum(o.fulfilments.count() for o in orders.values())


def test_seed_demo_prints_the_demo_orders_and_who_can_see_them(demo):
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    text = out.getvalue()
    assert "Demo orders" in text and "purchaser@demo.cn" in text and "supplier@demo.cn" in text
    assert Order.objects.count() == len(PLANS)
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert Order.objects.count() == len(PLANS)
    assert "0 created" in out.getvalue()

"""The state machine of the tally property test (tests/orders/test_tally_property.py): the
cast's shape, the histories Hypothesis draws, the shadow of what the steps that succeeded
should have counted (``Run``) and one function per kind of step (``apply_step``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone
from hypothesis import event
from hypothesis import strategies as st

from orders.models import (
    OfflineRecord,
    OfflineRecordStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
    Refund,
    RefundLine,
    RefundStatus,
)
from orders.services.cart import cart_line_add
from orders.services.checkout import order_place
from orders.services.fulfilment import fulfilment_ship, order_accept
from orders.services.lifecycle import order_approve, order_cancel, order_expire
from orders.services.offline import (
    offline_record_approve,
    offline_record_create,
    offline_record_reject,
)
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from orders.services.takeover import campaign_take_over_uncovered
from tests.factories import DAHUA, DUAN, LONGCHUAN
from tests.world import OrderWorld, key

NOT_A_COUNTY = "440306"  # Bao'an, the buyers' district: offline records there are refused
COUNTIES = [LONGCHUAN, DUAN, DAHUA, NOT_A_COUNTY]  # the cast's campaign leaves Dahua out
CHANNELS = ["canteen", "union", "personal"]
OFFLINE_CHANNELS = ["canteen", "union", "personal", "other"]


# --- the world, extended with a third organization under a street -----------------------

@dataclass
class Cast:
    world: OrderWorld
    orgs: list  # [org_a (community, approval above ¥1,000), org_b (enterprise), org_c (government, has a parent)]
    purchasers: list
    addresses: list
    checker: object
    variants: list  # ¥88.00 (Longchuan), ¥45.50 (Du'an), Dahua (outside the campaign)
    suppliers: list
    fulfillers: dict  # supplier id -> supplier owner


# --- histories ---------------------------------------------------------------------------

ORDER = st.integers(min_value=0, max_value=30)  # an index into the orders placed so far (modulo)
PLACE = st.tuples(st.just("place"), st.integers(0, 2),
                  st.lists(st.tuples(st.integers(0, 2), st.integers(1, 12)), min_size=1, max_size=3),
                  st.sampled_from(CHANNELS))
PAY = st.tuples(st.just("pay"), ORDER, st.integers(1, 3), st.booleans())  # repeats, wrong amount
WEBHOOKS = st.tuples(st.just("webhooks"), st.lists(ORDER, min_size=2, max_size=5))  # several orders, any order
REFUND = st.tuples(st.just("refund"), ORDER, st.integers(0, 2), st.integers(1, 100), st.booleans())
SHIP = st.tuples(st.just("ship"), ORDER, st.integers(0, 2))
OFFLINE = st.tuples(st.just("offline"), st.sampled_from(COUNTIES), st.integers(1, 5_000_000), st.integers(0, 40),
                    st.integers(-1, 2), st.sampled_from(OFFLINE_CHANNELS),
                    st.sampled_from(["none", "own", "own", "other"]))
REVIEW = st.tuples(st.just("review"), ORDER, st.sampled_from(["approve", "approve", "approve_own", "reject"]))
STEP = st.one_of(
    PLACE, PLACE, PAY, PAY, PAY, PAY, WEBHOOKS, WEBHOOKS, REFUND, REFUND, REFUND, SHIP, SHIP,
    OFFLINE, OFFLINE, REVIEW, REVIEW,
    st.tuples(st.just("approve"), ORDER),
    st.tuples(st.just("refund_all"), ORDER, st.integers(0, 2)),
    st.tuples(st.just("cancel"), ORDER, st.booleans()),
    st.tuples(st.just("expire"), ORDER, st.booleans()),  # past its deadline or not yet
    st.tuples(st.just("accept"), ORDER),  # the buyer accepts what has shipped (验收)
    # Uncovered dates: the campaign ends yesterday; later it is extended and takes over.
    st.tuples(st.just("close")), st.tuples(st.just("pay_late"), ORDER), st.tuples(st.just("pay_late"), ORDER),
    st.tuples(st.just("take_over")), st.tuples(st.just("take_over")),
)
# A few orders first, then (in a third of the histories) the campaign closes, then anything
# (more orders among it): payments while it is closed are outside every campaign.
HISTORY = st.tuples(
    st.lists(PLACE, min_size=1, max_size=4), st.sampled_from([[], [], [("close",)]]), st.lists(STEP, min_size=8, max_size=30)
).map(lambda parts: parts[0] + parts[1] + parts[2])


@dataclass
class Run:
    cast: Cast
    orders: list[int] = field(default_factory=list)
    records: list[int] = field(default_factory=list)
    counted_fen: int = 0  # the shadow total: what the steps that succeeded should have added
    refunds_seen: set[int] = field(default_factory=set)
    closed: bool = False  # the campaign ended yesterday: no campaign covers today
    outside: set[int] = field(default_factory=set)  # orders paid while closed, not taken over yet

    def order(self, index: int) -> Order | None:
        return Order.objects.get(pk=self.orders[index % len(self.orders)]) if self.orders else None


def _counts(campaign, order: Order) -> int:
    """What paying ``order`` adds to the campaign: the lines in the campaign's counties
    (payment today is within the campaign's dates)."""
    counties = set(campaign.counties.values_list("code", flat=True))
    return sum(line.total_fen for line in order.lines.all() if line.county_id in counties)


def _pay(run: Run, order: Order, *, wrong: bool = False) -> None:
    amount = order.total_fen + (1 if wrong else 0)
    try:
        result = order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=amount)
    except ValidationError as exc:
        assert exc.code in ("not_payable", "invalid_amount"), exc
        raise
    if result.changed and run.closed:
        run.outside.add(order.pk)  # recorded outside every campaign: no tally moves
    elif result.changed:
        run.counted_fen += _counts(run.cast.world.campaign, order)


def _refunded(run: Run, refund: Refund) -> None:
    """A refund that succeeded for the first time takes its counted lines off the total."""
    if refund.pk in run.refunds_seen or refund.status != RefundStatus.SUCCEEDED:
        return
    run.refunds_seen.add(refund.pk)
    if refund.order_id in run.outside:
        return  # refunded outside every campaign, like its payment
    counties = set(run.cast.world.campaign.counties.values_list("code", flat=True))
    run.counted_fen -= sum(
        rl.amount_fen for rl in refund.lines.select_related("order_line") if rl.order_line.county_id in counties
    )


def _net_counted(run: Run, order_ids: set[int]) -> int:
    """What these orders' lines in the campaign's counties count, net of their refunds."""
    counties = set(run.cast.world.campaign.counties.values_list("code", flat=True))
    lines = OrderLine.objects.filter(order_id__in=order_ids, county_id__in=counties)
    paid = lines.aggregate(s=Sum("total_fen"))["s"] or 0
    refunded = RefundLine.objects.filter(
        order_line__in=lines, refund__status=RefundStatus.SUCCEEDED).aggregate(s=Sum("amount_fen"))["s"] or 0
    return paid - refunded


def _coverage_step(run: Run, kind: str) -> None:
    """Close the campaign (it ended yesterday), or extend it again and take over."""
    campaign, today = run.cast.world.campaign, timezone.localdate()
    if kind == "close":
        campaign.end_date = today - dt.timedelta(days=1)
        campaign.save(update_fields=["end_date"])
        run.closed = True
        return
    campaign.end_date = today + dt.timedelta(days=30)
    campaign.save(update_fields=["end_date"])
    run.closed = False
    moved = campaign_take_over_uncovered(actor=run.cast.checker, campaign=campaign, reason="活动延期后补计")
    assert moved.amount_fen == _net_counted(run, run.outside)
    event("take_over: moved payments" if moved.payments else "take_over: nothing outside")
    run.counted_fen += moved.amount_fen
    run.outside.clear()
    again = campaign_take_over_uncovered(actor=run.cast.checker, campaign=campaign)
    assert again.amount_fen == 0 and again.payments == 0  # once only


# --- the steps: one function per kind ------------------------------------------------------

def _place(run: Run, org_i: int, items: list, channel: str) -> None:
    cast = run.cast
    user, org = cast.purchasers[org_i], cast.orgs[org_i]
    for variant_i, qty in items:
        cart_line_add(user=user, organization=org, variant_id=cast.variants[variant_i].pk, quantity=qty)
    order = order_place(user=user, organization=org, address_id=cast.addresses[org_i].pk,
                        funding_channel=channel, idempotency_key=key())
    run.orders.append(order.pk)


def _offline(run: Run, county: str, fen: int, days_ago: int, org_i: int, channel: str, which_supplier: str) -> None:
    cast, world = run.cast, run.cast.world
    own = [s for s in cast.suppliers if s.county_id == county]
    supplier = {"none": None, "own": own[0] if own else None,
                "other": next(s for s in cast.suppliers if s.county_id != county)}[which_supplier]
    record = offline_record_create(
        actor=world.staff, county_code=county, amount=str(Decimal(fen) / 100),
        occurred_on=(timezone.localdate() - dt.timedelta(days=days_ago)).isoformat(),
        description="消费帮扶展销会", organization_id=cast.orgs[org_i].pk if org_i >= 0 else None,
        supplier_id=supplier.pk if supplier else None, funding_channel=channel,
    )
    run.records.append(record.pk)


def _review(run: Run, index: int, how: str) -> None:
    cast, world = run.cast, run.cast.world
    if not run.records:
        return
    record = OfflineRecord.objects.get(pk=run.records[index % len(run.records)])
    if how == "reject":
        offline_record_reject(actor=cast.checker, record=record, reason="凭证不全")
        return
    before = record.status
    offline_record_approve(actor=world.staff if how == "approve_own" else cast.checker, record=record)
    if before == OfflineRecordStatus.PENDING:
        run.counted_fen += record.amount_fen


def _webhooks(run: Run, indexes: list[int]) -> None:
    for index in indexes:
        order = run.order(index)
        if order is not None:
            try:
                _pay(run, order)
            except ValidationError:
                pass  # a payment for a cancelled order: the caller records it for review


def _approve(run: Run, order: Order) -> None:
    cast, world = run.cast, run.cast.world
    order_approve(actor=world.approver_a if order.organization_id == world.org_a.pk else cast.purchasers[0], order=order)


def _pay_late(run: Run, order: Order) -> None:  # the campaign has ended when the payment arrives
    _coverage_step(run, "close")
    _pay(run, order)


def _pay_repeatedly(run: Run, order: Order, times: int, wrong: bool) -> None:
    _pay(run, order, wrong=wrong)
    for _ in range(times - 1):
        _pay(run, Order.objects.get(pk=order.pk))


def _refund(run: Run, order: Order, key_i: int, percent: int, by_line: bool) -> None:
    world = run.cast.world
    idem = f"refund-{order.pk}-{key_i}"
    if by_line:
        line = order.lines.order_by("-id").first()
        amounts = {line.pk: max(1, (line.total_fen - line.refunded_fen) * percent // 100)}
        refund = order_refund(actor=world.staff, order=order, reason="部分破损", idempotency_key=idem,
                              line_amounts=amounts, bank_reference=f"BK{order.pk}{key_i}")
    else:
        amount = max(1, (order.paid_fen - order.refunded_fen) * percent // 100)
        refund = order_refund(actor=world.staff, order=order, reason="少发", idempotency_key=idem,
                              amount_fen=amount, bank_reference=f"BK{order.pk}{key_i}")
    _refunded(run, refund)


def _refund_all(run: Run, order: Order, key_i: int) -> None:
    refund = order_refund(actor=run.cast.world.staff, order=order, reason="整单退款",
                          idempotency_key=f"refund-{order.pk}-{key_i}", bank_reference=f"BK{order.pk}")
    _refunded(run, refund)


def _cancel(run: Run, order: Order, by_staff: bool) -> None:
    order_cancel(actor=run.cast.world.staff if by_staff else order.placed_by, order=order, reason="不需要了")
    for refund in Refund.objects.filter(order=order):
        _refunded(run, refund)


def _expire(run: Run, order: Order, overdue: bool) -> None:
    if overdue:
        Order.objects.filter(pk=order.pk, payment_due_at__isnull=False).update(
            payment_due_at=timezone.now() - dt.timedelta(minutes=1)
        )
    expired = order_expire(order_id=order.pk)
    assert expired == (overdue and order.status == OrderStatus.AWAITING_PAYMENT), (order.status, expired)


def _accept(run: Run, order: Order) -> None:
    order_accept(actor=order.placed_by, order=order, rating=5, comment="")


def _ship(run: Run, order: Order, index: int) -> None:
    fulfilments = list(order.fulfilments.order_by("id"))
    fulfilment = fulfilments[index % len(fulfilments)]
    fulfilment_ship(actor=run.cast.fulfillers[fulfilment.supplier_id], fulfilment=fulfilment,
                    carrier="顺丰速运", tracking_number=f"SF{fulfilment.pk:010d}")


# Steps on the world (their arguments after the kind), and steps on one order (the first
# argument picks the order among those placed so far; nothing happens before the first).
WORLD_STEPS = {"place": _place, "offline": _offline, "review": _review, "webhooks": _webhooks}
ORDER_STEPS = {
    "approve": _approve, "pay_late": _pay_late, "pay": _pay_repeatedly, "refund": _refund,
    "refund_all": _refund_all, "cancel": _cancel, "expire": _expire, "accept": _accept, "ship": _ship,
}


def apply_step(run: Run, step: tuple) -> None:
    kind, *args = step
    if kind in ("close", "take_over"):
        _coverage_step(run, kind)
        return
    if kind in WORLD_STEPS:
        WORLD_STEPS[kind](run, *args)
        return
    order = run.order(args[0])
    if order is None:
        return
    ORDER_STEPS[kind](run, order, *args[1:])

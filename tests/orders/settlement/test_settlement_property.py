"""Property test of settlement (issue 13): random histories of orders (both suppliers),
payments, shipping and acceptance (验收), partial and full refunds before and after
payouts, statements generated, confirmed, objected, voided, approved (also by their own
maker, refused) and paid. After every history the identity holds to the fen, overall and
per supplier: received (ledger) = refunded + settled + held; and, recomputed in Python
from the rows, held + settled + refunded equals the paid lines, settled equals the paid
statements' amounts, and each statement's header equals its lines.

SETTLEMENT_PROPERTY_EXAMPLES (default 40) histories of 6–25 steps (one or two accepted orders first), derandomized; each
runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import os

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from orders.models import Order, OrderLine, SettlementStatement, StatementStatus
from orders.selectors.settlement import settlement_reconcile, supplier_balances
from orders.services.refunds import order_refund
from orders.services.settlement import (
    statement_approve,
    statement_confirm,
    statement_generate,
    statement_mark_paid,
    statement_object,
    statement_void,
)
from tests.factories import UserFactory
from tests.orders.settlement.helpers import paid_order, ship_and_accept
from tests.world import key

pytestmark = pytest.mark.django_db
EXAMPLES = int(os.environ.get("SETTLEMENT_PROPERTY_EXAMPLES", "40"))

IDX = st.integers(0, 20)
STEP = st.one_of(
    st.tuples(st.just("order"), st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.just("order"), st.integers(1, 4), st.integers(0, 4)),
    st.tuples(st.just("accept"), IDX), st.tuples(st.just("accept"), IDX),
    st.tuples(st.just("refund"), IDX, st.integers(1, 9000)), st.tuples(st.just("refund"), IDX, st.integers(1, 9000)),
    st.tuples(st.just("refund_all"), IDX),
    st.tuples(st.just("generate"), st.integers(0, 1)), st.tuples(st.just("generate"), st.integers(0, 1)),
    st.tuples(st.just("confirm"), IDX), st.tuples(st.just("object"), IDX), st.tuples(st.just("void"), IDX),
    st.tuples(st.just("approve"), IDX, st.booleans()), st.tuples(st.just("pay"), IDX),
    st.tuples(st.just("settle"), st.integers(0, 1)),  # generate, confirm, approve, pay at once
    st.tuples(st.just("settle"), st.integers(0, 1)),
)
ACCEPTED = st.tuples(st.just("order_accepted"), st.integers(1, 4), st.integers(1, 4))
# A couple of accepted orders first, then anything, accepted orders among it.
HISTORY = st.tuples(st.lists(ACCEPTED, min_size=1, max_size=2), st.lists(st.one_of(STEP, ACCEPTED), min_size=5, max_size=23)
                    ).map(lambda parts: parts[0] + parts[1])


def _pick(ids: list[int], i: int) -> int | None:
    return ids[i % len(ids)] if ids else None


def _apply(world, checker, orders: list[int], step) -> None:
    kind = step[0]
    suppliers = [world.supplier_a, world.supplier_b]
    owners = {world.supplier_a.pk: world.owner_a, world.supplier_b.pk: world.owner_b}
    statements = list(SettlementStatement.objects.order_by("id").values_list("pk", flat=True))
    if kind == "order_accepted":
        orders.append(ship_and_accept(world, paid_order(world, items=[(world.variant_a, step[1]), (world.variant_b, step[2])])).pk)
    elif kind == "order":
        items = [(v, q) for v, q in ((world.variant_a, step[1]), (world.variant_b, step[2])) if q]
        if items:
            orders.append(paid_order(world, items=items).pk)
    elif kind == "accept" and orders:
        order = Order.objects.get(pk=_pick(orders, step[1]))
        ship_and_accept(world, order)
    elif kind in ("refund", "refund_all") and orders:
        order = Order.objects.get(pk=_pick(orders, step[1]))
        order_refund(actor=world.staff, order=order, reason="退款", idempotency_key=key(),
                     amount_fen=step[2] if kind == "refund" else None)
    elif kind == "generate":
        statement_generate(actor=world.staff, supplier_id=suppliers[step[1]].pk,
                           period_start=timezone.localdate().replace(day=1), period_end=timezone.localdate())
    elif kind == "settle":
        s = statement_generate(actor=world.staff, supplier_id=suppliers[step[1]].pk,
                               period_start=timezone.localdate().replace(day=1), period_end=timezone.localdate())
        statement_confirm(actor=owners[s.supplier_id], statement_id=s.pk)
        statement_approve(actor=checker, statement_id=s.pk)
        statement_mark_paid(actor=world.staff, statement_id=s.pk, bank_reference=f"BK{s.pk}")
    elif statements:
        s = SettlementStatement.objects.get(pk=_pick(statements, step[1]))
        if kind == "confirm":
            statement_confirm(actor=owners[s.supplier_id], statement_id=s.pk)
        elif kind == "object":
            statement_object(actor=owners[s.supplier_id], statement_id=s.pk, reason="金额有误")
        elif kind == "void":
            statement_void(actor=world.staff, statement_id=s.pk, reason="重做")
        elif kind == "approve":
            statement_approve(actor=checker if step[2] else world.staff, statement_id=s.pk)
        elif kind == "pay":
            statement_mark_paid(actor=world.staff, statement_id=s.pk, bank_reference=f"BK{s.pk}")


def _check(world) -> None:
    report = settlement_reconcile()
    assert not report.differences, report.differences
    balances = supplier_balances()
    for supplier in (world.supplier_a, world.supplier_b):
        b = balances.get(supplier.pk)
        lines = list(OrderLine.objects.filter(supplier=supplier, order__paid_at__isnull=False))
        paid_total = sum(line.total_fen for line in lines)
        refunded = sum(line.refunded_fen for line in lines)
        settled = sum(SettlementStatement.objects.filter(supplier=supplier, status=StatementStatus.PAID)
                      .values_list("amount_fen", flat=True))
        if b is None:
            assert paid_total == 0 and settled == 0
            continue
        assert b.settled_fen == settled
        assert b.pending_fen + b.available_fen + b.settled_fen + refunded == paid_total
        pending = sum(line.total_fen - line.refunded_fen for line in lines if line.fulfilment.status != "accepted")
        assert b.pending_fen == pending
    for s in SettlementStatement.objects.exclude(status=StatementStatus.VOID):
        assert s.amount_fen == sum(s.lines.values_list("amount_fen", flat=True)) >= 0
        assert s.payout_fen + s.fee_fen == s.amount_fen


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=HISTORY)
def test_the_settlement_identity_holds_after_any_history(world, history):
    with transaction.atomic():
        checker = UserFactory(username="checker-p", is_staff=True)
        orders: list[int] = []
        for step in history:
            try:
                with transaction.atomic():
                    _apply(world, checker, orders, step)
                event(f"{step[0]}: done")
            except ValidationError as exc:
                event(f"{step[0]}: refused ({getattr(exc, 'code', None)})")
        _check(world)
        transaction.set_rollback(True)

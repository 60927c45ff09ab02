"""The statement flow: generate, confirm or object, maker–checker approval, paid; refunds
after a payout carried into the next statement; the fee rounding; the audit trail."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from orders.models import StatementStatus
from orders.selectors.settlement import settlement_reconcile, supplier_balance
from orders.services.refunds import order_refund
from orders.services.settlement import (
    platform_fee_fen,
    statement_approve,
    statement_confirm,
    statement_generate,
    statement_mark_paid,
    statement_object,
    statement_void,
)
from shop.common.audit import audit_events_for
from tests.factories import UserFactory
from tests.orders.settlement.helpers import paid_order, ship_and_accept
from tests.world import key

pytestmark = pytest.mark.django_db


def _generate(world, supplier):
    return statement_generate(actor=world.staff, supplier_id=supplier.pk,
                              period_start=timezone.localdate().replace(day=1), period_end=timezone.localdate())


def test_a_statement_goes_from_draft_to_paid_and_every_step_is_audited(world):
    order = paid_order(world)  # 2 × ¥88.00 of A, 3 × ¥45.50 of B
    assert supplier_balance(supplier_id=world.supplier_a.pk).pending_fen == 17600
    ship_and_accept(world, order)
    balance = supplier_balance(supplier_id=world.supplier_a.pk)
    assert (balance.pending_fen, balance.available_fen) == (0, 17600)
    statement = _generate(world, world.supplier_a)
    assert (statement.status, statement.amount_fen, statement.payout_fen) == ("draft", 17600, 17600)
    with pytest.raises(ValidationError) as exc:
        statement_confirm(actor=world.owner_b, statement_id=statement.pk)  # another supplier
    assert exc.value.code == "permission_denied"
    statement_confirm(actor=world.owner_a, statement_id=statement.pk)
    with pytest.raises(ValidationError) as exc:
        statement_approve(actor=world.staff, statement_id=statement.pk)  # its own maker
    assert exc.value.code == "same_person"
    checker = UserFactory(username="checker", is_staff=True)
    statement_approve(actor=checker, statement_id=statement.pk)
    paid = statement_mark_paid(actor=world.staff, statement_id=statement.pk, bank_reference="BK2026120301",
                               paid_on=timezone.localdate())
    assert paid.status == StatementStatus.PAID
    balance = supplier_balance(supplier_id=world.supplier_a.pk)
    assert (balance.available_fen, balance.settled_fen) == (0, 17600)
    actions = [e.action for e in audit_events_for(statement).order_by("id")]
    assert actions == ["settlement.generate", "settlement.confirm", "settlement.approve", "settlement.paid"]
    assert not settlement_reconcile().differences


def test_a_refund_after_the_payout_is_carried_into_the_next_statement(world):
    checker = UserFactory(username="checker", is_staff=True)
    first = ship_and_accept(world, paid_order(world))
    statement = _generate(world, world.supplier_a)
    statement_confirm(actor=world.owner_a, statement_id=statement.pk)
    statement_approve(actor=checker, statement_id=statement.pk)
    statement_mark_paid(actor=world.staff, statement_id=statement.pk, bank_reference="BK1")
    line_a = first.lines.get(supplier=world.supplier_a)
    order_refund(actor=world.staff, order=first, reason="破损", idempotency_key=key(),
                 line_amounts={line_a.pk: 8800})
    balance = supplier_balance(supplier_id=world.supplier_a.pk)
    assert (balance.available_fen, balance.adjustments_fen, balance.settled_fen) == (-8800, -8800, 17600)
    assert not settlement_reconcile().differences
    with pytest.raises(ValidationError) as exc:  # the adjustment alone would be negative
        _generate(world, world.supplier_a)
    assert exc.value.code == "negative_amount"
    ship_and_accept(world, paid_order(world, items=[(world.variant_a, 3)]))  # ¥264.00
    second = _generate(world, world.supplier_a)
    assert (second.sales_fen, second.adjustments_fen, second.amount_fen) == (26400, -8800, 17600)
    assert not settlement_reconcile().differences


def test_an_objection_needs_a_reason_and_staff_can_void_and_regenerate(world):
    ship_and_accept(world, paid_order(world))
    statement = _generate(world, world.supplier_b)
    with pytest.raises(ValidationError) as exc:
        statement_object(actor=world.owner_b, statement_id=statement.pk, reason=" ")
    assert "reason" in exc.value.message_dict
    statement_object(actor=world.owner_b, statement_id=statement.pk, reason="数量不对")
    statement_void(actor=world.staff, statement_id=statement.pk, reason="重新生成")
    again = _generate(world, world.supplier_b)
    assert again.amount_fen == 13650 and again.number != statement.number


def test_the_platform_fee_rounds_half_up_to_the_fen(world, settings):
    assert platform_fee_fen(amount_fen=12345, basis_points=0) == 0
    assert platform_fee_fen(amount_fen=12345, basis_points=250) == 309  # 308.625 → 309
    assert platform_fee_fen(amount_fen=200, basis_points=25) == 1  # 0.5 → 1
    assert platform_fee_fen(amount_fen=199, basis_points=25) == 0  # 0.4975 → 0
    settings.PLATFORM_FEE_BASIS_POINTS = 300
    ship_and_accept(world, paid_order(world))
    statement = _generate(world, world.supplier_a)
    assert (statement.fee_fen, statement.payout_fen) == (528, 17072)


def test_the_reconcile_command_exits_non_zero_on_a_difference(world, capsys):
    ship_and_accept(world, paid_order(world))
    _generate(world, world.supplier_a)
    call_command("settlement_reconcile")
    assert capsys.readouterr().out.startswith("OK")
    from orders.models import OrderLine
    OrderLine.objects.filter(supplier=world.supplier_a).update(refunded_fen=1)  # money lost, not in the ledger
    with pytest.raises(SystemExit) as exc:
        call_command("settlement_reconcile")
    assert exc.value.code == 1
    assert "DIFF  supplier" in capsys.readouterr().out


def test_the_default_period_is_last_month(world):
    from orders.services.settlement import previous_month

    assert previous_month(today=dt.date(2026, 3, 15)) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert previous_month(today=dt.date(2026, 1, 2)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))

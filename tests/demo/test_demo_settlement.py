"""The demo: seed_demo leaves a settlement statement in each state, each made through the
services by the right people (maker–checker), a second run changes none of them, and the
settlement reconcile command finds nothing on the demo data."""

import pytest
from django.core.management import call_command

from orders.models import SettlementStatement
from shop.common.models import AuditEvent
from shop.demo.orders import PLANS
from shop.demo.settlement import OBJECTION, PAYOUT_REFERENCE

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_statement_in_each_state_and_the_reconcile_command_passes(demo, capsys):
    call_command("seed_demo", "--if-empty")
    out = capsys.readouterr().out
    assert "Demo settlement statements (approved 1, confirmed 1, draft 1, objected 1, paid 1)" in out
    statements = list(SettlementStatement.objects.select_related(
        "generated_by", "confirmed_by", "approved_by", "paid_by").order_by("pk"))
    assert [s.status for s in statements] == [p.statement for p in PLANS if p.statement]
    assert [s.status for s in statements] == ["paid", "approved", "confirmed", "objected", "draft"]
    paid, approved, confirmed, objected, draft = statements
    assert len({s.supplier_id for s in statements}) == 1
    for s in statements:
        assert s.amount_fen > 0 and s.payout_fen == s.amount_fen  # platform fee 0 by default
        assert s.lines.count() == 1 and s.generated_by.email == "staff@demo.cn"
    for s in (paid, approved, confirmed):
        assert s.confirmed_by.email == "supplier@demo.cn" and s.confirmed_at is not None
    for s in (paid, approved):
        assert s.approved_by.email == "admin@demo.cn" != s.generated_by.email
    assert paid.bank_reference == PAYOUT_REFERENCE and paid.paid_on is not None
    assert objected.objection == OBJECTION and objected.confirmed_by is None
    assert draft.confirmed_by is None and not draft.objection
    actions = sorted(AuditEvent.objects.filter(
        action__startswith="settlement.", object_id__in=[str(s.pk) for s in statements],
    ).values_list("action", flat=True))
    assert actions == sorted(["settlement.generate"] * 5 + ["settlement.confirm"] * 3
                             + ["settlement.approve"] * 2 + ["settlement.paid", "settlement.object"])

    before = sorted(SettlementStatement.objects.values_list("number", "status", "amount_fen", "bank_reference"))
    call_command("seed_demo", "--if-empty")
    capsys.readouterr()
    assert sorted(SettlementStatement.objects.values_list("number", "status", "amount_fen", "bank_reference")) == before

    call_command("settlement_reconcile")
    out = capsys.readouterr().out
    assert out.startswith("OK  received"), out
    assert f"settled ¥{paid.payout_fen // 100:,}.{paid.payout_fen % 100:02d}" in out
    print(out)

"""The demo: seed_demo leaves a draft statement for the demo supplier, and the settlement
reconcile command finds nothing on the demo data."""

import pytest
from django.core.management import call_command

from orders.models import SettlementStatement

pytestmark = pytest.mark.django_db


def test_the_reconcile_command_passes_on_the_demo(demo, capsys):
    call_command("seed_demo", "--if-empty")
    capsys.readouterr()
    statements = list(SettlementStatement.objects.all())
    assert [s.status for s in statements] == ["draft"] and statements[0].amount_fen > 0
    call_command("settlement_reconcile")
    out = capsys.readouterr().out
    assert out.startswith("OK  received"), out
    print(out)

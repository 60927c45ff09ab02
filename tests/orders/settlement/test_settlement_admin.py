"""Staff screens: generate statements (all approved suppliers), approve in bulk (refused
for the statement's own maker), mark paid in bulk with a bank reference; the list shows
the supplier's payout bank account."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from orders.models import SettlementStatement, StatementStatus
from orders.services.settlement import statement_confirm
from tests.factories import UserFactory
from tests.orders.settlement.helpers import paid_order, ship_and_accept

pytestmark = pytest.mark.django_db


def test_generate_approve_and_mark_paid_in_bulk(world, client):
    ship_and_accept(world, paid_order(world))
    world.supplier_a.bank_name, world.supplier_a.bank_account_number = "农业银行龙川支行", "6228480000000001"
    world.supplier_a.save(update_fields=["bank_name", "bank_account_number"])
    client.force_login(world.staff)
    today = timezone.localdate()
    url = reverse("admin:orders_settlement_generate")
    assert client.get(url).status_code == 200
    client.post(url, {"period_start": today.replace(day=1), "period_end": today})
    statements = list(SettlementStatement.objects.order_by("supplier_id"))
    assert len(statements) == 2
    for s in statements:
        statement_confirm(actor={world.supplier_a.pk: world.owner_a, world.supplier_b.pk: world.owner_b}[s.supplier_id],
                          statement_id=s.pk)
    changelist = reverse("admin:orders_settlementstatement_changelist")
    assert "6228480000000001" in client.get(changelist).content.decode()
    ids = [str(s.pk) for s in statements]
    client.post(changelist, {"action": "approve_selected", ACTION_CHECKBOX_NAME: ids})  # the maker: refused
    assert not SettlementStatement.objects.filter(status=StatementStatus.APPROVED).exists()
    client.force_login(UserFactory(username="checker", is_staff=True, is_superuser=True))
    client.post(changelist, {"action": "approve_selected", ACTION_CHECKBOX_NAME: ids})
    assert SettlementStatement.objects.filter(status=StatementStatus.APPROVED).count() == 2
    refused = client.post(changelist, {"action": "mark_paid_selected", ACTION_CHECKBOX_NAME: ids, "apply": "1", "reason": ""})
    assert refused.status_code == 400
    client.post(changelist, {"action": "mark_paid_selected", ACTION_CHECKBOX_NAME: ids, "apply": "1", "reason": "BK20261203"})
    assert set(SettlementStatement.objects.values_list("status", "bank_reference")) == {("paid", "BK20261203")}

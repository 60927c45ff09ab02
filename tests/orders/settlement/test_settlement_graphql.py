"""GraphQL: a supplier reads only its own balances and statements; confirm/object work on
its own statements and answer "not found" for another supplier's; a buyer is refused; the
statements query runs a constant number of SQL queries."""

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from orders.models import SettlementStatement
from orders.services.settlement import statement_generate
from tests.graphql.api_world import client_for, post
from tests.orders.settlement.helpers import paid_order, ship_and_accept

pytestmark = pytest.mark.django_db
STATEMENTS = """query { supplierSettlementBalance { pendingFen availableFen adjustmentsFen settledFen }
  supplierStatements { id number status amountFen payoutFen lines { kind orderNumber amountFen } } }"""
CONFIRM = """mutation($id: ID!) { statementConfirm(statementId: $id) { statement { status } errors { field code message } } }"""
OBJECT = """mutation($id: ID!, $reason: String!) { statementObject(statementId: $id, reason: $reason) {
  statement { status objection } errors { field code message } } }"""


def _statements(world, n):
    today = timezone.localdate()
    for _ in range(n):
        ship_and_accept(world, paid_order(world))
        for supplier in (world.supplier_a, world.supplier_b):
            statement_generate(actor=world.staff, supplier_id=supplier.pk, period_start=today.replace(day=1),
                               period_end=today)


@pytest.mark.parametrize("n", [1, 5])
def test_a_supplier_reads_only_its_own_statements_in_constant_queries(world, n, django_assert_max_num_queries):
    _statements(world, n)
    client = client_for(world.owner_a)
    with django_assert_max_num_queries(12):
        result = post(client, STATEMENTS)
    assert "errors" not in result, result
    statements = result["data"]["supplierStatements"]
    own = set(SettlementStatement.objects.filter(supplier=world.supplier_a).values_list("number", flat=True))
    assert {s["number"] for s in statements} == own and len(own) == n
    assert result["data"]["supplierSettlementBalance"]["availableFen"] == str(17600 * n)  # Int64: an exact decimal string


def test_confirm_and_object_only_on_own_statements(world):
    _statements(world, 1)
    mine = SettlementStatement.objects.get(supplier=world.supplier_a)
    theirs = SettlementStatement.objects.get(supplier=world.supplier_b)
    client = client_for(world.owner_a)
    refused = post(client, CONFIRM, {"id": to_global_id("SettlementStatement", theirs.pk)})["data"]["statementConfirm"]
    assert refused["statement"] is None and refused["errors"][0]["code"] == "NOT_FOUND"
    empty = post(client, OBJECT, {"id": to_global_id("SettlementStatement", mine.pk), "reason": " "})
    assert empty["data"]["statementObject"]["errors"][0]["field"] == "reason"
    objected = post(client, OBJECT, {"id": to_global_id("SettlementStatement", mine.pk), "reason": "少一箱"})
    assert objected["data"]["statementObject"]["statement"] == {"status": "objected", "objection": "少一箱"}
    done = post(client, CONFIRM, {"id": to_global_id("SettlementStatement", mine.pk)})["data"]["statementConfirm"]
    assert done == {"statement": {"status": "confirmed"}, "errors": []}
    buyer = post(client_for(world.purchaser_b), STATEMENTS)
    assert buyer["errors"][0]["extensions"]["code"] in ("PERMISSION_DENIED", "permission_denied"), buyer
    theirs.refresh_from_db()
    assert theirs.status == "draft"

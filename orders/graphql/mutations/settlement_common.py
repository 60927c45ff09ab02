"""Shared by the settlement mutations: the supplier's own statement by global ID (another
supplier's is "not found", as in the portal) and the fresh payload."""

from typing import Any

from orders.graphql.access import require_supplier
from orders.models import SettlementStatement
from orders.selectors.settlement import statement_for_supplier
from shop.graphql.core.mutations import decode_input_id, not_found
from shop.graphql.core.permissions import require_user


def own_statement(info: Any, statement_id: Any) -> tuple[Any, SettlementStatement]:
    user = require_user(info)
    supplier = require_supplier(user)
    pk = decode_input_id(statement_id, expected_type="SettlementStatement", field="statementId")
    statement = statement_for_supplier(supplier_id=supplier.pk, pk=pk)
    if statement is None:
        raise not_found("statementId")
    return user, statement


def fresh(pk: int) -> SettlementStatement:
    return SettlementStatement.objects.prefetch_related("lines").get(pk=pk)

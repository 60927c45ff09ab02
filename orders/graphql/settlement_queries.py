"""The logged-in supplier's own settlement: balances and statements (never another
supplier's). PERMISSION_DENIED for users who are not members of a supplier team."""

from __future__ import annotations

from typing import Any

import graphene

from orders.graphql.access import require_supplier
from orders.graphql.order_queries import as_graphql_errors
from orders.graphql.settlement_types import SettlementBalance, SettlementStatement
from orders.selectors.settlement import statements_for_supplier, supplier_balance
from shop.graphql.core.permissions import require_user

MAX_STATEMENTS = 100


class SettlementQueries(graphene.ObjectType):
    supplier_settlement_balance = graphene.Field(
        SettlementBalance, required=True, description="The logged-in supplier's balances (integer fen).",
    )
    supplier_statements = graphene.List(
        graphene.NonNull(SettlementStatement), required=True,
        first=graphene.Int(description=f"At most {MAX_STATEMENTS} (the default)."),
        description="The logged-in supplier's statements, newest first, with their lines.",
    )

    @staticmethod
    @as_graphql_errors
    def resolve_supplier_settlement_balance(root: Any, info: graphene.ResolveInfo) -> Any:
        supplier = require_supplier(require_user(info))
        return supplier_balance(supplier_id=supplier.pk)

    @staticmethod
    @as_graphql_errors
    def resolve_supplier_statements(root: Any, info: graphene.ResolveInfo, first: int | None = None) -> list:
        supplier = require_supplier(require_user(info))
        size = max(0, min(first or MAX_STATEMENTS, MAX_STATEMENTS))
        return list(statements_for_supplier(supplier_id=supplier.pk).prefetch_related("lines")[:size])

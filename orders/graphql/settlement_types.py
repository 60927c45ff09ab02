"""GraphQL types of supplier settlement (结算): plain object types built from the
settlement selectors' rows (amounts in integer fen, as the 64-bit `Int64` scalar the rest
of the API uses for fen: never a float)."""

from __future__ import annotations

from typing import Any

import graphene
from graphql_relay import to_global_id

from orders.models import SettlementStatement as StatementModel
from shop.graphql.core.scalars import Int64


class SettlementBalance(graphene.ObjectType):
    pending_fen = Int64(required=True, description="Paid, not yet accepted by the buyer (fen).")
    available_fen = Int64(required=True, description="Accepted, not yet settled (fen); negative when refunds after a payout are carried.")
    adjustments_fen = Int64(required=True, description="Refunds after a statement, carried into the next one (fen).")
    settled_fen = Int64(required=True, description="Paid out by the platform (fen).")


class SettlementLine(graphene.ObjectType):
    kind = graphene.String(required=True, description="sale or adjustment")
    order_number = graphene.String(required=True)
    accepted_at = graphene.DateTime()
    gross_fen = Int64(required=True)
    refunded_fen = Int64(required=True)
    amount_fen = Int64(required=True)


class SettlementStatement(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID (type SettlementStatement).")
    number = graphene.String(required=True)
    status = graphene.String(required=True, description="draft, confirmed, objected, approved, paid")
    period_start = graphene.Date(required=True)
    period_end = graphene.Date(required=True)
    sales_fen = Int64(required=True)
    adjustments_fen = Int64(required=True)
    amount_fen = Int64(required=True)
    fee_fen = Int64(required=True)
    payout_fen = Int64(required=True)
    objection = graphene.String(required=True)
    bank_reference = graphene.String(required=True)
    paid_on = graphene.Date()
    lines = graphene.List(graphene.NonNull(SettlementLine), required=True)

    @staticmethod
    def resolve_id(root: StatementModel, info: Any) -> str:
        return to_global_id("SettlementStatement", root.pk)

    @staticmethod
    def resolve_lines(root: StatementModel, info: Any) -> list:
        return list(root.lines.all())  # prefetched by the query

from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.mutations.settlement_common import fresh, own_statement
from orders.graphql.settlement_types import SettlementStatement
from orders.services.settlement import statement_confirm


class StatementConfirm(OrderMutation):
    """The supplier confirms one of its draft (or objected) settlement statements."""

    statement = graphene.Field(SettlementStatement)

    class Arguments:
        statement_id = graphene.ID(required=True, description="Global ID of one of the supplier's statements.")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, statement_id: str) -> dict[str, Any]:
        user, statement = own_statement(info, statement_id)
        statement_confirm(actor=user, statement_id=statement.pk)
        return {"statement": fresh(statement.pk)}

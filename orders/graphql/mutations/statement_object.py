from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.mutations.settlement_common import fresh, own_statement
from orders.graphql.settlement_types import SettlementStatement
from orders.services.settlement import statement_object


class StatementObject(OrderMutation):
    """The supplier objects to one of its draft statements, with a reason."""

    statement = graphene.Field(SettlementStatement)

    class Arguments:
        statement_id = graphene.ID(required=True, description="Global ID of one of the supplier's statements.")
        reason = graphene.String(required=True, description="What is wrong; at most 500 characters.")

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, statement_id: str, reason: str) -> dict[str, Any]:
        user, statement = own_statement(info, statement_id)
        statement_object(actor=user, statement_id=statement.pk, reason=reason)
        return {"statement": fresh(statement.pk)}

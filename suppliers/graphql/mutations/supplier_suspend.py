from typing import Any

import graphene

from shop.graphql.core.mutations import BaseMutation
from suppliers.errors import SupplierErrorCode
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.mutations.common import staff_supplier
from suppliers.graphql.portal_types import SupplierAccount
from suppliers.services.status import supplier_suspend


class SupplierSuspend(BaseMutation):
    """Staff: suspend an approved supplier; its listings leave the storefront at once."""

    supplier = graphene.Field(SupplierAccount)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a supplier (type Supplier).")
        reason = graphene.String(required=True, description="Shown to the supplier.")

    class Meta:
        error_type = SupplierError
        error_codes = SupplierErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, reason: str) -> dict[str, Any]:
        user, supplier = staff_supplier(info, id)
        return {"supplier": supplier_suspend(supplier=supplier, actor=user, reason=reason)}

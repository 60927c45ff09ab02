from typing import Any

import graphene

from shop.graphql.core.mutations import BaseMutation
from suppliers.errors import SupplierErrorCode
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.mutations.common import staff_supplier
from suppliers.graphql.portal_types import SupplierAccount
from suppliers.services.status import supplier_approve


class SupplierApprove(BaseMutation):
    """Staff: approve an application its county recommended. The supplier's team can then
    use the portal; the applicant is told by e-mail."""

    supplier = graphene.Field(SupplierAccount)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a supplier (type Supplier).")

    class Meta:
        error_type = SupplierError
        error_codes = SupplierErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str) -> dict[str, Any]:
        user, supplier = staff_supplier(info, id)
        return {"supplier": supplier_approve(supplier=supplier, actor=user)}

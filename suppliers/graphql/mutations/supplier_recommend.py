from typing import Any

import graphene

from shop.graphql.core.mutations import BaseMutation
from suppliers.errors import SupplierErrorCode
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.mutations.common import reviewable_supplier
from suppliers.graphql.portal_types import SupplierAccount
from suppliers.services.status import supplier_recommend


class SupplierRecommend(BaseMutation):
    """County coordinator (of the applicant's county) or staff: recommend an application
    to the platform. The applicant is told by e-mail."""

    supplier = graphene.Field(SupplierAccount)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a supplier (type Supplier).")
        reason = graphene.String(description="An optional comment for the platform and the applicant.")

    class Meta:
        error_type = SupplierError
        error_codes = SupplierErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, reason: str | None = None) -> dict[str, Any]:
        user, supplier = reviewable_supplier(info, id)
        return {"supplier": supplier_recommend(supplier=supplier, actor=user, reason=reason or "")}

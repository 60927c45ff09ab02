from typing import Any

import graphene
from django.utils.translation import gettext as _

from shop.graphql.core.mutations import BaseMutation, permission_denied
from suppliers.errors import SupplierErrorCode
from suppliers.graphql.errors import SupplierError
from suppliers.graphql.mutations.common import reviewable_supplier
from suppliers.graphql.portal_types import SupplierAccount
from suppliers.models import SupplierStatus
from suppliers.services.status import supplier_reject


class SupplierReject(BaseMutation):
    """Reject an application with a reason: its county's coordinator while it waits for
    the county, staff at any step. The applicant is told by e-mail."""

    supplier = graphene.Field(SupplierAccount)

    class Arguments:
        id = graphene.ID(required=True, description="Global ID of a supplier (type Supplier).")
        reason = graphene.String(required=True, description="Shown to the applicant.")

    class Meta:
        error_type = SupplierError
        error_codes = SupplierErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, id: str, reason: str) -> dict[str, Any]:
        user, supplier = reviewable_supplier(info, id)
        if supplier.status not in (SupplierStatus.APPLIED, SupplierStatus.REJECTED) and not user.is_staff:
            raise permission_denied(_("Once the county has recommended an application, the platform decides."))
        return {"supplier": supplier_reject(supplier=supplier, actor=user, reason=reason)}

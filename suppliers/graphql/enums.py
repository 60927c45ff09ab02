from shop.graphql.core.enums import enum_from_choices, enum_from_error_codes
from suppliers.errors import SupplierErrorCode
from suppliers.models import CertificationKind, LinkageMechanism, SupplierType

SupplierTypeEnum = enum_from_choices(
    SupplierType, name="SupplierType", description="Legal form of a supplier."
)
LinkageMechanismEnum = enum_from_choices(
    LinkageMechanism, name="LinkageMechanism",
    description="How a supplier links registered poor households to its business (联农带农).",
)
CertificationKindEnum = enum_from_choices(
    CertificationKind, name="CertificationKind", description="Kind of a certification or label."
)
SupplierErrorCodeEnum = enum_from_error_codes(
    SupplierErrorCode, name="SupplierErrorCode", description="Error codes of supplier mutations."
)

from enum import StrEnum


class SupplierErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    INVALID_TRANSITION = "invalid_transition"
    REASON_REQUIRED = "reason_required"
    INVALID_CREDIT_CODE = "invalid_credit_code"
    DUPLICATE = "duplicate"

from enum import StrEnum


class SupplierErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    INVALID_TRANSITION = "invalid_transition"
    REASON_REQUIRED = "reason_required"
    INVALID_CREDIT_CODE = "invalid_credit_code"
    DUPLICATE = "duplicate"
    # Application and team
    REQUIRED = "required"
    INVALID_REGION = "invalid_region"
    INVALID_DOCUMENT = "invalid_document"
    EMAIL_TAKEN = "email_taken"
    INVALID_PASSWORD = "invalid_password"
    ALREADY_MEMBER = "already_member"
    FORBIDDEN = "forbidden"
    INVITATION_EXPIRED = "invitation_expired"
    INVITATION_USED = "invitation_used"
    EMAIL_MISMATCH = "email_mismatch"
    TOO_MANY_CERTIFICATIONS = "too_many_certifications"

from enum import StrEnum


class AccountErrorCode(StrEnum):
    """Codes of the buyer-account services' validation errors (``error.code``)."""

    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    DUPLICATE = "duplicate"
    EMAIL_TAKEN = "email_taken"
    PHONE_TAKEN = "phone_taken"
    INVALID_PASSWORD = "invalid_password"
    INVALID_TAX_NUMBER = "invalid_tax_number"
    INVALID_PHONE = "invalid_phone"
    INVALID_PARENT = "invalid_parent"
    ALREADY_MEMBER = "already_member"
    LAST_ADMIN = "last_admin"
    INVITATION_USED = "invitation_used"
    INVITATION_EXPIRED = "invitation_expired"
    EMAIL_MISMATCH = "email_mismatch"
    INVALID_TRANSITION = "invalid_transition"
    ORGANIZATION_SUSPENDED = "organization_suspended"

from enum import StrEnum


class CatalogErrorCode(StrEnum):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    INVALID_FILTER = "invalid_filter"
    INVALID_IMAGE = "invalid_image"
    IMAGE_TOO_LARGE = "image_too_large"
    UNSUPPORTED_IMAGE_FORMAT = "unsupported_image_format"
    PRICE_NOT_POSITIVE = "price_not_positive"
    REQUIRED = "required"
    PRICE_REVIEW_REQUIRED = "price_review_required"
    PRICE_NOT_FLAGGED = "price_not_flagged"

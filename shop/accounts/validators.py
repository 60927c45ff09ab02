"""Normalising and checking what buyers type: tax numbers (税号) and phone numbers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shop.accounts.errors import AccountErrorCode as Code

TAX_NUMBER = re.compile(r"[0-9A-Z]{15,20}")
# Mobile (13912345678), landline with area code (0755-12345678, 075512345678), extension.
PHONE = re.compile(r"(?:\+?86[ -]?)?(?:1[3-9][0-9]{9}|0[0-9]{2,3}[ -]?[0-9]{7,8}(?:-[0-9]{1,6})?)")
MOBILE = re.compile(r"1[3-9][0-9]{9}")


def normalise_tax_number(raw: str) -> str:
    """Upper case, spaces removed. A 统一社会信用代码 has 18 characters, older numbers 15–20."""
    value = re.sub(r"\s+", "", raw or "").upper()
    if value and not TAX_NUMBER.fullmatch(value):
        raise ValidationError(
            _("A tax number has 15 to 20 digits or capital letters (a unified social credit code has 18)."),
            code=Code.INVALID_TAX_NUMBER.value,
        )
    return value


def normalise_phone(raw: str) -> str:
    value = (raw or "").strip()
    if value and not PHONE.fullmatch(value):
        raise ValidationError(
            _("Enter a mobile number (11 digits) or a landline with its area code, e.g. 0755-12345678."),
            code=Code.INVALID_PHONE.value,
        )
    return value


def normalise_mobile(raw: str) -> str:
    value = re.sub(r"[\s-]+", "", raw or "")
    if value.startswith("+86"):
        value = value[3:]
    if value and not MOBILE.fullmatch(value):
        raise ValidationError(
            _("Enter a valid mainland mobile number (11 digits)."), code=Code.INVALID_PHONE.value
        )
    return value

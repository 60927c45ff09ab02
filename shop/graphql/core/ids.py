"""Relay global ids: "Product:42" in base64. Anything else is a clear error, not a crash."""

import binascii
from base64 import b64decode

from django.utils.translation import gettext as _

from shop.graphql.core.errors import ApiErrorCode, api_error


def decode_id(value: str, *, expected_type: str, field: str = "id") -> int:
    try:
        text = b64decode(value.encode("ascii"), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    type_name, _sep, raw = text.partition(":")
    if type_name != expected_type or not raw.isdigit() or len(raw) > 18:
        raise api_error(
            _("Invalid ID: expected the ID of a %(type)s.") % {"type": expected_type},
            code=ApiErrorCode.INVALID_ID, field=field,
        )
    return int(raw)

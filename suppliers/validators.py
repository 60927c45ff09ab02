"""Unified social credit code (统一社会信用代码, GB 32100-2015).

18 characters from a 31-symbol alphabet (digits and capitals without I, O, S, V, Z);
the 18th is a check character: weights 3^i mod 31, check = (31 - sum mod 31) mod 31.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]
_INDEX = {ch: i for i, ch in enumerate(ALPHABET)}


def credit_code_check_char(first17: str) -> str:
    total = sum(_INDEX[ch] * w for ch, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(ch not in _INDEX for ch in code):
        return False
    if not code[2:8].isdigit():
        return False
    return credit_code_check_char(code[:17]) == code[17]


def validate_credit_code(value: str) -> None:
    code = (value or "").strip().upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters."), code="credit_code_length"
        )
    if any(ch not in _INDEX for ch in code) or not code[2:8].isdigit():
        raise ValidationError(
            _("The unified social credit code contains characters that are not allowed."),
            code="credit_code_chars",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of the unified social credit code is wrong."),
            code="credit_code_check",
        )


def make_credit_code(*, authority: str, org_type: str, division: str, serial: str) -> str:
    """Build a valid code (for demo data and tests): 1+1+6+9 characters plus the check."""
    body = f"{authority}{org_type}{division}{serial}"
    if len(body) != 17:
        raise ValueError("the body of a credit code has 17 characters")
    return body + credit_code_check_char(body)

"""Exact money. Prices are ``Decimal`` with two places (yuan); aggregates are integer fen.

Never floats: a yuan amount is quantized to 0.01 with ROUND_HALF_UP and converted to fen
with integer arithmetic only.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.validators import MinValueValidator
from django.db import models

CENT = Decimal("0.01")


def to_decimal(value: object) -> Decimal:
    """Parse a yuan amount; raises ``ValueError`` on anything that is not a finite number."""
    if isinstance(value, float):
        raise TypeError("money must not be a float")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def yuan_to_fen(amount: Decimal) -> int:
    return int(amount.quantize(CENT, rounding=ROUND_HALF_UP) * 100)


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(CENT)


def format_yuan(fen: int) -> str:
    """¥1,234.50 style, from fen."""
    return f"¥{fen_to_yuan(fen):,.2f}"


class MoneyField(models.DecimalField):
    """A non-negative CNY amount with two decimal places."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0.00"))])
        super().__init__(*args, **kwargs)

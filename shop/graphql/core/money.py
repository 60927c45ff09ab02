"""Money as the API shows it: an exact yuan ``Decimal`` string plus the integer fen."""

from dataclasses import dataclass
from decimal import Decimal

import graphene

from shop.common.money import fen_to_yuan, yuan_to_fen
from shop.graphql.core.scalars import Int64

CURRENCY = "CNY"


@dataclass(frozen=True)
class MoneyValue:
    fen: int
    currency: str = CURRENCY

    @classmethod
    def from_yuan(cls, amount: Decimal | None) -> "MoneyValue | None":
        return None if amount is None else cls(fen=yuan_to_fen(amount))

    @classmethod
    def from_fen(cls, fen: int | None) -> "MoneyValue | None":
        return None if fen is None else cls(fen=int(fen))


class Money(graphene.ObjectType):
    """An amount of money. Never a float: `amount` is an exact decimal string, `fen` an integer."""

    amount = graphene.Decimal(
        required=True, description="Amount in yuan with exactly two decimal places, e.g. \"88.00\"."
    )
    fen = graphene.Field(
        Int64, required=True, description="The same amount in fen (1/100 yuan), as a 64-bit integer string."
    )
    currency = graphene.String(required=True, description="ISO 4217 currency code; always CNY.")

    @staticmethod
    def resolve_amount(root: MoneyValue, info: graphene.ResolveInfo) -> Decimal:
        return fen_to_yuan(root.fen)

    @staticmethod
    def resolve_fen(root: MoneyValue, info: graphene.ResolveInfo) -> int:
        return root.fen

    @staticmethod
    def resolve_currency(root: MoneyValue, info: graphene.ResolveInfo) -> str:
        return root.currency

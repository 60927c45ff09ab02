"""What finance staff record: bank receipts and refunds."""

import graphene
from graphql_relay import to_global_id

from orders import models
from orders.graphql.enums import PaymentMethodEnum
from orders.graphql.order_types import choice
from shop.graphql.core.enums import enum_from_choices
from shop.graphql.core.money import Money, MoneyValue

BankReceiptStatusEnum = enum_from_choices(
    models.BankReceiptStatus, name="BankReceiptStatus",
    description="Matched (the order is paid), flagged for review, or resolved.",
)
RefundStatusEnum = enum_from_choices(models.RefundStatus, name="RefundStatus", description="State of a refund.")


class BankReceipt(graphene.ObjectType):
    """A transfer seen on the platform's bank account."""

    id = graphene.ID(required=True, description="Global ID (type BankReceipt).")
    bank_reference = graphene.String(required=True)
    payment_reference = graphene.String(required=True)
    payer_name = graphene.String(required=True)
    amount = graphene.Field(Money, required=True)
    received_on = graphene.Date(required=True)
    status = graphene.Field(BankReceiptStatusEnum, required=True)
    flag_reason = graphene.String(required=True, description="Why it was flagged (empty when matched).")
    order_number = graphene.String(description="The order it paid or was matched to, if any.")

    @staticmethod
    def resolve_id(root: models.BankReceipt, info: graphene.ResolveInfo) -> str:
        return to_global_id("BankReceipt", root.pk)

    @staticmethod
    def resolve_status(root: models.BankReceipt, info: graphene.ResolveInfo) -> str | None:
        return choice(root.status)

    @staticmethod
    def resolve_amount(root: models.BankReceipt, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.amount_fen)

    @staticmethod
    def resolve_order_number(root: models.BankReceipt, info: graphene.ResolveInfo) -> str | None:
        return root.order.number if root.order is not None else None


class Refund(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID (type Refund).")
    method = graphene.Field(PaymentMethodEnum, required=True)
    status = graphene.Field(RefundStatusEnum, required=True)
    amount = graphene.Field(Money, required=True)
    reason = graphene.String(required=True)
    bank_reference = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    completed_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root: models.Refund, info: graphene.ResolveInfo) -> str:
        return to_global_id("Refund", root.pk)

    @staticmethod
    def resolve_method(root: models.Refund, info: graphene.ResolveInfo) -> str | None:
        return choice(root.method)

    @staticmethod
    def resolve_status(root: models.Refund, info: graphene.ResolveInfo) -> str | None:
        return choice(root.status)

    @staticmethod
    def resolve_amount(root: models.Refund, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.amount_fen)

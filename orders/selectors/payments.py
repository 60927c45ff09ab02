"""Reads about payments: what a buyer needs to pay by bank transfer, the receipts finance
staff must look at, and the money history of one order."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from orders.models import BankReceipt, BankReceiptStatus, Order, Payment, Refund


@dataclass(frozen=True)
class BankTransferInstructions:
    """What the buyer writes into the bank transfer (对公转账). ``reference`` goes into the
    transfer's remark (附言) so finance staff can match the money to the order."""

    account_name: str
    bank: str
    account_number: str
    reference: str
    amount_fen: int


def bank_transfer_instructions(*, order: Order) -> BankTransferInstructions:
    return BankTransferInstructions(
        account_name=settings.BANK_ACCOUNT_NAME,
        bank=settings.BANK_ACCOUNT_BANK,
        account_number=settings.BANK_ACCOUNT_NUMBER,
        reference=order.payment_reference,
        amount_fen=order.total_fen,
    )


def flagged_receipts() -> QuerySet[BankReceipt]:
    """Receipts waiting for a member of staff, oldest first (first in, first looked at)."""
    return (
        BankReceipt.objects.filter(status=BankReceiptStatus.FLAGGED)
        .select_related("order", "order__organization", "recorded_by")
        .order_by("received_on", "id")
    )


def payments_for_order(*, order: Order) -> QuerySet[Payment]:
    return Payment.objects.filter(order=order).select_related("bank_receipt").order_by("id")


def receipts_for_order(*, order: Order) -> QuerySet[BankReceipt]:
    return BankReceipt.objects.filter(order=order).select_related("recorded_by", "resolved_by").order_by("id")


def refunds_for_order(*, order: Order) -> QuerySet[Refund]:
    return Refund.objects.filter(order=order).select_related("created_by").order_by("id")

"""Orders app models: campaigns and the ledger, carts, orders and their lines, fulfilment,
payments (Stripe and bank transfer), refunds and the order timeline."""

from orders.models.cart import Cart, CartLine
from orders.models.ledger import (
    Campaign,
    EntryKind,
    FundingChannel,
    LedgerEntry,
    LedgerHead,
    TallyAggregate,
)
from orders.models.offline import OfflineEvidence, OfflineRecord, OfflineRecordStatus
from orders.models.order import (
    PAID_ORDER_STATUSES,
    Fulfilment,
    FulfilmentStatus,
    InvoiceStatus,
    InvoiceType,
    Order,
    OrderEvent,
    OrderEventKind,
    OrderLine,
    OrderStatus,
)
from orders.models.payment import (
    BankReceipt,
    BankReceiptStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundLine,
    RefundSource,
    RefundStatus,
    StripeDispute,
    StripeEvent,
)

__all__ = [
    "BankReceipt", "BankReceiptStatus", "Campaign", "Cart", "CartLine", "EntryKind",
    "Fulfilment", "FulfilmentStatus", "FundingChannel", "InvoiceStatus", "InvoiceType", "LedgerEntry", "LedgerHead", "OfflineEvidence", "OfflineRecord", "OfflineRecordStatus", "Order", "OrderEvent",
    "OrderEventKind", "OrderLine", "OrderStatus", "PAID_ORDER_STATUSES", "Payment", "PaymentMethod", "PaymentStatus",
    "Refund", "RefundLine", "RefundStatus", "StripeEvent", "TallyAggregate",
    "RefundSource", "StripeDispute",
]
from orders.models.report import ReportExport, ReportExportStatus  # noqa: E402,F401
from orders.models.settlement import (  # noqa: E402,F401
    SettlementLine,
    SettlementLineKind,
    SettlementStatement,
    StatementStatus,
)

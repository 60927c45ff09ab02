"""Write actions of the orders app (plain functions; each owns its transaction)."""

from orders.services.cart import (
    cart_clear,
    cart_for,
    cart_get_or_create,
    cart_line_add,
    cart_line_remove,
    cart_line_update,
    ordering_member_organization,
    parse_quantity,
)
from orders.services.checkout import order_place, stock_release
from orders.services.ledger import campaign_for, ledger_record_order_paid, ledger_record_refund
from orders.services.lifecycle import (
    can_cancel,
    order_approve,
    order_cancel,
    order_expire,
    order_reject,
)
from orders.services.payments import PaidResult, order_check_payable, order_mark_paid
from orders.services.refunds import order_refund, order_refund_full, refund_complete, refund_start
from orders.services.status import (
    ORDER_TRANSITIONS,
    order_event_record,
    order_lock,
    order_transition,
)

__all__ = [
    "ORDER_TRANSITIONS", "PaidResult", "campaign_for", "can_cancel", "cart_clear", "cart_for",
    "cart_get_or_create", "cart_line_add", "cart_line_remove", "cart_line_update",
    "ledger_record_order_paid", "ledger_record_refund", "order_approve", "order_cancel",
    "order_check_payable", "order_event_record", "order_expire", "order_lock", "order_mark_paid",
    "order_place", "order_refund", "order_refund_full", "order_reject", "order_transition",
    "ordering_member_organization", "parse_quantity", "refund_complete", "refund_start", "stock_release",
]

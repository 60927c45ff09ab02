"""Write actions of the orders app: plain keyword-only functions, each owning its
transaction, one module per area. Import from here or from the module.

- cart.py        the member's cart
- checkout.py    order placement (stock locking, reservation), stock release
- status.py      the status pipeline and the order timeline
- lifecycle.py   approval, rejection, cancellation, expiry
- payments.py    the paid transition (shared by Stripe and bank transfers)
- card.py        Stripe card payments (through orders/stripe/)
- bank.py        bank transfers recorded by finance staff
- refunds.py     refunds, full or partial, the way the money came
- fulfilment.py  each supplier's part: confirm, ship, accept (验收)
- ledger.py      the ledger's only writer (hash chain, running tally)
- offline.py     offline purchase records, maker–checker
"""

from orders.services.bank import bank_receipt_record, bank_receipt_resolve
from orders.services.card import payment_card_start, payment_card_sync
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
from orders.services.fulfilment import (
    fulfilment_accept,
    fulfilment_confirm,
    fulfilment_ship,
    fulfilments_auto_accept,
    order_accept,
)
from orders.services.ledger import (
    campaign_for,
    ledger_append,
    ledger_record_order_paid,
    ledger_record_refund,
    tally_record_accepted,
)
from orders.services.lifecycle import (
    can_cancel,
    order_approve,
    order_cancel,
    order_expire,
    order_reject,
)
from orders.services.offline import (
    offline_record_approve,
    offline_record_create,
    offline_record_reject,
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
    "ORDER_TRANSITIONS", "PaidResult", "bank_receipt_record", "bank_receipt_resolve", "campaign_for",
    "can_cancel", "cart_clear", "cart_for", "cart_get_or_create", "cart_line_add", "cart_line_remove",
    "cart_line_update", "fulfilment_accept", "fulfilment_confirm", "fulfilment_ship",
    "fulfilments_auto_accept", "ledger_append", "ledger_record_order_paid", "ledger_record_refund",
    "offline_record_approve", "offline_record_create", "offline_record_reject", "order_accept",
    "order_approve", "order_cancel", "order_check_payable", "order_event_record", "order_expire",
    "order_lock", "order_mark_paid", "order_place", "order_refund", "order_refund_full", "order_reject",
    "order_transition", "ordering_member_organization", "parse_quantity", "payment_card_start",
    "payment_card_sync", "refund_complete", "refund_start", "stock_release", "tally_record_accepted",
]

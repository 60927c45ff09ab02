"""Write actions of the orders app: plain keyword-only functions, each owning its
transaction, one module per area. Import each name from its module
(``from orders.services.cart import cart_line_add``): this package re-exports nothing.

- cart.py        the member's cart
- checkout.py    order placement (stock locking, reservation), stock release
- status.py      the status pipeline and the order timeline
- lifecycle.py   approval, rejection, cancellation, expiry
- payments.py    the paid transition (shared by Stripe and bank transfers)
- card.py        Stripe card payments (through orders/stripe/); card_money.py, card_catch_up.py
- bank.py        bank transfers recorded by finance staff
- refunds.py     refunds, full or partial, the way the money came
- fulfilment.py  each supplier's part: confirm, ship, accept (验收)
- ledger.py      the ledger's only writer (hash chain, running tally)
- offline.py     offline purchase records, maker–checker
- notifications.py  order e-mails (one per event and recipient)
- stripe_events.py  Stripe webhook events, stored and processed once
- product_stats.py  the products' sales and rating counters, in step with orders
- invoices.py, reorder.py, reports.py, settlement.py, takeover.py: invoices, reordering,
  report exports, supplier settlement, campaign takeover
"""

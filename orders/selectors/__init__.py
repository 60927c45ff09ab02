"""Reads of the orders app, one module per area. Import each name from its module
(``from orders.selectors.campaigns import campaign_current``): this package re-exports nothing.

- campaigns.py      campaigns and their progress
- cart.py           the member's cart as shown
- orders.py         orders and fulfilments a member or supplier may see
- payments.py, documents.py, reports.py, settlement.py: payments, printable documents,
  report rows, supplier statements
- tally.py, tally_pages.py, uncovered.py: the tally, leaderboards and their pages; payments
  outside every campaign
- product_stats.py  the products' sales and rating figures recomputed from the orders
"""

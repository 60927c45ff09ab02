"""Reads for the orders app: campaigns and the tally, carts, orders and fulfilments."""

from orders.selectors.campaigns import (
    CampaignProgress,
    campaign_by_slug,
    campaign_current,
    campaign_progress,
    campaign_progress_current,
)
from orders.selectors.cart import CartLineView, CartView, cart_view
from orders.selectors.orders import (
    fulfilment_for_supplier,
    fulfilments_for_supplier,
    order_for_member,
    order_timeline,
    orders_for_organization,
)

__all__ = [
    "CampaignProgress", "CartLineView", "CartView", "campaign_by_slug", "campaign_current",
    "campaign_progress", "campaign_progress_current", "cart_view", "fulfilment_for_supplier",
    "fulfilments_for_supplier", "order_for_member", "order_timeline", "orders_for_organization",
]

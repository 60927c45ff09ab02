"""Demo orders: a few orders of the demo community in each state, made through the services.

The demo purchaser (purchaser@demo.cn) places them, the demo approver approves the large
one, payments are recorded as bank transfers (``order_mark_paid``), and the demo supplier
(supplier@demo.cn) confirms and ships its parts; the purchaser accepts one delivery and
cancels one order. Orders are found again by their fixed idempotency keys, and each order is
only moved forward from the state it is in, so running the seed again creates nothing and a
run that stopped half-way is completed by the next one.

Paid demo orders go through the ledger like any other: the main demo campaign covers the
current year, so each paid demo order counts in the tally.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.models import ProductVariant
from orders.models import Order, OrderStatus
from orders.services.cart import cart_clear, cart_line_add
from orders.services.checkout import order_place
from orders.services.fulfilment import fulfilment_confirm, fulfilment_ship, order_accept
from orders.services.lifecycle import order_approve, order_cancel
from orders.services.payments import order_mark_paid
from shop.accounts.models import BuyerOrganization, DeliveryAddress, User
from shop.demo import data_buyers as D
from shop.demo.settlement import settle_demo_order
from suppliers.models import Supplier

S = OrderStatus
# The path each demo order takes; a planned status is reached by the steps before it.
STEPS = (S.PENDING_APPROVAL, S.AWAITING_PAYMENT, S.PAID, S.SHIPPED, S.ACCEPTED)


@dataclass(frozen=True)
class DemoOrderPlan:
    key: str  # idempotency key of the purchaser's order
    status: str  # where the order ends
    items: tuple[tuple[str, int], ...]  # ("demo" supplier or "other", quantity) per line
    note: str = ""
    statement: str = ""  # for an accepted order: the state its settlement statement ends in


PLANS = (
    DemoOrderPlan("demo-order-01-accepted", S.ACCEPTED, (("demo", 3),), "食堂周三午餐用", statement="paid"),
    DemoOrderPlan("demo-order-02-shipped", S.SHIPPED, (("demo", 2),)),
    DemoOrderPlan("demo-order-03-paid", S.PAID, (("demo", 4), ("other", 2)), "请工作日送货"),
    DemoOrderPlan("demo-order-04-awaiting-payment", S.AWAITING_PAYMENT, (("other", 5),)),
    DemoOrderPlan("demo-order-05-pending-approval", S.PENDING_APPROVAL, (("large", 0),), "节日慰问品"),
    DemoOrderPlan("demo-order-06-cancelled", S.CANCELLED, (("other", 1),)),
    # Accepted deliveries of the demo supplier, each stated on its own: a statement in each state.
    DemoOrderPlan("demo-order-07-accepted", S.ACCEPTED, (("demo", 2),), statement="approved"),
    DemoOrderPlan("demo-order-08-accepted", S.ACCEPTED, (("demo", 2),), statement="confirmed"),
    DemoOrderPlan("demo-order-09-accepted", S.ACCEPTED, (("demo", 3),), statement="objected"),
    DemoOrderPlan("demo-order-10-accepted", S.ACCEPTED, (("demo", 2),), statement="draft"),
)
CANCEL_REASON = "采购计划调整"
CARRIER = "顺丰速运"


@dataclass
class DemoOrdersSummary:
    created: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    skipped: str = ""  # why nothing was done (the demo buyer side is not there)
    refused: list[str] = field(default_factory=list)  # orders a service refused to place or move


@dataclass(frozen=True)
class _Cast:
    organization: BuyerOrganization
    address: DeliveryAddress
    purchaser: User
    approver: User
    supplier_owner: User
    staff: User | None
    demo: list[ProductVariant]
    other: list[ProductVariant]


def _cast() -> _Cast | None:
    organization = BuyerOrganization.objects.filter(slug=f"community-{D.DEMO_COMMUNITY_CODE}").first()
    users = {u.email: u for u in User.objects.filter(email__in=[
        "purchaser@demo.cn", "approver@demo.cn", "supplier@demo.cn", "admin@demo.cn"])}
    supplier = Supplier.objects.filter(slug=D.DEMO_SUPPLIER_SLUG).first()
    address = (DeliveryAddress.objects.filter(organization=organization).order_by("-is_default", "pk").first()
               if organization else None)
    if organization is None or address is None or supplier is None or len(users) < 3:
        return None
    on_sale = (ProductVariant.objects.filter(is_active=True, product__is_visible=True, stock__gt=0)
               .select_related("product").order_by("sku"))
    demo = list(on_sale.filter(product__supplier=supplier))
    other = list(on_sale.exclude(product__supplier=supplier))
    if not demo or not other:
        return None
    return _Cast(organization, address, users["purchaser@demo.cn"], users["approver@demo.cn"],
                 users["supplier@demo.cn"], users.get("admin@demo.cn"), demo, other)


def _lines(cast: _Cast, plan: DemoOrderPlan, number: int) -> list[tuple[ProductVariant, int]]:
    """Deterministic variants for a plan: the n-th demo order takes the n-th variant of each
    list (by SKU). The "large" order exceeds the organization's approval threshold."""
    lines = []
    for source, quantity in plan.items:
        if source == "large":
            threshold = cast.organization.approval_threshold
            for variant in cast.demo + cast.other:
                needed = int(threshold // variant.price) + 1 if threshold is not None else variant.min_order_qty
                qty = max(needed, variant.min_order_qty)
                if qty <= min(variant.stock, settings.ORDER_MAX_QUANTITY):
                    lines.append((variant, qty))
                    break
            continue
        pool = cast.demo if source == "demo" else cast.other
        variant = pool[number % len(pool)]
        lines.append((variant, max(quantity, variant.min_order_qty)))
    return lines


def _place(cast: _Cast, plan: DemoOrderPlan, number: int) -> Order | None:
    lines = _lines(cast, plan, number)
    if not lines or any(qty > v.stock for v, qty in lines):
        return None  # the demo catalogue is too small for this order: leave it out
    with transaction.atomic():
        # The purchaser's cart becomes this order, so it must hold exactly these lines.
        cart_clear(user=cast.purchaser, organization=cast.organization)
        for variant, qty in lines:
            cart_line_add(user=cast.purchaser, organization=cast.organization, variant_id=variant.pk, quantity=qty)
        return order_place(
            user=cast.purchaser, organization=cast.organization, address_id=cast.address.pk,
            funding_channel="canteen", idempotency_key=plan.key, note=plan.note,
        )


def _advance(cast: _Cast, order: Order, plan: DemoOrderPlan, number: int) -> Order:
    """Move ``order`` forward to ``plan.status`` one service call at a time."""
    if plan.status == S.CANCELLED:
        if order.status != S.CANCELLED:
            order = order_cancel(actor=cast.purchaser, order=order, reason=CANCEL_REASON)
        return order
    target = STEPS.index(plan.status)
    if order.status == S.PENDING_APPROVAL and target >= STEPS.index(S.AWAITING_PAYMENT):
        order = order_approve(actor=cast.approver, order=order)
    if order.status == S.AWAITING_PAYMENT and target >= STEPS.index(S.PAID):
        order = order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen,
                                actor=cast.staff, source="demo seed").order
    if order.status == S.PAID and target >= STEPS.index(S.SHIPPED):
        order = _ship(cast, order, number)
    if order.status == S.SHIPPED and target >= STEPS.index(S.ACCEPTED):
        order = _accept(cast, order)
    return order


def _ship(cast: _Cast, order: Order, number: int) -> Order:
    """The demo supplier confirms and ships its part (the demo orders that ship hold only
    its products)."""
    for fulfilment in order.fulfilments.filter(supplier__members__user=cast.supplier_owner).order_by("pk"):
        fulfilment_confirm(actor=cast.supplier_owner, fulfilment=fulfilment)
        fulfilment.refresh_from_db()
        fulfilment_ship(actor=cast.supplier_owner, fulfilment=fulfilment, carrier=CARRIER,
                        tracking_number=f"SF20200{number:02d}{order.pk:06d}")
    return Order.objects.get(pk=order.pk)


def _accept(cast: _Cast, order: Order) -> Order:
    order_accept(actor=cast.purchaser, order=order, rating=5, comment="鸡肉新鲜,包装完好,食堂师傅很满意。")
    return Order.objects.get(pk=order.pk)


def seed_demo_orders() -> DemoOrdersSummary:
    """Create the missing demo orders and bring each to its planned state (idempotent)."""
    summary = DemoOrdersSummary(by_status={})
    cast = _cast()
    if cast is None:
        summary.skipped = "the demo community, its members or the demo supplier's products are missing"
        return summary
    for number, plan in enumerate(PLANS):
        order = Order.objects.filter(placed_by=cast.purchaser, idempotency_key=plan.key).first()
        try:
            if order is None:
                order = _place(cast, plan, number)
                if order is None:
                    continue
                summary.created += 1
            order = _advance(cast, order, plan, number)
            if plan.statement and order.status == S.ACCEPTED:
                settle_demo_order(order=order, supplier_owner=cast.supplier_owner, target=plan.statement)
        except ValidationError as exc:
            # Somebody used the demo in between (sold the stock out, acted on an order):
            # the seed leaves that order as it is rather than stop `make run`.
            summary.refused.append(f"{plan.key}: {'; '.join(exc.messages)}")
            if order is None:
                continue
            order.refresh_from_db()
        summary.by_status[order.status] = summary.by_status.get(order.status, 0) + 1
    return summary

"""Small steps for settlement tests: an order of the world's two suppliers, paid, shipped
and accepted by the buyer."""

from orders.models import Order, PaymentMethod
from orders.services.fulfilment import fulfilment_ship, order_accept
from orders.services.payments import order_mark_paid
from tests.world import OrderWorld, place


def paid_order(world: OrderWorld, items=None) -> Order:
    order = place(world, user=world.purchaser_b, organization=world.org_b, items=items)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    order.refresh_from_db()
    return order


def ship_and_accept(world: OrderWorld, order: Order) -> Order:
    owners = {world.supplier_a.pk: world.owner_a, world.supplier_b.pk: world.owner_b}
    for fulfilment in order.fulfilments.order_by("id"):
        fulfilment_ship(actor=owners[fulfilment.supplier_id], fulfilment=fulfilment,
                        carrier="顺丰速运", tracking_number=f"SF{fulfilment.pk:010d}")
    order_accept(actor=order.placed_by, order=Order.objects.get(pk=order.pk), rating=5, comment="")
    return Order.objects.get(pk=order.pk)

"""Who may read an order's documents, and what each reader sees.

- a member of the buyer organization and staff see the whole order (every supplier part);
- a member of a supplier team sees the order only through its own part: the other
  suppliers' parts, lines and prices are never loaded;
- anyone else gets ``None`` (the view answers 404 and never confirms the order exists).

Constant queries: one for the buyer membership check folded into the order query, one for
the supplier membership, one for the order, one for its parts and one for their lines.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from orders.models import Fulfilment, Order, OrderLine
from orders.selectors.orders import _pk
from shop.accounts.models import User
from shop.accounts.selectors import memberships_of
from suppliers.selectors import supplier_membership_of


@dataclass(frozen=True)
class DocumentScope:
    order: Order
    fulfilments: list[Fulfilment]
    whole_order: bool  # False: a supplier reading its own part only

    @property
    def total_fen(self) -> int:
        return sum(f.subtotal_fen for f in self.fulfilments)


def _order_with_parts(pk: int, parts: Prefetch[str, QuerySet[Fulfilment], str]) -> Order | None:
    return Order.objects.select_related("organization", "placed_by").prefetch_related(parts).filter(pk=pk).first()


def _parts(supplier_id: int | None = None) -> Prefetch[str, QuerySet[Fulfilment], str]:
    qs = Fulfilment.objects.select_related("supplier").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    ).order_by("id")
    if supplier_id is not None:
        qs = qs.filter(supplier_id=supplier_id)
    return Prefetch("fulfilments", queryset=qs)


def document_scope(*, user: User | AnonymousUser, order_id: object) -> DocumentScope | None:
    pk = _pk(order_id)
    if pk is None or not user.is_authenticated:
        return None
    if user.is_staff:
        order = _order_with_parts(pk, _parts())
        return DocumentScope(order, list(order.fulfilments.all()), True) if order else None
    buyer_ids = memberships_of(user=user).values("organization_id")
    order = (
        Order.objects.select_related("organization", "placed_by").prefetch_related(_parts())
        .filter(pk=pk, organization_id__in=buyer_ids).first()
    )
    if order is not None:
        return DocumentScope(order, list(order.fulfilments.all()), True)
    membership = supplier_membership_of(user=user)
    if membership is None:
        return None
    order = _order_with_parts(pk, _parts(membership.supplier_id))
    if order is None or not order.fulfilments.all():
        return None
    return DocumentScope(order, list(order.fulfilments.all()), False)

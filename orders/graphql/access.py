"""Who may read or act on what, for the order queries and mutations.

Checks raise Django ``ValidationError`` like the services (mutations turn them into
``errors``; queries into GraphQL errors). Order of the checks: who asks
(PERMISSION_DENIED), the IDs' form (INVALID_ID), then whether the object is the caller's
(NOT_FOUND, the same answer as for an ID that does not exist).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from orders.graphql.scope import MEMBER, STAFF, Viewer, scoped, supplier_viewer
from orders.models import Fulfilment, Order
from orders.selectors.orders import fulfilment_for_supplier, order_for_member
from orders.services.cart import ordering_member_organization
from shop.accounts.models import BuyerOrganization
from shop.accounts.selectors import ORDERING_ROLES, membership_for
from shop.graphql.core.mutations import decode_input_id, not_found, permission_denied
from suppliers.models import Supplier
from suppliers.selectors import supplier_membership_of


def organization_pk(value: Any, *, field: str = "organizationId") -> int | None:
    """The organization a member acts for: a BuyerOrganization global ID, or None for the
    member's first organization."""
    if value in (None, ""):
        return None
    return decode_input_id(value, expected_type="BuyerOrganization", field=field)


def ordering_organization(user: Any, organization_id: Any) -> BuyerOrganization:
    """The organization ``user`` orders for (PERMISSION_DENIED if none)."""
    return ordering_member_organization(user=user, organization_id=organization_pk(organization_id))


def viewer_for(user: Any, order: Order) -> Viewer:
    if membership_for(user=user, organization_id=order.organization_id) is not None:
        return MEMBER
    return STAFF if user.is_staff else Viewer()


def own_supplier(user: Any) -> Supplier | None:
    membership = supplier_membership_of(user=user)
    return membership.supplier if membership is not None else None


def require_supplier(user: Any) -> Supplier:
    supplier = own_supplier(user)
    if supplier is None:
        raise permission_denied(_("Only members of a supplier team have orders to ship."))
    return supplier


def readable_order(user: Any, order_pk: int) -> Order | None:
    """The order marked with how ``user`` sees it, or None: members of its organization and
    staff see it whole, a supplier with a part in it sees only that part."""
    order = order_for_member(user=user, order_id=order_pk)
    if order is not None:
        return scoped(order, viewer_for(user, order))
    supplier = own_supplier(user)
    if supplier is None or not Fulfilment.objects.filter(order_id=order_pk, supplier=supplier).exists():
        return None
    order = Order.objects.select_related("organization", "placed_by").filter(pk=order_pk).first()
    return scoped(order, supplier_viewer(supplier.pk)) if order is not None else None


def member_order(user: Any, global_id: Any, *, field: str = "orderId") -> Order:
    """An order of one of ``user``'s organizations (staff: any order), marked for the
    viewer; NOT_FOUND otherwise."""
    pk = decode_input_id(global_id, expected_type="Order", field=field)
    order = order_for_member(user=user, order_id=pk)
    if order is None:
        raise not_found(field)
    return scoped(order, viewer_for(user, order))


def ordering_member_of(user: Any, order: Order) -> None:
    """``user`` orders for the order's organization (for paying and accepting)."""
    membership = membership_for(user=user, organization_id=order.organization_id)
    if membership is None or membership.role not in ORDERING_ROLES:
        raise permission_denied(_("Only members of the ordering organization can do this."))


def supplier_fulfilment(supplier: Supplier, global_id: Any, *, field: str = "fulfilmentId") -> Fulfilment:
    pk = decode_input_id(global_id, expected_type="Fulfilment", field=field)
    fulfilment = fulfilment_for_supplier(supplier=supplier, fulfilment_id=pk)
    if fulfilment is None:
        raise not_found(field)
    return fulfilment

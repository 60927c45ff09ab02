"""Carts, orders and fulfilments: each caller reads only its own."""

from collections.abc import Callable
from functools import wraps
from typing import Any

import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.graphql.access import (
    ordering_organization,
    organization_pk,
    readable_order,
    require_supplier,
)
from orders.graphql.cart_types import BuyerOrganization, Cart, cart_of
from orders.graphql.enums import FulfilmentStatusEnum, OrderStatusEnum
from orders.graphql.order_types import (
    Fulfilment,
    FulfilmentCountableConnection,
    Order,
    OrderCountableConnection,
)
from orders.graphql.scope import MEMBER, STAFF, Viewer, scoped, supplier_viewer
from orders.models import Order as OrderModel
from orders.selectors.cart import cart_view
from orders.selectors.orders import (
    fulfilment_for_supplier,
    fulfilments_for_supplier,
    orders_for_organization,
)
from orders.services.cart import cart_for
from shop.accounts.selectors import membership_for, memberships_of
from shop.graphql.core.errors import validation_error_to_graphql_error
from shop.graphql.core.ids import decode_id
from shop.graphql.core.mutations import permission_denied
from shop.graphql.core.pagination import CountableConnection, paginate
from shop.graphql.core.permissions import require_user, user_of


def page_args() -> dict[str, Any]:
    return {"first": graphene.Int(), "after": graphene.String(), "last": graphene.Int(), "before": graphene.String()}

ORG_ARG = graphene.ID(
    description="Global ID of the buyer organization to act for (type BuyerOrganization); the user's first one when omitted."
)


def as_graphql_errors(resolver: Callable[..., Any]) -> Callable[..., Any]:
    """Permission and argument problems (``ValidationError``) become GraphQL errors with a code."""

    @wraps(resolver)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return resolver(*args, **kwargs)
        except ValidationError as exc:
            raise validation_error_to_graphql_error(exc) from None

    return wrapper


def _scoped_page(connection: CountableConnection, viewer: Callable[[Any], Viewer] | Viewer) -> CountableConnection:
    for edge in connection.edges:
        edge.node = scoped(edge.node, viewer(edge.node) if callable(viewer) else viewer)
    return connection


class OrderQueries(graphene.ObjectType):
    buyer_organizations = graphene.List(
        graphene.NonNull(BuyerOrganization), required=True,
        description="The verified buyer organizations the logged-in user is a member of, with their delivery addresses.",
    )
    cart = graphene.Field(
        Cart, required=True, organization_id=ORG_ARG,
        description="The logged-in member's cart for an organization (empty when nothing was added).",
    )
    orders = graphene.Field(
        OrderCountableConnection, required=True, **page_args(),
        status=graphene.Argument(OrderStatusEnum, description="Only orders in this status."),
        organization_id=ORG_ARG,
        description=(
            "Orders of the organization the member acts for, newest first. Staff see every order "
            "(or one organization's with `organizationId`). PERMISSION_DENIED for anyone else."
        ),
    )
    order = graphene.Field(
        Order, id=graphene.ID(required=True),
        description=(
            "An order of one of the user's organizations (staff: any order; a supplier: an order it has "
            "a part in, showing only that part). Null when there is none the user may see."
        ),
    )
    supplier_fulfilments = graphene.Field(
        FulfilmentCountableConnection, required=True, **page_args(),
        status=graphene.Argument(FulfilmentStatusEnum, description="Only fulfilments in this status."),
        description="The logged-in supplier's parts of orders, newest first. PERMISSION_DENIED for non-suppliers.",
    )
    supplier_fulfilment = graphene.Field(
        Fulfilment, id=graphene.ID(required=True),
        description="One of the supplier's own fulfilments; null when it has none with this ID.",
    )

    @staticmethod
    def resolve_buyer_organizations(root: Any, info: graphene.ResolveInfo) -> list[Any]:
        user = user_of(info)
        if user is None:
            return []
        return list(memberships_of(user=user).prefetch_related("organization__addresses"))

    @staticmethod
    @as_graphql_errors
    def resolve_cart(root: Any, info: graphene.ResolveInfo, organization_id: str | None = None) -> Any:
        user = require_user(info)
        organization = ordering_organization(user, organization_id)
        return cart_of(cart_view(cart=cart_for(user=user, organization=organization)), organization)

    @staticmethod
    @as_graphql_errors
    def resolve_orders(
        root: Any, info: graphene.ResolveInfo, status: Any = None, organization_id: str | None = None,
        **page: Any,
    ) -> Any:
        user = require_user(info)
        pk = organization_pk(organization_id)
        status_value = status.value if status is not None else ""
        membership = membership_for(user=user, organization_id=pk) if pk is not None or not user.is_staff else None
        if membership is not None:
            queryset, viewer = orders_for_organization(organization=membership.organization, status=status_value), MEMBER
        elif user.is_staff:
            queryset, viewer = OrderModel.objects.order_by("-id"), STAFF
            if pk is not None:
                queryset = queryset.filter(organization_id=pk)
            if status_value:
                queryset = queryset.filter(status=status_value)
        else:
            raise permission_denied(_("Only members of a verified buyer organization have orders."))
        queryset = queryset.select_related("organization", "placed_by")
        return _scoped_page(paginate(queryset, OrderCountableConnection, **page), viewer)

    @staticmethod
    @as_graphql_errors
    def resolve_order(root: Any, info: graphene.ResolveInfo, id: str) -> Any:
        user = require_user(info)
        return readable_order(user, decode_id(id, expected_type="Order"))

    @staticmethod
    @as_graphql_errors
    def resolve_supplier_fulfilments(root: Any, info: graphene.ResolveInfo, status: Any = None, **page: Any) -> Any:
        supplier = require_supplier(require_user(info))
        queryset = fulfilments_for_supplier(supplier=supplier, status=status.value if status is not None else "")
        connection = paginate(queryset.select_related("supplier"), FulfilmentCountableConnection, **page)
        return _scoped_page(connection, supplier_viewer(supplier.pk))

    @staticmethod
    @as_graphql_errors
    def resolve_supplier_fulfilment(root: Any, info: graphene.ResolveInfo, id: str) -> Any:
        supplier = require_supplier(require_user(info))
        fulfilment = fulfilment_for_supplier(supplier=supplier, fulfilment_id=decode_id(id, expected_type="Fulfilment"))
        return scoped(fulfilment, supplier_viewer(supplier.pk)) if fulfilment is not None else None

"""The cart and the buyer organizations a member acts for. Every price and total is read
from the variants on the server (``orders.selectors.cart.cart_view``), never from a client."""

from typing import Any

import graphene
from graphql_relay import to_global_id

from catalog.graphql.types import Product, Variant
from orders.selectors.cart import CartLineView, CartView
from shop.accounts import models as accounts
from shop.graphql.core.enums import enum_from_choices
from shop.graphql.core.money import Money, MoneyValue

MemberRoleEnum = enum_from_choices(
    accounts.MemberRole, name="MemberRole", description="A member's role in a buyer organization.",
)


class CartLine(graphene.ObjectType):
    variant = graphene.Field(Variant, required=True)
    product = graphene.Field(Product, required=True)
    quantity = graphene.Int(required=True)
    unit_price = graphene.Field(Money, required=True, description="The variant's price now.")
    total = graphene.Field(Money, required=True)
    available = graphene.Boolean(required=True, description="False once the product is no longer on sale.")
    problem = graphene.String(
        description="Why the line cannot be checked out as it is (minimum order, stock, no longer on sale); null when it can."
    )

    @staticmethod
    def resolve_product(root: CartLineView, info: graphene.ResolveInfo) -> Any:
        return root.variant.product

    @staticmethod
    def resolve_unit_price(root: CartLineView, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.unit_price_fen)

    @staticmethod
    def resolve_total(root: CartLineView, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.total_fen)

    @staticmethod
    def resolve_problem(root: CartLineView, info: graphene.ResolveInfo) -> str | None:
        return root.problem or None


class Cart(graphene.ObjectType):
    """The member's cart for one organization (it survives logout)."""

    organization_id = graphene.ID(required=True, description="Global ID (type BuyerOrganization).")
    organization_name = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(CartLine), required=True)
    quantity = graphene.Int(required=True, description="Units in the cart.")
    total = graphene.Field(Money, required=True, description="Sum of the lines still on sale.")
    can_check_out = graphene.Boolean(required=True)
    problems = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="The lines' problems, one message each."
    )

    @staticmethod
    def resolve_organization_id(root: CartView, info: graphene.ResolveInfo) -> str:
        return to_global_id("BuyerOrganization", root.organization.pk)  # type: ignore[attr-defined]  # cart_of()

    @staticmethod
    def resolve_organization_name(root: CartView, info: graphene.ResolveInfo) -> str:
        return root.organization.name  # type: ignore[attr-defined]

    @staticmethod
    def resolve_total(root: CartView, info: graphene.ResolveInfo) -> MoneyValue:
        return MoneyValue(fen=root.total_fen)

    @staticmethod
    def resolve_problems(root: CartView, info: graphene.ResolveInfo) -> list[str]:
        return [f"{line.variant.product.name} ({line.variant.spec}): {line.problem}" for line in root.lines if line.problem]


def cart_of(view: CartView, organization: accounts.BuyerOrganization) -> CartView:
    view.organization = organization  # type: ignore[attr-defined]
    return view


class DeliveryAddress(graphene.ObjectType):
    id = graphene.ID(required=True, description="Global ID (type DeliveryAddress), for `checkoutComplete`.")
    label = graphene.String(required=True)
    recipient = graphene.String(required=True)
    phone = graphene.String(required=True)
    address = graphene.String(required=True)
    is_default = graphene.Boolean(required=True)

    @staticmethod
    def resolve_id(root: accounts.DeliveryAddress, info: graphene.ResolveInfo) -> str:
        return to_global_id("DeliveryAddress", root.pk)


class BuyerOrganization(graphene.ObjectType):
    """A verified organization the logged-in user is a member of."""

    id = graphene.ID(required=True, description="Global ID (type BuyerOrganization).")
    name = graphene.String(required=True)
    role = graphene.Field(MemberRoleEnum, required=True, description="The user's role in it.")
    invoice_title = graphene.String(required=True, description="Default invoice title (抬头).")
    tax_number = graphene.String(required=True, description="Default tax number (税号).")
    addresses = graphene.List(graphene.NonNull(DeliveryAddress), required=True)

    @staticmethod
    def resolve_id(root: accounts.Membership, info: graphene.ResolveInfo) -> str:
        return to_global_id("BuyerOrganization", root.organization_id)

    @staticmethod
    def resolve_role(root: accounts.Membership, info: graphene.ResolveInfo) -> str:
        return str(root.role)

    @staticmethod
    def resolve_name(root: accounts.Membership, info: graphene.ResolveInfo) -> str:
        return root.organization.name

    @staticmethod
    def resolve_invoice_title(root: accounts.Membership, info: graphene.ResolveInfo) -> str:
        return root.organization.invoice_title

    @staticmethod
    def resolve_tax_number(root: accounts.Membership, info: graphene.ResolveInfo) -> str:
        return root.organization.tax_number

    @staticmethod
    def resolve_addresses(root: accounts.Membership, info: graphene.ResolveInfo) -> list[Any]:
        return list(root.organization.addresses.all())

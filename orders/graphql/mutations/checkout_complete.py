from typing import Any

import graphene

from orders.errors import OrderErrorCode
from orders.graphql.access import ordering_organization
from orders.graphql.enums import FundingChannelEnum
from orders.graphql.errors import OrderError
from orders.graphql.mutations.common import OrderMutation
from orders.graphql.order_types import Order
from orders.graphql.scope import MEMBER, scoped
from orders.services.checkout import order_place
from shop.graphql.core.mutations import decode_input_id
from shop.graphql.core.permissions import require_user


class CheckoutCompleteInput(graphene.InputObjectType):
    address_id = graphene.ID(required=True, description="Global ID of one of the organization's delivery addresses (type DeliveryAddress).")
    funding_channel = graphene.InputField(FundingChannelEnum, required=True, description="CANTEEN, UNION or PERSONAL.")
    idempotency_key = graphene.String(
        required=True,
        description="A token the client makes once per checkout (8–64 letters, digits, - or _): sending it again returns the same order.",
    )
    invoice_title = graphene.String(description="Invoice title (抬头); the organization's when omitted.")
    tax_number = graphene.String(description="Tax number (税号); the organization's when omitted.")
    invoice_type = graphene.String(description="normal (普通发票) or special (增值税专用发票); when given, the invoice fields are validated for that type.")
    invoice_email = graphene.String(description="E-mail for the electronic invoice.")
    invoice_address_phone = graphene.String(description="Registered address and phone (required for special).")
    invoice_bank_account = graphene.String(description="Bank and account number (required for special).")
    note = graphene.String(description="A note for the suppliers (at most 500 characters).")
    organization_id = graphene.ID(description="Global ID of the buyer organization; the user's first one when omitted.")


class CheckoutComplete(OrderMutation):
    """Place the member's cart as an order: prices are copied from the variants and stock is
    reserved in one transaction. Orders above the organization's approval threshold wait for
    an approver; the others await payment. Idempotent by `idempotencyKey`."""

    order = graphene.Field(Order)

    class Arguments:
        input = CheckoutCompleteInput(required=True)

    class Meta:
        error_type = OrderError
        error_codes = OrderErrorCode

    @classmethod
    def perform(cls, info: graphene.ResolveInfo, *, input: dict[str, Any]) -> dict[str, Any]:
        user = require_user(info)
        organization = ordering_organization(user, input.get("organization_id"))
        address_pk = decode_input_id(input["address_id"], expected_type="DeliveryAddress", field="addressId")
        order = order_place(
            user=user, organization=organization, address_id=address_pk,
            funding_channel=input["funding_channel"].value, idempotency_key=input["idempotency_key"],
            invoice_title=input.get("invoice_title"), tax_number=input.get("tax_number"),
            note=input.get("note") or "", invoice=_invoice(input, organization),
        )
        return {"order": scoped(order, MEMBER)}


def _invoice(input: dict[str, Any], organization) -> dict[str, str] | None:
    if input.get("invoice_type") is None:
        return None
    return {
        "invoice_type": input["invoice_type"],
        "invoice_title": input.get("invoice_title") if input.get("invoice_title") is not None else organization.invoice_title,
        "tax_number": input.get("tax_number") if input.get("tax_number") is not None else organization.tax_number,
        "invoice_email": input.get("invoice_email") or "",
        "invoice_address_phone": input.get("invoice_address_phone") or "",
        "invoice_bank_account": input.get("invoice_bank_account") or "",
    }

"""Helpers for the order API tests: the order world (tests/world.py), clients logged
in as its people, and the documents the tests send."""

from typing import Any

from tests.graphql.api_world import client_for, gid, post
from tests.world import OrderWorld, key, place

ERRORS = "errors { field code message }"
ORDER_FIELDS = """
  id number status organizationName placedBy fundingChannel note paymentReference paymentDueAt
  delivery { label recipient phone address } invoice { title taxNumber }
  total { amount fen } paid { amount } refunded { amount }
  lines { id productName spec quantity unitPrice { amount } total { amount fen } }
  fulfilments { id supplierName status subtotal { amount } carrier trackingNumber rating comment
                lines { productName quantity } }
  events { kind label actorName supplierName message }
  payments { method status amount { amount } clientSecret }
"""
CART = "cart { total { amount fen } quantity canCheckOut problems lines { quantity unitPrice { amount } total { amount } problem variant { id sku } product { name } } }"


def run(user: Any, query: str, variables: dict[str, Any] | None = None, *, status: int = 200) -> dict:
    return post(client_for(user), query, variables, status=status)


def data(result: dict, name: str) -> Any:
    assert "errors" not in result, result
    return result["data"][name]


def error_codes(result: dict, name: str) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in data(result, name)["errors"]]


def add_to_cart(world: OrderWorld, user: Any, variant: Any, quantity: Any, organization: Any = None, *, status: int = 200) -> dict:
    variables = {"v": gid("Variant", variant), "q": quantity}
    if organization is not None:
        variables["org"] = gid("BuyerOrganization", organization)
    return run(user, f"""mutation($v: ID!, $q: Int!, $org: ID) {{
        cartLineAdd(variantId: $v, quantity: $q, organizationId: $org) {{ {CART} {ERRORS} }} }}""", variables, status=status)


CHECKOUT = f"""mutation($input: CheckoutCompleteInput!) {{
  checkoutComplete(input: $input) {{ order {{ {ORDER_FIELDS} }} {ERRORS} }} }}"""


def checkout_input(world: OrderWorld, *, address: Any = None, idempotency_key: str | None = None, **extra: Any) -> dict:
    return {
        "addressId": gid("DeliveryAddress", address or world.address_a),
        "fundingChannel": "CANTEEN",
        "idempotencyKey": idempotency_key or key(),
        **extra,
    }


__all__ = ["CART", "CHECKOUT", "ERRORS", "ORDER_FIELDS", "add_to_cart", "checkout_input", "data", "error_codes", "gid", "key", "place", "run"]

"""The shop side of the throughput phase: what its HTTP clients send.

- list: ``products(first: 24)`` (``bench.catalog.graphql_products_query``);
- detail: ``product(slug:)`` with what the product page shows;
- order placement: ``cartLineAdd`` then ``checkoutComplete`` (the shop's one order path),
  by one logged-in purchaser per client on a variant of its own, so that clients do not
  queue on one stock row; both requests are timed together as one order;
- the HTML catalog and product pages.

The purchasers are made in the scratch database before the server starts, each with a
session row (signed with the server's SECRET_KEY) and a CSRF token: logging in is not part
of what is timed.
"""

import itertools
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test.utils import override_settings
from graphql_relay import to_global_id

from bench.load import Address, MakeOp, Op, graphql_body, graphql_problem, request_op, send
from bench.orders import add_buyers
from shop.accounts.models import User

DETAIL = """query BenchProduct($slug: String!) {
  product(slug: $slug) {
    id name slug summary description storage shelfLifeDays poorHouseholds inStock
    minPrice { amount currency } category { name } county { name } township { name }
    supplier { legalName slug } certifications { title kind } images { url alt width height }
    variants { id sku spec unit minOrderQty stock price { amount currency } }
    salesCount ratingAverage
  }
}"""
CART_LINE_ADD = """mutation BenchCartLineAdd($variant: ID!) {
  cartLineAdd(variantId: $variant, quantity: 1) { errors { field code message } }
}"""
CHECKOUT_COMPLETE = """mutation BenchCheckoutComplete($input: CheckoutCompleteInput!) {
  checkoutComplete(input: $input) { order { number } errors { field code message } }
}"""
JSON = {"Content-Type": "application/json"}


@dataclass(frozen=True)
class Purchaser:
    headers: dict[str, str]  # session cookie, CSRF token
    variant_id: str  # global ID
    address_id: str  # global ID


def make_purchasers(*, count: int, secret_key: str) -> list[Purchaser]:
    """``count`` purchasers, each with a variant of ample stock and a session (under the
    server's ``secret_key``, which signs the session and its auth hash)."""


    world = add_buyers(buyers=count, lines=1, shared_stock=0)
    purchasers = []
    with override_settings(SECRET_KEY=secret_key):
        for user_id, variants in zip(world.user_ids, world.distinct, strict=True):
            user = User.objects.get(pk=user_id)
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret
            purchasers.append(Purchaser(
                headers={**JSON, "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                                           f"{settings.CSRF_COOKIE_NAME}={csrf}", "X-CSRFToken": csrf},
                variant_id=to_global_id("Variant", variants[0]),
                address_id=to_global_id("DeliveryAddress", world.address_id),
            ))
    return purchasers


def shop_list(address: Address, query: str) -> MakeOp:
    return request_op(address, method="POST", body=graphql_body(query), headers=JSON, check_graphql=True)


def shop_detail(address: Address, slug: str) -> MakeOp:
    return request_op(address, method="POST", body=graphql_body(DETAIL, {"slug": slug}), headers=JSON,
                      check_graphql=True)


def shop_page(address: Address, path: str) -> MakeOp:
    return request_op(address, path=quote(path, safe="/?=&"))  # a query string stays one


def shop_order(address: Address, purchasers: list[Purchaser]) -> MakeOp:
    """Client n orders one unit of its own variant; a failed checkout empties nothing, so
    the next attempt orders two."""
    run = secrets.token_hex(4)
    add_bodies = [graphql_body(CART_LINE_ADD, {"variant": p.variant_id}) for p in purchasers]

    def make(client: int) -> Op:
        purchaser, add, counter = purchasers[client], add_bodies[client], itertools.count()

        def op(conn) -> str | None:
            status, payload = send(conn, "POST", address.path, add, purchaser.headers)
            if problem := graphql_problem(status, payload, "cartLineAdd"):
                return problem
            checkout = graphql_body(CHECKOUT_COMPLETE, {"input": {
                "addressId": purchaser.address_id, "fundingChannel": "CANTEEN",
                "idempotencyKey": f"bench-{run}-{client}-{next(counter)}"}})
            status, payload = send(conn, "POST", address.path, checkout, purchaser.headers)
            return graphql_problem(status, payload, "checkoutComplete")

        return op

    return make

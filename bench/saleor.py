"""The Saleor side of ``bench_catalog --against URL``: the same three workloads against a
Saleor GraphQL endpoint with its own demo data (``populatedb``), in channel default-channel.

- list: ``products(first: 24)`` with what a product card shows;
- detail: ``product(slug:)`` with what a product page shows;
- order placement: ``checkoutCreate`` with one line of a variant of its demo data, anonymous.

Saleor is never installed or vendored by the shop: it runs elsewhere (see the README).
"""

import json
from dataclasses import dataclass

from bench.load import Address, MakeOp, Op, graphql_body, graphql_problem, send

CHANNEL = "default-channel"
HEADERS = {"Content-Type": "application/json"}
LIST = """query BenchProducts($channel: String!) {
  products(first: 24, channel: $channel) { edges { node {
    id name slug thumbnail(size: 256) { url alt } category { name }
    pricing { priceRange { start { gross { amount currency } } } }
    variants { id sku pricing { price { gross { amount currency } } } }
  } } }
}"""
DETAIL = """query BenchProduct($slug: String!, $channel: String!) {
  product(slug: $slug, channel: $channel) {
    id name slug description seoTitle isAvailable category { name } productType { name }
    pricing { priceRange { start { gross { amount currency } } } }
    media { url alt } attributes { attribute { name } values { name } }
    variants { id sku name quantityAvailable pricing { price { gross { amount currency } } } }
  }
}"""
CHECKOUT = """mutation BenchCheckout($variant: ID!, $channel: String!) {
  checkoutCreate(input: {channel: $channel, email: "bench@example.com",
                         lines: [{quantity: 1, variantId: $variant}]}) {
    checkout { id totalPrice { gross { amount currency } } }
    errors { field code message }
  }
}"""


class SaleorUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class SaleorDemo:
    address: Address
    product_slug: str
    variant_id: str


def _ask(address: Address, body: bytes, mutation: str | None = None) -> dict:
    conn = address.connect(timeout=30)
    try:
        status, payload = send(conn, "POST", address.path, body, HEADERS)
    except (OSError, ValueError) as exc:
        raise SaleorUnavailable(f"no answer from {address.host}:{address.port}: {exc}") from None
    finally:
        conn.close()
    problem = graphql_problem(status, payload, mutation)
    if problem:
        raise SaleorUnavailable(problem)
    return json.loads(payload)["data"]


def saleor_demo(url: str) -> SaleorDemo:
    """A product and an available variant of Saleor's demo data; the three documents are
    each tried once, so a broken comparison is refused before any load."""
    address = Address.from_url(url)
    data = _ask(address, graphql_body(LIST, {"channel": CHANNEL}))
    nodes = [edge["node"] for edge in data["products"]["edges"]]
    product = next((n for n in nodes if n["variants"]), None)
    if product is None:
        raise SaleorUnavailable(f"no product with variants in channel {CHANNEL} (run populatedb)")
    detail = _ask(address, graphql_body(DETAIL, {"slug": product["slug"], "channel": CHANNEL}))["product"]
    variant = next((v for v in detail["variants"] if (v.get("quantityAvailable") or 0) > 0), detail["variants"][0])
    _ask(address, graphql_body(CHECKOUT, {"variant": variant["id"], "channel": CHANNEL}), "checkoutCreate")
    return SaleorDemo(address, product["slug"], variant["id"])


def saleor_list(demo: SaleorDemo) -> MakeOp:
    return _graphql_op(demo.address, graphql_body(LIST, {"channel": CHANNEL}))


def saleor_detail(demo: SaleorDemo) -> MakeOp:
    return _graphql_op(demo.address, graphql_body(DETAIL, {"slug": demo.product_slug, "channel": CHANNEL}))


def saleor_checkout(demo: SaleorDemo) -> MakeOp:
    return _graphql_op(demo.address, graphql_body(CHECKOUT, {"variant": demo.variant_id, "channel": CHANNEL}),
                       mutation="checkoutCreate")


def _graphql_op(address: Address, body: bytes, mutation: str | None = None) -> MakeOp:
    def make(_client: int) -> Op:
        def op(conn) -> str | None:
            status, payload = send(conn, "POST", address.path, body, HEADERS)
            return graphql_problem(status, payload, mutation)
        return op

    return make

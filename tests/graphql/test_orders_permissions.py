"""The order API's permission matrix: buyer A's cart, orders, addresses and invoice cannot
be read or acted on by buyer B, by a supplier (beyond its own part) or by anonymous visitors,
through any query, mutation or global ID; IDs of the wrong type are refused. Every refused
mutation leaves the database exactly as it was."""

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from catalog.models import ProductVariant
from orders.models import (
    BankReceipt,
    Cart,
    CartLine,
    Fulfilment,
    LedgerEntry,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Refund,
    SettlementStatement,
)
from orders.services.settlement import statement_generate
from tests.graphql.api_world import client_for, post, post_multipart
from tests.graphql.orders_api import ERRORS, ORDER_FIELDS, add_to_cart, data, gid, key, place
from tests.world import OrderWorld, build_order_world

pytestmark = pytest.mark.django_db

SNAPSHOT = (Order, OrderLine, Fulfilment, OrderEvent, Payment, BankReceipt, Refund, LedgerEntry, Cart, CartLine, ProductVariant,
            SettlementStatement)


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT}


@dataclass
class Scene:
    world: OrderWorld
    big: Order  # org A, waiting for approval, both suppliers
    small: Order  # org A, awaiting payment, both suppliers
    theirs: Order  # org B

    def user(self, name: str) -> Any:
        return None if name == "anonymous" else getattr(self.world, name)


@pytest.fixture
def scene(regions) -> Scene:
    world = build_order_world()
    big = place(world, items=[(world.variant_a, 10), (world.variant_b, 5)])  # ¥1,107.50 > ¥1,000
    small = place(world)
    theirs = place(world, user=world.purchaser_b, organization=world.org_b)
    add_to_cart(world, world.purchaser_a, world.variant_a, 1)  # buyer A's cart is not empty
    return Scene(world=world, big=big, small=small, theirs=theirs)


def call(scene: Scene, actor: str, document: str, variables: dict[str, Any]) -> dict:
    if "$file: Upload!" in document:  # sent by the GraphQL multipart request spec
        return post_multipart(client_for(scene.user(actor)), document, variables, {"variables.file": invoice_upload()})
    return post(client_for(scene.user(actor)), document, variables)


def invoice_upload() -> SimpleUploadedFile:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "INVOICE")
    page.save()
    return SimpleUploadedFile("invoice.pdf", out.getvalue(), "application/pdf")


# --- Mutations ------------------------------------------------------------------------------


def part(scene: Scene, order: Order, supplier: Any) -> Fulfilment:
    return order.fulfilments.get(supplier=supplier)


def statement_of_a(scene: Scene) -> SettlementStatement:
    """A draft settlement statement of supplier A (an order of buyer B, paid, shipped and
    accepted), made once per scene."""
    if not hasattr(scene, "statement"):
        from datetime import timedelta

        from django.utils import timezone

        from tests.orders.settlement.helpers import paid_order, ship_and_accept

        ship_and_accept(scene.world, paid_order(scene.world))
        today = timezone.localdate()
        scene.statement = statement_generate(  # type: ignore[attr-defined]
            actor=scene.world.staff, supplier_id=scene.world.supplier_a.pk,
            period_start=today - timedelta(days=31), period_end=today,
        )
    return scene.statement  # type: ignore[attr-defined]


MUTATIONS: list[tuple[str, str, Any, dict[str, str], Any, str]] = [
    # (name, document, variables(scene), {actor: expected code}, wrong-type variables(scene), field)
    (
        "cartLineAdd",
        f"mutation($v: ID!, $org: ID) {{ cartLineAdd(variantId: $v, quantity: 1, organizationId: $org) {{ cart {{ quantity }} {ERRORS} }} }}",
        lambda s: {"v": gid("Variant", s.world.variant_b), "org": gid("BuyerOrganization", s.world.org_a)},
        {"purchaser_b": "PERMISSION_DENIED", "owner_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED"},
        lambda s: {"v": gid("Product", s.world.variant_b.product_id), "org": None},
        "variantId",
    ),
    (
        "cartLineUpdate",
        f"mutation($v: ID!, $org: ID) {{ cartLineUpdate(variantId: $v, quantity: 3, organizationId: $org) {{ cart {{ quantity }} {ERRORS} }} }}",
        lambda s: {"v": gid("Variant", s.world.variant_a), "org": gid("BuyerOrganization", s.world.org_a)},
        {"purchaser_b": "PERMISSION_DENIED", "owner_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"v": gid("Variant", s.world.variant_a), "org": gid("Order", s.small)},
        "organizationId",
    ),
    (
        "cartLineRemove",
        f"mutation($v: ID!, $org: ID) {{ cartLineRemove(variantId: $v, organizationId: $org) {{ cart {{ quantity }} {ERRORS} }} }}",
        lambda s: {"v": gid("Variant", s.world.variant_a), "org": gid("BuyerOrganization", s.world.org_a)},
        {"purchaser_b": "PERMISSION_DENIED", "owner_b": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"v": gid("OrderLine", s.small.lines.first()), "org": None},
        "variantId",
    ),
    (
        "checkoutComplete",
        f"mutation($input: CheckoutCompleteInput!) {{ checkoutComplete(input: $input) {{ order {{ number }} {ERRORS} }} }}",
        lambda s: {"input": {"addressId": gid("DeliveryAddress", s.world.address_a), "fundingChannel": "CANTEEN",
                             "idempotencyKey": key(), "organizationId": gid("BuyerOrganization", s.world.org_a)}},
        {"purchaser_b": "PERMISSION_DENIED", "owner_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"input": {"addressId": gid("BuyerOrganization", s.world.org_a), "fundingChannel": "CANTEEN", "idempotencyKey": key()}},
        "addressId",
    ),
    (
        "orderApprove",
        f"mutation($id: ID!) {{ orderApprove(orderId: $id) {{ order {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Order", s.big)},
        {"purchaser_b": "NOT_FOUND", "owner_a": "NOT_FOUND", "anonymous": "PERMISSION_DENIED",
         "purchaser_a": "NOT_APPROVER", "staff": "NOT_APPROVER"},
        lambda s: {"id": gid("Fulfilment", part(s, s.big, s.world.supplier_a))},
        "orderId",
    ),
    (
        "orderReject",
        f"mutation($id: ID!) {{ orderReject(orderId: $id, reason: \"不批\") {{ order {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Order", s.big)},
        {"purchaser_b": "NOT_FOUND", "owner_b": "NOT_FOUND", "anonymous": "PERMISSION_DENIED", "purchaser_a": "NOT_APPROVER"},
        lambda s: {"id": gid("Payment", 1)},
        "orderId",
    ),
    (
        "orderCancel",
        f"mutation($id: ID!) {{ orderCancel(orderId: $id, reason: \"取消\") {{ order {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Order", s.small)},
        {"purchaser_b": "NOT_FOUND", "owner_a": "NOT_FOUND", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Order", 0)},
        "orderId",
    ),
    (
        "paymentCreate",
        f"mutation($id: ID!) {{ paymentCreate(orderId: $id, method: BANK_TRANSFER) {{ bankTransfer {{ paymentReference }} {ERRORS} }} }}",
        lambda s: {"id": gid("Order", s.small)},
        {"purchaser_b": "NOT_FOUND", "owner_a": "NOT_FOUND", "anonymous": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED"},
        lambda s: {"id": "not-an-id"},
        "orderId",
    ),
    (
        "orderAccept",
        f"mutation($id: ID!) {{ orderAccept(orderId: $id, rating: 5) {{ order {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Order", s.small)},
        {"purchaser_b": "NOT_FOUND", "owner_a": "NOT_FOUND", "anonymous": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Order", 2**40)},
        "orderId",
    ),
    (
        "fulfilmentCreate",
        f"mutation($id: ID!) {{ fulfilmentCreate(fulfilmentId: $id, carrier: \"顺丰\", trackingNumber: \"SF1\") {{ fulfilment {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Fulfilment", part(s, s.small, s.world.supplier_b))},
        {"owner_a": "NOT_FOUND", "purchaser_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Order", s.small)},
        "fulfilmentId",
    ),
    (
        "fulfilmentConfirm",
        f"mutation($id: ID!) {{ fulfilmentConfirm(fulfilmentId: $id) {{ fulfilment {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Fulfilment", part(s, s.small, s.world.supplier_a))},
        {"owner_b": "NOT_FOUND", "purchaser_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"id": gid("OrderLine", s.small.lines.first())},
        "fulfilmentId",
    ),
    (
        "fulfilmentInvoiceUpload",
        f"mutation($id: ID!, $file: Upload!) {{ fulfilmentInvoiceUpload(fulfilmentId: $id, file: $file) {{ fulfilment {{ invoiceStatus }} {ERRORS} }} }}",
        lambda s: {"id": gid("Fulfilment", part(s, s.small, s.world.supplier_a)), "file": None},
        {"owner_b": "NOT_FOUND", "purchaser_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Order", s.small), "file": None},
        "fulfilmentId",
    ),
    (
        "paymentReceiptRecord",
        f"mutation($input: PaymentReceiptRecordInput!) {{ paymentReceiptRecord(input: $input) {{ receipt {{ status }} {ERRORS} }} }}",
        lambda s: {"input": {"bankReference": "CCB1", "paymentReference": s.small.payment_reference,
                             "amount": "312.50", "receivedOn": "2026-01-05"}},
        {"purchaser_a": "PERMISSION_DENIED", "approver_a": "PERMISSION_DENIED", "owner_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        None,
        "",
    ),
    (
        "orderRefund",
        f"mutation($id: ID!) {{ orderRefund(orderId: $id, reason: \"x\", idempotencyKey: \"refund-key-1\") {{ refund {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("Order", s.small)},
        {"purchaser_a": "PERMISSION_DENIED", "admin_a": "PERMISSION_DENIED", "owner_a": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Fulfilment", part(s, s.small, s.world.supplier_a))},
        "orderId",
    ),
    (
        "statementConfirm",
        f"mutation($id: ID!) {{ statementConfirm(statementId: $id) {{ statement {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("SettlementStatement", statement_of_a(s))},
        {"owner_b": "NOT_FOUND", "purchaser_a": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Order", s.small)},
        "statementId",
    ),
    (
        "statementObject",
        f"mutation($id: ID!) {{ statementObject(statementId: $id, reason: \"金额不符\") {{ statement {{ status }} {ERRORS} }} }}",
        lambda s: {"id": gid("SettlementStatement", statement_of_a(s))},
        {"owner_b": "NOT_FOUND", "purchaser_a": "PERMISSION_DENIED", "staff": "PERMISSION_DENIED", "anonymous": "PERMISSION_DENIED"},
        lambda s: {"id": gid("Order", s.small)},
        "statementId",
    ),
]


@pytest.mark.parametrize("name, document, variables, denied, wrong, field", MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_refused_mutations_change_nothing(scene, name, document, variables, denied, wrong, field):
    values = variables(scene)  # made before the snapshot: it may set up the object acted on
    before = snapshot()
    for actor, code in denied.items():
        result = call(scene, actor, document, values)
        errors = data(result, name)["errors"]
        assert [e["code"] for e in errors] == [code], (actor, errors)
        assert all(e["message"] for e in errors)
        assert snapshot() == before, actor
    if wrong is not None:
        # The ID of another type (or no ID at all) is refused even for the allowed actor.
        allowed = {"fulfilmentCreate": "owner_b", "fulfilmentConfirm": "owner_a", "orderRefund": "staff",
                   "fulfilmentInvoiceUpload": "owner_a",
                   "orderApprove": "approver_a", "orderReject": "approver_a",
                   "statementConfirm": "owner_a", "statementObject": "owner_a"}.get(name, "purchaser_a")
        result = call(scene, allowed, document, wrong(scene))
        assert [(e["field"], e["code"]) for e in data(result, name)["errors"]] == [(field, "INVALID_ID")]
        assert snapshot() == before


# --- Queries --------------------------------------------------------------------------------

ORDER = f"query($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"


def test_an_order_is_read_by_its_organization_and_staff_only(scene):
    w = scene.world
    variables = {"id": gid("Order", scene.small)}
    for actor in ("purchaser_a", "approver_a", "admin_a", "staff"):
        order = data(call(scene, actor, ORDER, variables), "order")
        assert order["invoice"]["taxNumber"] == "91440300MA5TEST01X" and len(order["lines"]) == 2, actor
        assert order["total"]["amount"] == "312.50" and order["delivery"]["address"] == w.address_a.address
    assert data(call(scene, "purchaser_b", ORDER, variables), "order") is None
    anonymous = call(scene, "anonymous", ORDER, variables)
    assert anonymous["data"]["order"] is None and anonymous["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    # Buyer A cannot read buyer B's order either.
    assert data(call(scene, "purchaser_a", ORDER, {"id": gid("Order", scene.theirs)}), "order") is None


def test_a_supplier_reads_only_its_own_part_of_an_order(scene):
    variables = {"id": gid("Order", scene.small)}
    for actor, product, supplier in (("owner_a", "龙川山茶油", "龙川县山茶油合作社"), ("owner_b", "都安山羊肉", "都安县山羊养殖合作社")):
        order = data(call(scene, actor, ORDER, variables), "order")
        assert [line["productName"] for line in order["lines"]] == [product]
        assert [f["supplierName"] for f in order["fulfilments"]] == [supplier]
        assert [line["productName"] for line in order["fulfilments"][0]["lines"]] == [product]
        assert order["total"] is None and order["paid"] is None and order["invoice"] is None
        assert order["paymentReference"] is None and order["payments"] == []
    # An order with nothing of supplier A is not supplier A's to read.
    lonely = place(scene.world, user=scene.world.purchaser_b, organization=scene.world.org_b, items=[(scene.world.variant_b, 1)])
    assert data(call(scene, "owner_a", ORDER, {"id": gid("Order", lonely)}), "order") is None


def test_wrong_ids_in_queries(scene):
    wrong = call(scene, "purchaser_a", ORDER, {"id": gid("Fulfilment", part(scene, scene.small, scene.world.supplier_a))})
    assert wrong["errors"][0]["extensions"] == {"code": "INVALID_ID", "field": "id"}
    garbage = call(scene, "purchaser_a", ORDER, {"id": "T3JkZXI6LTE="})  # "Order:-1"
    assert garbage["errors"][0]["extensions"]["code"] == "INVALID_ID"
    fulfilment = call(scene, "owner_a", "query($id: ID!) { supplierFulfilment(id: $id) { id } }", {"id": gid("Order", scene.small)})
    assert fulfilment["errors"][0]["extensions"]["code"] == "INVALID_ID"


def test_order_lists_are_per_organization(scene):
    listing = "query($org: ID) { orders(first: 50, organizationId: $org) { totalCount edges { node { number organizationName } } } }"
    mine = data(call(scene, "purchaser_b", listing, {}), "orders")
    assert [e["node"]["number"] for e in mine["edges"]] == [scene.theirs.number]
    other = call(scene, "purchaser_b", listing, {"org": gid("BuyerOrganization", scene.world.org_a)})
    assert other["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED" and other["data"] is None
    for actor in ("owner_a", "anonymous"):
        assert call(scene, actor, listing, {})["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert data(call(scene, "staff", listing, {}), "orders")["totalCount"] == 3
    assert data(call(scene, "staff", listing, {"org": gid("BuyerOrganization", scene.world.org_b)}), "orders")["totalCount"] == 1


def test_carts_and_addresses_are_private(scene):
    cart = "query($org: ID) { cart(organizationId: $org) { organizationName quantity lines { product { name } } } }"
    assert data(call(scene, "purchaser_a", cart, {}), "cart")["quantity"] == 1
    assert data(call(scene, "purchaser_b", cart, {}), "cart") == {"organizationName": "宝安区测试企业", "quantity": 0, "lines": []}
    # A colleague in organization A has a cart of their own.
    assert data(call(scene, "approver_a", cart, {}), "cart")["quantity"] == 0
    for actor in ("purchaser_b", "owner_a", "anonymous"):
        result = call(scene, actor, cart, {"org": gid("BuyerOrganization", scene.world.org_a)})
        assert result["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED", actor
    organizations = "{ buyerOrganizations { name role taxNumber addresses { label address } } }"
    assert data(call(scene, "purchaser_b", organizations, {}), "buyerOrganizations") == [{
        "name": "宝安区测试企业", "role": "PURCHASER", "taxNumber": scene.world.org_b.tax_number,
        "addresses": [{"label": "员工食堂", "address": "深圳市宝安区西乡街道测试路2号"}],
    }]
    assert data(call(scene, "anonymous", organizations, {}), "buyerOrganizations") == []
    assert data(call(scene, "owner_a", organizations, {}), "buyerOrganizations") == []


def test_supplier_fulfilments_are_the_suppliers_own(scene):
    listing = "{ supplierFulfilments(first: 50) { totalCount edges { node { id supplierName lines { productName } order { number lines { productName } } } } } }"
    own = data(call(scene, "owner_a", listing, {}), "supplierFulfilments")
    assert own["totalCount"] == 3
    for edge in own["edges"]:
        node = edge["node"]
        assert node["supplierName"] == "龙川县山茶油合作社"
        assert {line["productName"] for line in node["lines"]} == {"龙川山茶油"}
        assert {line["productName"] for line in node["order"]["lines"]} == {"龙川山茶油"}
    theirs = gid("Fulfilment", part(scene, scene.small, scene.world.supplier_b))
    one = "query($id: ID!) { supplierFulfilment(id: $id) { id } }"
    assert data(call(scene, "owner_a", one, {"id": theirs}), "supplierFulfilment") is None
    assert data(call(scene, "owner_b", one, {"id": theirs}), "supplierFulfilment") == {"id": theirs}
    for actor in ("purchaser_a", "staff", "anonymous"):
        assert call(scene, actor, listing, {})["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED", actor


def test_every_order_mutation_is_in_the_matrix():
    from orders.graphql.mutations import OrderMutations
    from shop.graphql.schema import schema

    names = set(schema.graphql_schema.mutation_type.fields)
    order_mutations = {name for name in names if _python_name(name) in OrderMutations._meta.fields}
    assert order_mutations == {m[0] for m in MUTATIONS}


def _python_name(graphql_name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in graphql_name)

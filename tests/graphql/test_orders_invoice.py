"""Checkout through the API with a 专票, and the invoice fields read back."""

import pytest

from tests.graphql.orders_api import CHECKOUT, add_to_cart, checkout_input, data, error_codes, run
from tests.world import build_order_world

pytestmark = pytest.mark.django_db

INVOICE = "invoice { title taxNumber type email addressPhone bankAccount } fulfilments { invoiceStatus }"
QUERY = CHECKOUT.replace("invoice { title taxNumber }", INVOICE)


@pytest.fixture
def world(regions):
    return build_order_world()


def test_checkout_with_a_special_invoice(world):
    add_to_cart(world, world.purchaser_a, world.variant_a, 1)
    bad = run(world.purchaser_a, QUERY, {"input": checkout_input(world, invoiceType="special")})
    assert ("invoiceAddressPhone", "REQUIRED") in error_codes(bad, "checkoutComplete")
    ok = run(world.purchaser_a, QUERY, {"input": checkout_input(
        world, invoiceType="special", invoiceEmail="finance@example.cn",
        invoiceAddressPhone="深圳市宝安区测试路1号 0755-12345678", invoiceBankAccount="中国银行 6222000011112222")})
    order = data(ok, "checkoutComplete")["order"]
    assert order["invoice"] == {
        "title": world.org_a.invoice_title, "taxNumber": world.org_a.tax_number, "type": "special",
        "email": "finance@example.cn", "addressPhone": "深圳市宝安区测试路1号 0755-12345678",
        "bankAccount": "中国银行 6222000011112222",
    }
    assert {f["invoiceStatus"] for f in order["fulfilments"]} == {"pending"}

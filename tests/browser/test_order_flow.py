"""An order from two suppliers, from the cart to the ledger, in headless Chromium.

A purchaser of a Bao'an community logs in, adds a Longchuan and a Du'an product to the cart
from their product pages and checks out (above the community's approval threshold); the
approver approves; finance staff record the bank transfer in the admin with the order's
payment reference and amount; each supplier ships its part from /portal/orders/; the
purchaser accepts both deliveries with a rating. Then the ledger holds exactly one entry per
line with the exact fen amounts, the order is accepted and the stock is right. Every step
goes through the real pages; each person has a browser context of their own.
"""

from typing import Any

import pytest

from tests.browser.test_walk import ARTIFACTS

# ``visitors``: one browser context per person (a fixture, imported to be registered here).
from tests.browser.visitor import Visitor, visitors  # noqa: F401
from tests.world import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

LOGIN_BUTTON = "form[action='/accounts/login/'] button[type=submit]"
QTY_A = 10  # × ¥88.00 = ¥880.00 (Longchuan camellia oil)
QTY_B = 6  # × ¥45.50 = ¥273.00 (Du'an goat meat)
TOTAL_FEN = QTY_A * 8800 + QTY_B * 4550  # ¥1,153.00: above the community's ¥1,000 threshold


@pytest.fixture(autouse=True)
def _allow_orm_next_to_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django would refuse the ORM."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(regions, settings, tmp_path):
    from tests.world import build_order_world

    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    return build_order_world()


def shot(visitor: Visitor, step: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visitor.page.screenshot(path=str(ARTIFACTS / f"order-{step}.png"), full_page=True)
    size = visitor.page.viewport_size  # see Visitor.shot: re-sync layout and scroll
    visitor.page.set_viewport_size({**size, "height": size["height"] + 1})
    visitor.page.set_viewport_size(size)


def login(visitor: Visitor, user: Any) -> None:
    visitor.login("/accounts/login/", user.email, PASSWORD, LOGIN_BUTTON)


def add_to_cart(buyer: Visitor, variant: Any, quantity: int) -> str:
    buyer.goto(f"/products/{variant.product.slug}/")
    buyer.page.fill(f"#qty-{variant.pk}", str(quantity))
    return buyer.submit(f"form.add-to-cart:has(input[name=variant][value='{variant.pk}']) button[type=submit]")


def ship_from_portal(seller: Visitor, order: Any, *, carrier: str, tracking: str, confirm: bool) -> str:
    page = seller.page
    with page.expect_navigation():
        page.click(".portal-nav a[href='/portal/orders/']")
    with page.expect_navigation():
        page.get_by_role("link", name=order.number).click()
    if confirm:
        seller.submit("form[action$='/confirm/'] button[type=submit]")
    page.fill("#id_carrier", carrier)
    page.fill("#id_tracking_number", tracking)
    return seller.submit("form[action$='/ship/'] button[type=submit]")


def place_the_order(visitor_for, w):
    """1. The purchaser adds products of two suppliers to the cart and checks out."""
    from orders.models import Order, OrderStatus

    buyer = visitor_for("purchaser")
    login(buyer, w.purchaser_a)
    add_to_cart(buyer, w.variant_a, QTY_A)
    html = add_to_cart(buyer, w.variant_b, QTY_B)
    assert "都安山羊肉" in html
    buyer.goto("/cart/")
    assert buyer.page.locator(".cart-group").count() == 2  # one per supplier
    assert buyer.page.locator("#cart-total").inner_text().strip() == "¥1,153.00"
    shot(buyer, "1-cart")
    with buyer.page.expect_navigation():
        buyer.page.click("a.button[href='/checkout/']")
    buyer.page.check(f"input[name=address][value='{w.address_a.pk}']")
    buyer.page.check("input[name=funding_channel][value=canteen]")
    buyer.page.fill("textarea[name=note]", "请工作日上午送到社区食堂")
    shot(buyer, "1-checkout")
    html = buyer.submit("form.checkout-form button[type=submit]")
    order = Order.objects.get(placed_by=w.purchaser_a)
    assert buyer.page.url.endswith(f"/orders/{order.pk}/")
    assert order.number in html
    assert order.status == OrderStatus.PENDING_APPROVAL
    assert order.total_fen == TOTAL_FEN
    assert order.funding_channel == "canteen"
    assert (order.ship_label, order.ship_recipient) == ("社区食堂", "李四")
    shot(buyer, "1-order-placed")
    return buyer, order


def approve_the_order(visitor_for, w, order):
    """2. The approver approves it."""
    from orders.models import OrderStatus

    approver = visitor_for("approver")
    login(approver, w.approver_a)
    approver.goto(f"/orders/{order.pk}/")
    approver.submit(f"form[action$='/orders/{order.pk}/approve/'] button[type=submit]")
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert order.approved_by == w.approver_a
    shot(approver, "2-approved")
    return approver


def read_the_transfer_instructions(buyer, order, settings) -> None:
    """3. The purchaser reads the transfer instructions and the payment reference."""
    buyer.goto(f"/orders/{order.pk}/pay/")
    pay_text = buyer.page.locator("main").inner_text()
    assert order.payment_reference in pay_text
    assert settings.BANK_ACCOUNT_NUMBER in pay_text
    shot(buyer, "3-pay")


def record_the_transfer(visitor_for, w, order):
    """4. Finance records the transfer in the admin: exact reference and amount."""
    from orders.models import BankReceipt, BankReceiptStatus, OrderStatus

    staff = visitor_for("finance")
    staff.login("/admin/login/?next=/admin/", w.staff.username, PASSWORD, "#login-form input[type=submit]")
    staff.goto("/admin/orders/bankreceipt/add/")
    staff.page.fill("#id_bank_reference", "ICBC20240601000123")
    staff.page.fill("#id_payment_reference", order.payment_reference)
    staff.page.fill("#id_amount", "1153.00")
    staff.page.fill("#id_payer_name", w.org_a.name)
    shot(staff, "4-record-transfer")
    html = staff.submit("#content-main form input[type=submit]")
    assert order.number in html
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_fen == TOTAL_FEN
    receipt = BankReceipt.objects.get(bank_reference="ICBC20240601000123")
    assert receipt.status == BankReceiptStatus.MATCHED and receipt.order_id == order.pk
    shot(staff, "4-recorded")
    return staff


def ship_both_parts(visitor_for, w, order):
    """5. Each supplier ships its own part from the portal; neither sees the other's lines."""
    from orders.models import OrderStatus

    seller_a = visitor_for("supplier-a")
    login(seller_a, w.owner_a)
    html = ship_from_portal(seller_a, order, carrier="顺丰速运", tracking="SF1402983377", confirm=True)
    assert "SF1402983377" in html
    assert "龙川山茶油" in html and "都安山羊肉" not in html and "¥273.00" not in html
    shot(seller_a, "5-supplier-a-shipped")
    seller_b = visitor_for("supplier-b")
    login(seller_b, w.owner_b)
    html = ship_from_portal(seller_b, order, carrier="中国邮政 EMS", tracking="EM9988776655CN", confirm=False)
    assert "都安山羊肉" in html and "龙川山茶油" not in html and "¥880.00" not in html
    shot(seller_b, "5-supplier-b-shipped")
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    return seller_a, seller_b


def accept_both_deliveries(buyer, seller_a, w, order):
    """6. The purchaser accepts both deliveries with a rating and a comment; the supplier
    reads the rating on its order page."""
    from orders.models import Fulfilment

    part_a = Fulfilment.objects.get(order=order, supplier=w.supplier_a)
    part_b = Fulfilment.objects.get(order=order, supplier=w.supplier_b)
    buyer.goto(f"/orders/{order.pk}/")
    for part, rating, comment in ((part_a, 5, "茶油清香，包装完好"), (part_b, 4, "羊肉新鲜")):
        buyer.page.check(f"#accept-{part.pk}-rating-{rating}")
        buyer.page.fill(f"#accept-{part.pk}-comment", comment)
        if part is part_a:
            shot(buyer, "6-accept")
        buyer.submit(f"#accept-{part.pk} button[type=submit]")
    shot(buyer, "6-accepted")

    seller_a.goto(f"/portal/orders/{part_a.pk}/")
    assert "茶油清香，包装完好" in seller_a.page.locator("main").inner_text()
    return part_a, part_b


def check_the_database(w, order, part_a, part_b) -> None:
    """The database agrees: accepted, counted once to the fen, stock right."""
    from catalog.models import ProductVariant
    from orders.models import EntryKind, FulfilmentStatus, LedgerEntry, OrderStatus

    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    part_a.refresh_from_db()
    part_b.refresh_from_db()
    assert (part_a.status, part_a.rating, part_a.carrier, part_a.tracking_number) == (
        FulfilmentStatus.ACCEPTED, 5, "顺丰速运", "SF1402983377"
    )
    assert (part_b.status, part_b.rating) == (FulfilmentStatus.ACCEPTED, 4)
    entries = list(LedgerEntry.objects.filter(order_line__order=order).order_by("amount_fen"))
    assert [(e.kind, e.supplier_id, e.amount_fen) for e in entries] == [
        (EntryKind.ORDER_LINE, w.supplier_b.pk, QTY_B * 4550),
        (EntryKind.ORDER_LINE, w.supplier_a.pk, QTY_A * 8800),
    ]
    assert len({e.order_line_id for e in entries}) == order.lines.count() == 2
    assert sum(e.amount_fen for e in entries) == order.total_fen == order.paid_fen == 115_300
    for entry in entries:
        assert entry.campaign_id == w.campaign.pk
        assert entry.organization_id == w.org_a.pk
        assert entry.buyer_type == w.org_a.org_type
        assert entry.funding_channel == "canteen"
    assert {e.county_id for e in entries} == {w.supplier_a.county_id, w.supplier_b.county_id}
    assert LedgerEntry.objects.count() == 2  # nothing else was written
    a = ProductVariant.objects.get(pk=w.variant_a.pk)
    b = ProductVariant.objects.get(pk=w.variant_b.pk)
    assert (a.stock, a.reserved) == (50 - QTY_A, 0)
    assert (b.stock, b.reserved) == (50 - QTY_B, 0)


def test_two_supplier_order_is_approved_paid_by_transfer_shipped_accepted_and_counted_once(
    live_server, world, visitors, settings  # noqa: F811
):
    settings.SITE_URL = live_server.url
    w = world
    buyer, order = place_the_order(visitors, w)
    approver = approve_the_order(visitors, w, order)
    read_the_transfer_instructions(buyer, order, settings)
    staff = record_the_transfer(visitors, w, order)
    seller_a, seller_b = ship_both_parts(visitors, w, order)
    part_a, part_b = accept_both_deliveries(buyer, seller_a, w, order)
    check_the_database(w, order, part_a, part_b)
    for visitor in (buyer, approver, staff, seller_a, seller_b):
        visitor.assert_clean()

# ruff: noqa: F811  (pytest fixtures imported from test_walk and test_layout are used as arguments)
"""Issue 12's pages in headless Chromium, with a screenshot of each: home, the phone catalog
with its filter drawer open, the phone product page with its buy box, 待我审批, order search,
the invoice sections (buyer and supplier), the organization's invoice profile, checkout with
the profile proposed, the contract PDF (as PNG, when poppler's ``pdftoppm`` is installed)
and the big screen at 1920×1080 and 3840×2160.

Every page answers 200 with no script error and no blocked resource, and the phone pages do
not scroll sideways. Screenshots go to ``$ISSUE12_SHOTS`` (default tests/artifacts/issue12).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.pdfgen import canvas

from tests.browser.test_layout import PHONE, context_for, overflow, people, ranked  # noqa: F401
from tests.browser.test_walk import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    _allow_orm_next_to_playwright,
    browser,
    served_media,
    shop_data,
)
from tests.world import place

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("ISSUE12_SHOTS") or ARTIFACTS / "issue12")
BANK = "中国银行深圳宝安支行 7440 0000 1111 2222"


def invoice_pdf() -> SimpleUploadedFile:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, "ELECTRONIC INVOICE 04403000 00012345")
    page.save()
    return SimpleUploadedFile("fapiao.pdf", out.getvalue(), "application/pdf")


class Visit:
    """One browser context: every page it opens must load cleanly."""

    def __init__(self, browser, live_server, user, viewport) -> None:
        self.base = live_server.url
        self.viewport = viewport
        self.context = context_for(browser, live_server, user, viewport=viewport)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda exc: self.problems.append(f"script error: {exc}"))
        self.page.on("console", lambda msg: self.problems.append(msg.text) if "Content Security Policy" in msg.text else None)
        self.page.on("requestfailed", lambda r: None if r.url.endswith("/favicon.svg") else self.problems.append(f"failed: {r.url}"))

    def open(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response is not None and response.status == 200, (path, response and response.status)
        if self.viewport["width"] <= PHONE["width"]:
            measured = overflow(self.page)
            assert measured["scroll"] <= measured["inner"], (path, measured)

    def shot(self, name: str, *, full_page: bool = False, selector: str | None = None) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        target = self.page.locator(selector).first if selector else self.page
        kwargs = {} if selector else {"full_page": full_page}
        target.screenshot(path=str(SHOTS / f"{name}.png"), **kwargs)

    def close(self) -> None:
        self.context.close()
        assert not self.problems, self.problems


def prepare_invoicing(world):
    """Org A's invoice profile, an open order, and a paid one whose Longchuan part has its
    invoice uploaded: (open order, invoiced order, that part)."""
    from orders.services.invoices import fulfilment_invoice_upload
    from orders.services.payments import order_mark_paid
    from shop.accounts.models import DeliveryAddress
    from shop.accounts.services import organization_invoice_update

    # ``ranked`` copied address_a to other organizations through the same instance.
    world.address_a = DeliveryAddress.objects.filter(organization=world.org_a).order_by("pk").first()
    organization_invoice_update(
        organization=world.org_a, actor=world.admin_a, invoice_title=world.org_a.invoice_title,
        tax_number=world.org_a.tax_number, contact_phone="0755-27771234", invoice_type="special",
        invoice_address_phone="深圳市宝安区新安街道测试路1号 0755-27771234", invoice_bank_account=BANK,
        invoice_email="caiwu@example.cn",
    )
    open_order = place(world, items=[(world.variant_a, 2), (world.variant_b, 1)])
    invoiced = place(world, items=[(world.variant_a, 1), (world.variant_b, 2)])
    order_mark_paid(order_id=invoiced.pk, method="bank_transfer", amount_fen=invoiced.total_fen, actor=world.staff)
    part_a = invoiced.fulfilments.get(supplier=world.supplier_a)
    fulfilment_invoice_upload(actor=world.owner_a, fulfilment=part_a, upload=invoice_pdf())
    return open_order, invoiced, part_a


def visit_as_visitor(browser, live_server) -> None:
    anonymous = Visit(browser, live_server, None, DESKTOP)
    anonymous.open("/")
    anonymous.shot("01-home")
    anonymous.close()

    phone = Visit(browser, live_server, None, PHONE)
    phone.open("/products/")
    phone.page.locator(".filter-drawer > summary").click()
    assert phone.page.locator(".filter-drawer form, form.filter-drawer-form").first.is_visible()
    phone.shot("02-catalog-phone-filters-open")
    phone.close()


def visit_as_buyer_on_a_phone(browser, live_server, world) -> None:
    buyer_phone = Visit(browser, live_server, world.purchaser_a, PHONE)
    buyer_phone.open("/products/longchuan-camellia-oil/")
    assert buyer_phone.page.locator("#buy-box").is_visible()
    buyer_phone.shot("03-product-phone-buy-box")
    buyer_phone.close()


def visit_as_approver(browser, live_server, world, open_order, invoiced, part_a) -> None:
    approver = Visit(browser, live_server, world.approver_a, DESKTOP)
    approver.open("/orders/approvals/")
    assert approver.page.locator("main").inner_text().count("¥") >= 1
    approver.shot("04-approvals-queue", full_page=True)
    approver.open(f"/orders/?number={invoiced.number[-6:]}&supplier=龙川")
    assert invoiced.number in approver.page.locator("main").inner_text()
    approver.shot("05-order-search", full_page=True)
    approver.open(f"/orders/{open_order.pk}/")
    approver.shot("06-invoice-buyer-form", selector="#order-invoices")
    approver.open(f"/orders/{invoiced.pk}/")
    assert approver.page.locator(f"#invoice-part-{part_a.pk} a[download]").is_visible()
    approver.shot("07-invoice-buyer-issued", selector="#order-invoices")
    approver.close()


def visit_as_supplier(browser, live_server, world, invoiced) -> None:
    supplier = Visit(browser, live_server, world.owner_b, DESKTOP)
    supplier.open(f"/portal/orders/{invoiced.fulfilments.get(supplier=world.supplier_b).pk}/")
    supplier.shot("08-invoice-supplier-upload", selector="#order-invoice")
    supplier.close()


def visit_as_organization_admin(browser, live_server, world, open_order) -> None:
    """The invoice profile, the checkout it prefills, and the contract PDF (rendered to a
    picture when pdftoppm is there)."""
    from orders.services.cart import cart_line_add

    admin = Visit(browser, live_server, world.admin_a, DESKTOP)
    admin.open("/account/organization/")
    assert admin.page.locator("input[name=invoice_bank_account]").input_value() == BANK
    admin.shot("09-organization-invoice-profile", full_page=True)
    cart_line_add(user=world.admin_a, organization=world.org_a, variant_id=world.variant_a.pk, quantity=1)
    admin.open("/checkout/")
    assert admin.page.locator("input[name=invoice_bank_account]").input_value() == BANK
    assert admin.page.locator("input[name=save_invoice_default]").is_visible()
    admin.shot("10-checkout-invoice-prefilled", full_page=True)
    pdf = admin.page.request.get(f"{live_server.url}/orders/{open_order.pk}/documents/contract.pdf")
    contract = pdf.body()
    assert pdf.status == 200 and contract.startswith(b"%PDF")
    admin.close()
    if shutil.which("pdftoppm"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        (SHOTS / "contract.pdf").write_bytes(contract)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(SHOTS / "contract.pdf"), str(SHOTS / "11-contract-page1")], check=True)


def visit_the_big_screens(browser, live_server) -> None:
    for width, height in ((1920, 1080), (3840, 2160)):
        screen = Visit(browser, live_server, None, {"width": width, "height": height})
        screen.open("/tally/screen/")
        size = screen.page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
        assert size[0] <= width and size[1] <= height, size
        screen.shot(f"12-big-screen-{width}x{height}")
        screen.close()


def test_issue12_pages_load_cleanly_and_are_photographed(live_server, ranked, browser, settings):
    settings.SITE_URL = live_server.url
    world = ranked
    open_order, invoiced, part_a = prepare_invoicing(world)
    visit_as_visitor(browser, live_server)
    visit_as_buyer_on_a_phone(browser, live_server, world)
    visit_as_approver(browser, live_server, world, open_order, invoiced, part_a)
    visit_as_supplier(browser, live_server, world, invoiced)
    visit_as_organization_admin(browser, live_server, world, open_order)
    visit_the_big_screens(browser, live_server)

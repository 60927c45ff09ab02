"""Invoices: the buyer's details (普通/专用发票), the supplier's electronic invoice for its
part (validated, sanitised, private), the buyer's download and the 待开票 → 已开票 flow."""

from __future__ import annotations

import io

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from orders.models import Fulfilment, InvoiceStatus, InvoiceType, Order
from orders.services.invoices import fulfilment_invoice_upload
from orders.services.payments import order_mark_paid
from tests.factories import UserFactory
from tests.frontend.buying_world import key, login, place, world_fixture  # noqa: F401
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

SPECIAL = {
    "invoice-invoice_type": "special", "invoice-invoice_title": "宝安区新安街道测试社区",
    "invoice-tax_number": "91440300MA5TEST01X", "invoice-invoice_address_phone": "深圳市宝安区测试路1号 0755-12345678",
    "invoice-invoice_bank_account": "中国银行宝安支行 6222000011112222", "invoice-invoice_email": "finance@example.cn",
}


def invoice_pdf(text: str = "INVOICE 12345") -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, text)
    c.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(invoice_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return out.getvalue()


def paid_order(world) -> Order:
    order = place(world)
    order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen, actor=world.staff)
    return order


def upload(client, part: Fulfilment, data: bytes, name: str = "fapiao.pdf"):
    return client.post(f"/portal/orders/{part.pk}/invoice/", {"file": SimpleUploadedFile(name, data, "application/pdf")})


def test_special_invoice_needs_address_and_bank_with_field_errors(client, world):
    order = place(world)
    login(client, world.purchaser_a)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'id="order-invoices"' in html and "待开票" in html
    bad = client.post(f"/orders/{order.pk}/invoice/", {**SPECIAL, "invoice-invoice_bank_account": "",
                                                        "invoice-invoice_email": "not-an-email"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'id="id_invoice-invoice_bank_account_error"' in body and 'id="id_invoice-invoice_email_error"' in body
    order.refresh_from_db()
    assert order.invoice_type == InvoiceType.NORMAL and order.invoice_bank_account == ""
    assert client.post(f"/orders/{order.pk}/invoice/", SPECIAL).status_code == 302
    order.refresh_from_db()
    assert (order.invoice_type, order.invoice_email) == (InvoiceType.SPECIAL, "finance@example.cn")
    normal = {**SPECIAL, "invoice-invoice_type": "normal", "invoice-invoice_address_phone": "", "invoice-invoice_bank_account": ""}
    assert client.post(f"/orders/{order.pk}/invoice/", normal).status_code == 302


def test_another_organization_cannot_change_the_invoice(client, world):
    order = place(world)
    login(client, world.purchaser_b)
    assert client.post(f"/orders/{order.pk}/invoice/", SPECIAL).status_code == 404


def test_checkout_service_takes_the_invoice_details(world):
    from orders.services.cart import cart_line_add
    from orders.services.checkout import order_place

    cart_line_add(user=world.purchaser_a, organization=world.org_a, variant_id=world.variant_a.pk, quantity=1)
    details = {k.removeprefix("invoice-"): v for k, v in SPECIAL.items()}
    with pytest.raises(ValidationError) as exc:
        order_place(user=world.purchaser_a, organization=world.org_a, address_id=world.address_a.pk,
                    funding_channel="canteen", idempotency_key=key(), invoice={**details, "invoice_address_phone": ""})
    assert "invoice_address_phone" in exc.value.error_dict and not Order.objects.exists()
    order = order_place(user=world.purchaser_a, organization=world.org_a, address_id=world.address_a.pk,
                        funding_channel="canteen", idempotency_key=key(), invoice=details)
    assert (order.invoice_type, order.invoice_bank_account) == (InvoiceType.SPECIAL, details["invoice_bank_account"])


def test_supplier_uploads_and_buyer_downloads_the_invoice(client, world):
    order = paid_order(world)
    part_a = order.fulfilments.get(supplier=world.supplier_a)
    part_b = order.fulfilments.get(supplier=world.supplier_b)
    login(client, world.owner_a)
    assert upload(client, part_a, invoice_pdf()).status_code == 302
    part_a.refresh_from_db()
    assert part_a.invoice_status == InvoiceStatus.ISSUED and part_a.invoice_issued_at
    assert part_a.invoice_file.name.startswith("invoices/")
    assert upload(client, part_b, invoice_pdf()).status_code == 404  # not its part
    login(client, world.purchaser_a)
    response = client.get(f"/orders/{order.pk}/documents/{part_a.pk}/invoice.pdf")
    assert response.status_code == 200 and response["Content-Security-Policy"].startswith("sandbox")
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-") and "INVOICE 12345" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert client.get(f"/orders/{order.pk}/documents/{part_b.pk}/invoice.pdf").status_code == 404  # not issued yet
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "已开票" in html and "待开票" in html and "invoice-invoice_type" not in html  # details now fixed
    for user in (world.owner_b, world.purchaser_b, UserFactory(username="nobody", password=PASSWORD)):
        login(client, user)
        assert client.get(f"/orders/{order.pk}/documents/{part_a.pk}/invoice.pdf").status_code == 404


@pytest.mark.parametrize("data", [b"<html>not a pdf</html>", b"%PDF-1.4 broken", "encrypted", "big"])
def test_bad_invoice_upload_is_a_field_error_and_stores_nothing(client, world, settings, data):
    settings.DOCUMENT_MAX_BYTES = 20_000
    if data == "encrypted":
        data = encrypted_pdf()
    elif data == "big":
        data = invoice_pdf("X" * 10) + b"%" + b"0" * 30_000 + b"\n%%EOF\n"
    order = paid_order(world)
    part = order.fulfilments.get(supplier=world.supplier_a)
    login(client, world.owner_a)
    response = upload(client, part, data)
    assert response.status_code == 400 and 'id="invoice-file-error"' in response.content.decode()
    part.refresh_from_db()
    assert part.invoice_status == InvoiceStatus.PENDING and not part.invoice_file


def test_an_image_or_an_unpaid_order_is_refused(world):
    order = place(world)
    part = order.fulfilments.get(supplier=world.supplier_a)
    with pytest.raises(ValidationError):
        fulfilment_invoice_upload(actor=world.owner_a, fulfilment=part, upload=io.BytesIO(invoice_pdf()))
    part.refresh_from_db()
    assert not part.invoice_file and part.invoice_status == InvoiceStatus.PENDING
    with pytest.raises(ValidationError):  # the owner of another supplier
        fulfilment_invoice_upload(actor=world.owner_b, fulfilment=part, upload=io.BytesIO(invoice_pdf()))


def test_reminders_go_once_a_day_to_suppliers_with_open_invoices(world, mailoutbox, django_assert_max_num_queries):
    import datetime as dt

    from orders.invoice_reminders import invoice_reminders_send
    from orders.tasks import invoice_reminders_daily

    place(world)  # unpaid: no reminder
    order = paid_order(world)
    part_b = order.fulfilments.get(supplier=world.supplier_b)
    fulfilment_invoice_upload(actor=world.owner_b, fulfilment=part_b, upload=io.BytesIO(invoice_pdf()))
    today = timezone.localdate()  # the day the daily task sees
    with django_assert_max_num_queries(6):
        assert invoice_reminders_send(day=today) == 1  # supplier A only: B has invoiced
    assert len(mailoutbox) == 1 and world.owner_a.email in mailoutbox[0].to
    assert order.number in mailoutbox[0].body and "发票" in mailoutbox[0].subject
    assert invoice_reminders_send(day=today) == 0 and invoice_reminders_daily.delay().get() == 0
    assert len(mailoutbox) == 1
    assert invoice_reminders_send(day=today + dt.timedelta(days=1)) == 1


def test_staff_see_open_invoices_in_the_admin(client, world, django_assert_max_num_queries):
    order = paid_order(world)
    unpaid = place(world, items=[(world.variant_a, 1)])
    part_b = order.fulfilments.get(supplier=world.supplier_b)
    fulfilment_invoice_upload(actor=world.owner_b, fulfilment=part_b, upload=io.BytesIO(invoice_pdf()))
    login(client, world.staff)
    client.get("/admin/orders/fulfilment/?invoice=open")
    with django_assert_max_num_queries(12):
        html = client.get("/admin/orders/fulfilment/?invoice=open").content.decode()
    part_a = order.fulfilments.get(supplier=world.supplier_a)
    assert f"/admin/orders/fulfilment/{part_a.pk}/" in html
    assert f"/admin/orders/fulfilment/{part_b.pk}/" not in html
    assert f"/admin/orders/fulfilment/{unpaid.fulfilments.get().pk}/" not in html


def test_checkout_page_takes_a_special_invoice(client, world):
    from tests.frontend.buying_world import checkout_key

    login(client, world.purchaser_a)
    assert client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "1"}).status_code == 302
    html = client.get("/checkout/").content.decode()
    assert 'name="invoice_type" value="normal"' in html and "checked" in html
    data = {"address": world.address_a.pk, "invoice_title": world.org_a.invoice_title,
            "tax_number": world.org_a.tax_number, "funding_channel": "union",
            "idempotency_key": checkout_key(html), "invoice_type": "special"}
    bad = client.post("/checkout/", data)
    assert bad.status_code == 400 and 'id="id_invoice_bank_account_error"' in bad.content.decode()
    assert not Order.objects.exists()
    data.update(invoice_address_phone="深圳市宝安区测试路1号 0755-12345678",
                invoice_bank_account="中国银行宝安支行 6222000011112222", invoice_email="finance@example.cn")
    assert client.post("/checkout/", data).status_code == 302
    order = Order.objects.get()
    assert (order.invoice_type, order.invoice_email) == (InvoiceType.SPECIAL, "finance@example.cn")

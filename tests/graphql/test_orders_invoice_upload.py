"""Electronic invoices over the API: a supplier uploads the PDF for its own part with
`fulfilmentInvoiceUpload` (GraphQL multipart request spec, the portal page's service), the
buyer reads the status and a download address; bad files are field errors on `file` and
store nothing; another supplier's part is not found."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from reportlab.pdfgen import canvas

from orders.models import InvoiceStatus
from orders.services.payments import order_mark_paid
from tests.factories import UserFactory
from tests.graphql.api_world import client_for, post, post_multipart
from tests.graphql.orders_api import ERRORS, data, gid, place
from tests.world import PASSWORD, build_order_world, png_bytes

pytestmark = pytest.mark.django_db

UPLOAD = f"""mutation($id: ID!, $file: Upload!) {{ fulfilmentInvoiceUpload(fulfilmentId: $id, file: $file) {{
  fulfilment {{ id invoiceStatus invoiceIssuedAt invoiceUrl }} {ERRORS} }} }}"""
STATUS = """query($id: ID!) { order(id: $id) { fulfilments { supplierName invoiceStatus invoiceIssuedAt invoiceUrl } } }"""


@pytest.fixture
def world(regions):
    return build_order_world()


def pdf(text: str = "INVOICE 0001") -> SimpleUploadedFile:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return SimpleUploadedFile("fapiao.pdf", out.getvalue(), "application/pdf")


def paid(world):
    order = place(world)
    order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen, actor=world.staff)
    return order


def upload(user, part, file) -> dict:
    result = post_multipart(client_for(user), UPLOAD, {"id": gid("Fulfilment", part), "file": None}, {"variables.file": file})
    return data(result, "fulfilmentInvoiceUpload")


def test_a_supplier_uploads_and_the_buyer_reads_the_status_and_downloads(world):
    order = paid(world)
    part_a = order.fulfilments.get(supplier=world.supplier_a)
    before = data(post(client_for(world.purchaser_a), STATUS, {"id": gid("Order", order)}), "order")
    assert {(f["invoiceStatus"], f["invoiceUrl"]) for f in before["fulfilments"]} == {("pending", None)}

    result = upload(world.owner_a, part_a, pdf())
    assert result["errors"] == [] and result["fulfilment"]["invoiceStatus"] == "issued"
    url = result["fulfilment"]["invoiceUrl"]
    assert url.endswith(f"/orders/{order.pk}/documents/{part_a.pk}/invoice.pdf")
    part_a.refresh_from_db()
    assert part_a.invoice_status == InvoiceStatus.ISSUED and part_a.invoice_file

    after = data(post(client_for(world.purchaser_a), STATUS, {"id": gid("Order", order)}), "order")
    by_supplier = {f["supplierName"]: f for f in after["fulfilments"]}
    mine = by_supplier[world.supplier_a.display_name]
    assert (mine["invoiceStatus"], mine["invoiceUrl"]) == ("issued", url) and mine["invoiceIssuedAt"]
    assert by_supplier[world.supplier_b.display_name]["invoiceUrl"] is None

    path = url.split("://", 1)[-1].split("/", 1)[-1]
    download = client_for(world.purchaser_a).get(f"/{path}")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert client_for(world.purchaser_b).get(f"/{path}").status_code == 404
    stranger = UserFactory(username="stranger", password=PASSWORD)
    assert client_for(stranger).get(f"/{path}").status_code == 404


@pytest.mark.parametrize(("name", "content", "kind", "code"), [
    ("fapiao.png", None, "image/png", "UNSUPPORTED_DOCUMENT"),
    ("fapiao.pdf", b"%PDF-1.4 not really a pdf", "application/pdf", "INVALID_DOCUMENT"),
    ("fapiao.pdf", b"", "application/pdf", "INVALID_DOCUMENT"),
])
def test_bad_files_are_field_errors_and_nothing_is_stored(world, name, content, kind, code):
    order = paid(world)
    part = order.fulfilments.get(supplier=world.supplier_a)
    file = SimpleUploadedFile(name, png_bytes() if content is None else content, kind)
    result = upload(world.owner_a, part, file)
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("file", code)]
    assert result["errors"][0]["message"] and result["fulfilment"] is None
    part.refresh_from_db()
    assert part.invoice_status == InvoiceStatus.PENDING and not part.invoice_file


def test_the_api_and_the_portal_page_refuse_with_the_same_message(world):
    order = paid(world)
    part = order.fulfilments.get(supplier=world.supplier_a)
    bad = b"%PDF-1.4 not really a pdf"
    api = upload(world.owner_a, part, SimpleUploadedFile("x.pdf", bad, "application/pdf"))["errors"][0]["message"]
    page = Client()
    page.force_login(world.owner_a)
    html = page.post(f"/portal/orders/{part.pk}/invoice/", {"file": SimpleUploadedFile("x.pdf", bad, "application/pdf")})
    assert html.status_code == 400 and api in html.content.decode()


def test_unpaid_orders_and_other_suppliers_parts_are_refused(world):
    unpaid = place(world)
    result = upload(world.owner_a, unpaid.fulfilments.get(supplier=world.supplier_a), pdf())
    assert [e["code"] for e in result["errors"]] == ["INVALID_TRANSITION"]
    order = paid(world)
    theirs = order.fulfilments.get(supplier=world.supplier_b)
    result = upload(world.owner_a, theirs, pdf())
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("fulfilmentId", "NOT_FOUND")]
    theirs.refresh_from_db()
    assert not theirs.invoice_file
    result = upload(world.purchaser_a, theirs, pdf())
    assert [e["code"] for e in result["errors"]] == ["PERMISSION_DENIED"]

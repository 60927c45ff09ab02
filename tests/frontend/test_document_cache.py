"""Documents are drawn once per version: repeated downloads come from the cache, conditional
GETs get a 304 without drawing, a change to the order or a part gives a new document, and
the permission check comes before the cache. Renders are counted with the
``shop_documents_rendered_total`` metric (not timed)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from prometheus_client import REGISTRY
from pypdf import PdfReader

from orders.models import SettlementStatement
from orders.services.fulfilment import fulfilment_ship
from orders.services.invoices import order_invoice_update
from orders.services.payments import order_mark_paid
from orders.services.settlement import statement_generate
from suppliers.services.names import supplier_rename
from tests.factories import UserFactory
from tests.frontend.buying_world import login, place, world_fixture  # noqa: F401
from tests.orders.settlement.helpers import paid_order, ship_and_accept
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db


def renders(kind: str) -> float:
    return REGISTRY.get_sample_value("shop_documents_rendered_total", {"kind": kind}) or 0.0


def text_of(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_repeated_downloads_draw_the_contract_once_and_answer_conditional_gets(client, world):
    order = place(world)
    url = f"/orders/{order.pk}/documents/contract.pdf"
    login(client, world.purchaser_a)
    before = renders("contract")
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    for _ in range(3):
        again = client.get(url)
        assert (again.status_code, again.content, again["ETag"]) == (200, first.content, etag)
    assert renders("contract") == before + 1
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert by_etag.status_code == 304 and by_etag.content == b"" and by_etag["ETag"] == etag
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    assert by_date.status_code == 304 and by_date["Last-Modified"] == last_modified
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    assert renders("contract") == before + 1


def test_a_change_to_the_order_or_a_part_gives_a_new_document(client, world, django_capture_on_commit_callbacks):
    order = place(world)
    order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen, actor=world.staff)
    part = order.fulfilments.get(supplier=world.supplier_a)
    contract = f"/orders/{order.pk}/documents/contract.pdf"
    note = f"/orders/{order.pk}/documents/{part.pk}/delivery-note.pdf"
    login(client, world.purchaser_a)
    old_contract, old_note = client.get(contract), client.get(note)
    contracts, notes = renders("contract"), renders("delivery_note")

    fulfilment_ship(actor=world.owner_a, fulfilment=part, carrier="顺丰速运", tracking_number="SF1234567890")
    new_note = client.get(note, HTTP_IF_NONE_MATCH=old_note["ETag"])
    assert new_note.status_code == 200 and new_note["ETag"] != old_note["ETag"]
    assert "SF1234567890" in text_of(new_note) and "SF1234567890" not in text_of(old_note)
    assert renders("delivery_note") == notes + 1

    with django_capture_on_commit_callbacks(execute=True):
        supplier_rename(supplier=world.supplier_a, legal_name="龙川县义都镇新名山茶油专业合作社")
    new_contract = client.get(contract, HTTP_IF_NONE_MATCH=old_contract["ETag"])
    assert new_contract.status_code == 200 and "新名山茶油" in text_of(new_contract)
    order_invoice_update(actor=world.purchaser_a, order=order, invoice_type="normal",
                         invoice_title="宝安区新安街道测试社区", tax_number="91440300MA5TEST01X",
                         invoice_email="caiwu@example.cn")
    third = client.get(contract, HTTP_IF_NONE_MATCH=new_contract["ETag"])
    assert third.status_code == 200 and third["ETag"] not in (old_contract["ETag"], new_contract["ETag"])
    assert renders("contract") == contracts + 2
    assert client.get(contract).content == third.content and renders("contract") == contracts + 2


def test_permission_comes_before_the_cache(client, world):
    order = place(world)
    url = f"/orders/{order.pk}/documents/contract.pdf"
    login(client, world.purchaser_a)
    etag = client.get(url)["ETag"]
    stranger = UserFactory(username="stranger", password=PASSWORD)
    for user in (world.purchaser_b, stranger):
        login(client, user)
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 404
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 302  # to the login page
    # A supplier's contract holds its own part only: another version, never the buyer's copy.
    login(client, world.owner_b)
    own = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert own.status_code == 200 and own["ETag"] != etag
    text = text_of(own)
    assert world.supplier_b.legal_name in text and world.supplier_a.legal_name not in text


def test_settlement_statements_are_cached_and_revalidated(client, world):
    today = timezone.localdate()
    ship_and_accept(world, paid_order(world))
    statement_generate(actor=world.staff, supplier_id=world.supplier_a.pk,
                       period_start=today.replace(day=1), period_end=today)
    mine = SettlementStatement.objects.get(supplier=world.supplier_a)
    client.force_login(world.owner_a)
    url = reverse("frontend:portal:settlement_download", args=[mine.pk, "pdf"])
    before = renders("statement_pdf")
    first = client.get(url)
    assert first.status_code == 200 and client.get(url).content == first.content
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert renders("statement_pdf") == before + 1
    xlsx = client.get(reverse("frontend:portal:settlement_download", args=[mine.pk, "xlsx"]))
    assert xlsx["ETag"].startswith('W/"')  # a workbook records when it was written
    client.force_login(world.owner_b)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 404

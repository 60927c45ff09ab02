"""The order's PDF documents: who may download them, what each reader sees in them, the
amount in capitals, and a constant number of queries."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from orders.documents.capitals import fen_in_capitals
from tests.factories import UserFactory
from tests.frontend.buying_world import login, more_variants, place, world_fixture  # noqa: F401
from tests.world import PASSWORD

pytestmark = pytest.mark.django_db

KINDS = ("contract.pdf", "acceptance.pdf")


def pdf_text(response) -> str:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


@pytest.mark.parametrize(("fen", "capitals"), [
    (0, "零元整"), (5, "伍分"), (10, "壹角"), (10000, "壹佰元整"), (31250, "叁佰壹拾贰元伍角"),
    (123456, "壹仟贰佰叁拾肆元伍角陆分"), (1000500, "壹万零伍元整"), (10000000001, "壹亿元零壹分"),
])
def test_amount_in_capitals(fen, capitals):
    assert fen_in_capitals(fen) == capitals


def test_buyer_contract_has_parties_both_parts_and_capitals(client, world):
    order = place(world)  # ¥312.50 in two supplier parts
    login(client, world.purchaser_a)
    text = pdf_text(client.get(f"/orders/{order.pk}/documents/contract.pdf"))
    for expected in ("采购合同", order.number, world.org_a.name, world.supplier_a.legal_name,
                     world.supplier_b.legal_name, "龙川山茶油", "都安山羊肉", "¥312.50", "叁佰壹拾贰元伍角", "验收"):
        assert expected in text, expected


def test_acceptance_form_has_signature_and_seal_areas(client, world):
    order = place(world)
    login(client, world.approver_a)
    text = pdf_text(client.get(f"/orders/{order.pk}/documents/acceptance.pdf"))
    for expected in ("验收单", "签字", "盖章", "叁佰壹拾贰元伍角", "龙川山茶油", "都安山羊肉"):
        assert expected in text, expected


def test_supplier_sees_only_its_own_part(client, world):
    order = place(world)
    part_a = order.fulfilments.get(supplier=world.supplier_a)
    part_b = order.fulfilments.get(supplier=world.supplier_b)
    login(client, world.owner_a)
    for kind in KINDS:
        text = pdf_text(client.get(f"/orders/{order.pk}/documents/{kind}"))
        assert "龙川山茶油" in text and world.supplier_a.legal_name in text
        assert "都安山羊肉" not in text and world.supplier_b.legal_name not in text
        assert "¥312.50" not in text and fen_in_capitals(part_a.subtotal_fen) in text
    note = pdf_text(client.get(f"/orders/{order.pk}/documents/{part_a.pk}/delivery-note.pdf"))
    assert "送货单" in note and "龙川山茶油" in note and "¥" not in note
    assert client.get(f"/orders/{order.pk}/documents/{part_b.pk}/delivery-note.pdf").status_code == 404


def test_staff_read_every_document(client, world):
    order = place(world)
    login(client, world.staff)
    assert "都安山羊肉" in pdf_text(client.get(f"/orders/{order.pk}/documents/contract.pdf"))
    for part in order.fulfilments.all():
        assert "送货单" in pdf_text(client.get(f"/orders/{order.pk}/documents/{part.pk}/delivery-note.pdf"))


def test_others_get_404_and_anonymous_the_login_page(client, world):
    order = place(world)
    part = order.fulfilments.first()
    urls = [f"/orders/{order.pk}/documents/{k}" for k in KINDS] + [
        f"/orders/{order.pk}/documents/{part.pk}/delivery-note.pdf"]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login page
    stranger = UserFactory(username="stranger", password=PASSWORD)
    for user in (world.purchaser_b, stranger):
        login(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    other = place(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_b, 1)])
    login(client, world.owner_a)  # supplier A has no part in this order
    assert client.get(f"/orders/{other.pk}/documents/contract.pdf").status_code == 404
    assert client.post(f"/orders/{order.pk}/documents/contract.pdf").status_code == 405


@pytest.mark.parametrize("who", ["purchaser_a", "owner_a", "staff"])
def test_document_queries_do_not_grow_with_the_order(client, world, who, django_assert_max_num_queries):
    login(client, getattr(world, who))
    small = place(world, items=[(world.variant_a, 1)])
    big = place(world, items=[(world.variant_a, 2), (world.variant_b, 1), *[(v, 1) for v in more_variants(world, 6)]])
    for order in (small, big):
        for kind in KINDS:
            client.get(f"/orders/{order.pk}/documents/{kind}")  # warm the session
            with django_assert_max_num_queries(8):
                assert client.get(f"/orders/{order.pk}/documents/{kind}").status_code == 200


def test_print_sheet_has_capitals_and_supplier_block(client, world):
    order = place(world)
    login(client, world.purchaser_a)
    html = client.get(f"/orders/{order.pk}/print/").content.decode()
    assert 'id="order-total-capitals"' in html and "叁佰壹拾贰元伍角" in html
    for supplier in (world.supplier_a, world.supplier_b):
        assert supplier.legal_name in html and supplier.contact_phone in html


def test_order_pages_link_the_documents(client, world):
    order = place(world)
    part_a = order.fulfilments.get(supplier=world.supplier_a)
    login(client, world.purchaser_a)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f"/orders/{order.pk}/documents/contract.pdf" in html
    for part in order.fulfilments.all():
        assert f"/orders/{order.pk}/documents/{part.pk}/delivery-note.pdf" in html
    login(client, world.owner_a)
    portal = client.get(f"/portal/orders/{part_a.pk}/").content.decode()
    assert f"/orders/{order.pk}/documents/{part_a.pk}/delivery-note.pdf" in portal
    assert "/delivery-note.pdf" in portal and portal.count("/delivery-note.pdf") == 1

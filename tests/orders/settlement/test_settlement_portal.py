"""The 结算 page of the supplier portal: balances and the supplier's own statements in a
constant number of queries, downloads (XLSX with Chinese headers, PDF), confirm and object;
another supplier's statement is a 404."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from orders.models import SettlementStatement
from orders.services.settlement import statement_generate
from tests.orders.settlement.helpers import paid_order, ship_and_accept

pytestmark = pytest.mark.django_db


def _statements(world, n):
    today = timezone.localdate()
    for _ in range(n):
        ship_and_accept(world, paid_order(world))
        for supplier in (world.supplier_a, world.supplier_b):
            statement_generate(actor=world.staff, supplier_id=supplier.pk,
                               period_start=today.replace(day=1), period_end=today)


@pytest.mark.parametrize("n", [1, 4])
def test_the_page_shows_balances_and_own_statements_in_constant_queries(world, client, n,
                                                                        django_assert_max_num_queries):
    _statements(world, n)
    paid_order(world)  # pending acceptance
    client.force_login(world.owner_a)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("frontend:portal:settlement"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("JS") >= n and "¥176.00" in page
    own = SettlementStatement.objects.filter(supplier=world.supplier_a).count()
    assert own == n
    for other in SettlementStatement.objects.filter(supplier=world.supplier_b):
        assert other.number not in page


def test_downloads_confirm_object_and_another_suppliers_statement_is_404(world, client):
    _statements(world, 1)
    mine = SettlementStatement.objects.get(supplier=world.supplier_a)
    theirs = SettlementStatement.objects.get(supplier=world.supplier_b)
    client.force_login(world.owner_a)
    xlsx = client.get(reverse("frontend:portal:settlement_download", args=[mine.pk, "xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "结算单" and "订单号" in [c.value for c in sheet[14]]
    pdf = client.get(reverse("frontend:portal:settlement_download", args=[mine.pk, "pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF") and b"STSong-Light" in pdf.content
    assert client.get(reverse("frontend:portal:settlement_download", args=[theirs.pk, "pdf"])).status_code == 404
    answer = reverse("frontend:portal:settlement_answer", args=[theirs.pk])
    assert client.post(answer, {"answer": "confirm"}).status_code == 404
    client.post(reverse("frontend:portal:settlement_answer", args=[mine.pk]), {"answer": "object", "reason": "少算一箱"})
    mine.refresh_from_db()
    assert (mine.status, mine.objection) == ("objected", "少算一箱")
    client.post(reverse("frontend:portal:settlement_answer", args=[mine.pk]), {"answer": "confirm"})
    mine.refresh_from_db()
    assert mine.status == "confirmed"

"""/reports/: who may export, the form's field errors in Chinese, direct downloads, large
exports through the Celery task (eager) and downloads by the requester only."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from orders.models import ReportExport, ReportExportStatus
from tests.factories import UserFactory
from tests.orders.test_reports import LEDGER_HEADERS, history, read_csv
from tests.world import build_order_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    return build_order_world()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def export(client, world, **fields):
    data = {"campaign": world.campaign.slug, "period_type": "campaign", "table": "ledger", "fmt": "csv", **fields}
    return client.post("/reports/", data)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_staff_page_and_a_direct_csv_download(client, world):
    history(world)
    client.force_login(world.staff)
    page = client.get("/reports/")
    assert page.status_code == 200 and "导出" in page.content.decode() and world.campaign.name in page.content.decode()
    response = export(client, world)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"] and ".csv" in response["Content-Disposition"]
    rows = read_csv(body(response))
    assert rows[0] == LEDGER_HEADERS and len(rows) == 1 + 6
    assert {r[6] for r in rows[1:]} == {world.org_a.name, world.org_b.name}
    assert world.campaign.name in client.get("/reports/").content.decode()  # listed among the exports


def test_a_direct_xlsx_of_all_breakdowns(client, world):
    history(world)
    client.force_login(world.staff)
    response = export(client, world, table="breakdowns", fmt="xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert "按采购单位" in workbook.sheetnames and "按月份" in workbook.sheetnames


def test_an_organization_admin_downloads_only_its_own_rows(client, world):
    history(world)
    client.force_login(world.admin_a)
    page = client.get("/reports/")
    assert page.status_code == 200 and world.org_a.name in page.content.decode()
    rows = read_csv(body(export(client, world)))
    assert {r[6] for r in rows[1:]} == {world.org_a.name}
    assert sum(Decimal(r[3]) for r in rows[1:]) == Decimal("1368.50")
    orgs = read_csv(body(export(client, world, table="organization")))
    assert [r[0] for r in orgs[1:]] == [world.org_a.name]


@pytest.mark.parametrize("who", ["purchaser_a", "approver_a"])
def test_purchasers_and_approvers_export_only_their_own_organization(client, world, who):
    history(world)
    client.force_login(getattr(world, who))
    page = client.get("/reports/")
    assert page.status_code == 200 and world.org_b.name not in page.content.decode()
    rows = read_csv(body(export(client, world)))
    assert {r[6] for r in rows[1:]} == {world.org_a.name}
    orgs = read_csv(body(export(client, world, table="organization")))
    assert [r[0] for r in orgs[1:]] == [world.org_a.name]


def test_the_account_menu_links_to_the_reports(client, world):
    client.force_login(world.purchaser_a)
    assert 'href="/reports/"' in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["owner_a"])
def test_suppliers_are_refused(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get("/reports/").status_code == 403
    assert export(client, world).status_code == 403
    assert ReportExport.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get("/reports/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert export(client, world).status_code == 302 and ReportExport.objects.count() == 0


@pytest.mark.parametrize(("fields", "message"), [
    ({"campaign": "no-such-campaign"}, "未知的活动。"),
    ({"period_type": "range", "start": "2020-02-30", "end": "2020-03-01"}, "请输入有效日期，例如 2020-06-30。"),
    ({"period_type": "range", "start": "2020-06-30", "end": "2020-06-01"}, "结束日期不得早于开始日期。"),
    ({"period_type": "month", "month": "六月"}, "请输入月份，例如 2020-06。"),
    ({"fmt": "pdf"}, "请选择 XLSX 或 CSV。"),
])
def test_bad_input_is_a_400_with_the_field_message_and_nothing_is_recorded(client, world, fields, message):
    client.force_login(world.staff)
    response = export(client, world, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ReportExport.objects.count() == 0


def test_a_large_export_runs_as_a_task_and_is_downloaded_by_its_requester_only(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    history(world)
    monkeypatch.setattr("orders.services.reports.DIRECT_EXPORT_MAX_ROWS", 3)
    client.force_login(world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, world, fmt="xlsx")
    assert response.status_code == 302 and response["Location"] == "/reports/"
    record = ReportExport.objects.get()
    assert (record.status, record.rows, record.requested_by, record.organization) == (
        ReportExportStatus.DONE, 6, world.staff, None)
    page = client.get("/reports/").content.decode()
    assert "正在后台生成" in page and f"/reports/{record.pk}/download/" in page
    download = client.get(f"/reports/{record.pk}/download/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body(download)))["台账明细"]
    assert [c.value for c in next(sheet.iter_rows())] == LEDGER_HEADERS
    for other in (UserFactory(username="staff-2", is_staff=True), world.admin_a):
        client.force_login(other)
        assert client.get(f"/reports/{record.pk}/download/").status_code == 404


def test_a_pending_export_shows_preparing_and_is_not_served_yet(client, world, monkeypatch):
    monkeypatch.setattr("orders.services.reports.DIRECT_EXPORT_MAX_ROWS", -1)
    client.force_login(world.admin_a)
    response = export(client, world)  # on_commit never runs here: the task has not started
    assert response.status_code == 302
    record = ReportExport.objects.get()
    assert record.status == ReportExportStatus.PENDING and record.organization == world.org_a
    page = client.get("/reports/").content.decode()
    assert "生成中…" in page and 'http-equiv="refresh"' in page
    assert client.get(f"/reports/{record.pk}/download/").status_code == 302


def test_an_admin_who_left_the_organization_can_no_longer_download(client, world, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("orders.services.reports.DIRECT_EXPORT_MAX_ROWS", -1)
    client.force_login(world.admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        export(client, world)
    record = ReportExport.objects.get()
    assert record.status == ReportExportStatus.DONE
    assert client.get(f"/reports/{record.pk}/download/").status_code == 200
    world.org_a.memberships.filter(user=world.admin_a).delete()
    assert client.get(f"/reports/{record.pk}/download/").status_code == 404


def test_the_page_runs_a_constant_number_of_queries(client, world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr("orders.services.reports.DIRECT_EXPORT_MAX_ROWS", -1)
    client.force_login(world.staff)
    export(client, world)
    with CaptureQueriesContext(connection) as one:
        client.get("/reports/")
    for _ in range(5):
        export(client, world, fmt="xlsx")
    with CaptureQueriesContext(connection) as six:
        client.get("/reports/")
    assert len(one) == len(six)

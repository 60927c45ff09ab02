"""Report exports of the ledger and its breakdowns: exact amounts that sum to the tally,
Chinese headers, an organization's own rows only, constant SQL, idempotent task."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders.models import ReportExport, ReportExportStatus
from orders.reports import report_build
from orders.selectors.reports import report_params_clean
from orders.selectors.tally import tally_for_campaign
from orders.services.offline import offline_record_approve, offline_record_create
from orders.services.refunds import order_refund
from orders.services.reports import report_export_build, report_export_create
from tests.factories import UserFactory
from tests.world import place_paid

pytestmark = pytest.mark.django_db

LEDGER_HEADERS = [
    "时间", "活动", "类别", "金额（元）", "县", "供应商", "采购单位", "采购单位类型", "街道或部门",
    "资金渠道", "品类", "订单号或线下记录", "备注",
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def history(world):
    """org_a ¥312.50 and ¥1,056.00 (approved), org_b ¥440.00 refunded ¥88.00, and an
    approved offline record of ¥10,900,000.00 for org_b without a supplier."""
    place_paid(world)  # 2×88 + 3×45.50
    place_paid(world, items=[(world.variant_a, 12)])  # 1,056.00, above the threshold
    b = place_paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 5)])
    order_refund(actor=world.staff, order=b, reason="破损", amount_fen=8800, idempotency_key="r1")
    checker = UserFactory(username="checker", is_staff=True)
    record = offline_record_create(
        actor=world.staff, county_code="451229", amount="10900000.00", occurred_on=timezone.localdate(),
        description="消费扶贫展销会", organization_id=world.org_b.pk,
    )
    offline_record_approve(actor=checker, record=record)
    return b


def build(world, organization=None, **fields):
    fields.setdefault("campaign", world.campaign.slug)
    campaign, params = report_params_clean(**fields)
    return report_build(campaign=campaign, params=params, organization=organization)


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())  # Excel needs the BOM for Chinese
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def sheet_rows(content: bytes, index: int = 0) -> tuple[str, list[tuple]]:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[index]
    return sheet.title, [tuple(c.value for c in row) for row in sheet.iter_rows()]


def test_ledger_xlsx_has_chinese_headers_and_exact_amounts_that_sum_to_the_tally(world):
    history(world)
    built = build(world, table="ledger", fmt="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(built.content))
    assert workbook.sheetnames == ["概况", "台账明细"]
    sheet = workbook["台账明细"]
    rows = list(sheet.iter_rows())
    assert [c.value for c in rows[0]] == LEDGER_HEADERS
    amounts = [r[3] for r in rows[1:]]
    assert all(c.number_format == "0.00" and c.data_type == "n" for c in amounts)
    total = tally_for_campaign(campaign=world.campaign).total_fen
    assert sum(Decimal(str(c.value)).quantize(Decimal("0.01")) for c in amounts) == Decimal(total) / 100
    assert total == 31250 + 105600 + 44000 - 8800 + 1_090_000_000
    assert built.rows == len(rows) - 1 == 6  # 2 + 1 + 1 lines, 1 refund line, 1 offline record
    kinds = [r[2].value for r in rows[1:]]
    assert kinds.count("退款") == 1 and kinds.count("线下采购") == 1
    refund = next(r for r in rows[1:] if r[2].value == "退款")
    assert Decimal(str(refund[3].value)) == Decimal("-88.00")
    offline = next(r for r in rows[1:] if r[2].value == "线下采购")
    assert offline[11].value.startswith("线下记录 #") and "展销会" in offline[11].value
    assert offline[5].value in ("", None) and offline[4].value == "大化瑶族自治县"
    summary = dict(workbook["概况"].iter_rows(values_only=True))
    assert Decimal(str(summary["合计（元）"])) == Decimal("10901720.50")


def test_ledger_csv_amounts_are_exact_strings_with_two_places(world):
    history(world)
    rows = read_csv(build(world, table="ledger", fmt="csv").content)
    assert rows[0] == LEDGER_HEADERS
    amounts = [Decimal(r[3]) for r in rows[1:]]
    assert all(len(r[3].split(".")[1]) == 2 for r in rows[1:])
    assert sum(amounts) == Decimal(tally_for_campaign(campaign=world.campaign).total_fen) / 100
    assert "10900000.00" in {r[3] for r in rows[1:]} and "-88.00" in {r[3] for r in rows[1:]}
    assert {r[6] for r in rows[1:]} == {world.org_a.name, world.org_b.name}


def test_every_breakdown_sheet_sums_to_the_total_to_the_fen(world):
    history(world)
    world.org_a.annual_pledge = Decimal("2737.00")
    world.org_a.save(update_fields=["annual_pledge"])
    content = build(world, table="breakdowns", fmt="xlsx").content
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["概况", "按县", "按单位类型", "按采购单位", "按供应商", "按品类", "按资金渠道", "按月份"]
    total = Decimal(tally_for_campaign(campaign=world.campaign).total_fen) / 100
    for name in workbook.sheetnames[1:]:
        header, *rows = list(workbook[name].iter_rows(values_only=True))
        column = header.index("金额（元）")
        assert sum(Decimal(str(r[column])).quantize(Decimal("0.01")) for r in rows) == total, name
    header, *rows = list(workbook["按采购单位"].iter_rows(values_only=True))
    assert header[:3] == ("采购单位", "采购单位类型", "街道或部门")
    org_a = next(r for r in rows if r[0] == world.org_a.name)
    assert Decimal(str(org_a[3])) == Decimal("1368.50")
    assert Decimal(str(org_a[-1])) == Decimal("50.00")  # 1,368.50 of a 2,737.00 pledge
    assert org_a[6] == 2  # orders
    by_county = {r[0]: Decimal(str(r[1])) for r in list(workbook["按县"].iter_rows(values_only=True))[1:]}
    assert by_county == {"龙川县": Decimal("1584.00"), "都安瑶族自治县": Decimal("136.50"), "大化瑶族自治县": Decimal("10900000.00")}
    suppliers = {r[0] for r in list(workbook["按供应商"].iter_rows(values_only=True))[1:]}
    assert "（未填写）" in suppliers  # the offline record has no supplier, and still counts


def test_an_organization_admin_export_holds_only_its_own_rows(world):
    history(world)
    ledger = read_csv(build(world, organization=world.org_a, table="ledger", fmt="csv").content)
    assert {r[6] for r in ledger[1:]} == {world.org_a.name} and len(ledger) == 1 + 3
    assert sum(Decimal(r[3]) for r in ledger[1:]) == Decimal("1368.50")
    orgs = read_csv(build(world, organization=world.org_a, table="organization", fmt="csv").content)
    assert [r[0] for r in orgs[1:]] == [world.org_a.name]
    content = build(world, organization=world.org_a, table="breakdowns", fmt="xlsx").content
    text = str([list(ws.iter_rows(values_only=True)) for ws in openpyxl.load_workbook(io.BytesIO(content))])
    assert world.org_b.name not in text and "10900000" not in text


def test_a_month_and_a_date_range_select_entries_by_local_date(world):
    history(world)
    today = timezone.localdate()
    month = build(world, table="ledger", fmt="csv", period_type="month", month=today.strftime("%Y-%m"))
    assert len(read_csv(month.content)) == 1 + 6
    other = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert len(read_csv(build(world, table="ledger", fmt="csv", period_type="month", month=other).content)) == 1
    day = today.isoformat()
    ranged = build(world, table="county", fmt="csv", period_type="range", start=day, end=day)
    assert sum(Decimal(r[1]) for r in read_csv(ranged.content)[1:]) == Decimal("10901720.50")
    before = (today - dt.timedelta(days=3)).isoformat()
    empty = build(world, table="ledger", fmt="csv", period_type="range", start=before, end=before)
    assert read_csv(empty.content) == [LEDGER_HEADERS]


def test_english_headers_when_the_user_chose_english(world):
    history(world)
    rows = read_csv(build(world, table="ledger", fmt="csv", language="en").content)
    assert rows[0][:4] == ["Time", "Campaign", "Kind", "Amount (yuan)"]
    assert "Refund" in {r[2] for r in rows[1:]}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"campaign": "no-such-campaign"}, "campaign", "未知的活动。"),
    ({"campaign": ""}, "campaign", "请选择活动。"),
    ({"period_type": "month", "month": "2020-13"}, "month", "请输入月份，例如 2020-06。"),
    ({"period_type": "range", "start": "2020-02-30", "end": "2020-03-01"}, "start", "请输入有效日期，例如 2020-06-30。"),
    ({"period_type": "range", "start": "2020-06-30", "end": "2020-06-01"}, "end", "结束日期不得早于开始日期。"),
    ({"period_type": "week"}, "period_type", "请选择整个活动期、某个月份或日期范围。"),
    ({"fmt": "pdf"}, "fmt", "请选择 XLSX 或 CSV。"),
    ({"table": "breakdowns", "fmt": "csv"}, "table", "CSV 文件只能包含一张表：请选择一张表，或选择 XLSX 导出全部分类汇总。"),
    ({"table": "people"}, "table", "未知的报表。"),
])
def test_bad_parameters_are_refused_field_by_field(world, fields, field, message):
    fields.setdefault("campaign", world.campaign.slug)
    with pytest.raises(ValidationError) as err:
        report_params_clean(**fields)
    assert [e.message for e in err.value.error_dict[field]] == [message]


def test_the_ledger_export_runs_a_constant_number_of_queries(world):
    place_paid(world)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            built = build(world, table="ledger", fmt="xlsx")
        return len(ctx), built.rows

    small, small_rows = count()
    for _ in range(4):
        place_paid(world, user=world.purchaser_b, organization=world.org_b)
    large, large_rows = count()
    assert (small_rows, large_rows) == (2, 10)
    assert small == large


def test_the_export_task_is_idempotent(world, django_capture_on_commit_callbacks):
    history(world)
    campaign, params = report_params_clean(campaign=world.campaign.slug, table="ledger", fmt="csv")
    with django_capture_on_commit_callbacks(execute=True):
        export = report_export_create(user=world.staff, campaign=campaign, params=params, organization=None, queue=True)
    export.refresh_from_db()
    assert export.status == ReportExportStatus.DONE and export.rows == 6
    first_file, finished = export.file.name, export.finished_at
    again = report_export_build(export_id=export.pk)  # a retried task
    assert (again.file.name, again.finished_at) == (first_file, finished)
    with export.file.open("rb") as handle:
        assert read_csv(handle.read())[0] == LEDGER_HEADERS
    assert ReportExport.objects.count() == 1


def test_an_export_of_a_campaign_that_went_away_fails_cleanly(world):
    campaign, params = report_params_clean(campaign=world.campaign.slug, table="ledger", fmt="csv")
    export = report_export_create(user=world.staff, campaign=campaign, params=params, organization=None, queue=False)
    ReportExport.objects.filter(pk=export.pk).update(params={**params.to_json(), "campaign_id": 0})
    failed = report_export_build(export_id=export.pk)
    assert failed.status == ReportExportStatus.FAILED and failed.error and not failed.file


def test_only_staff_or_a_member_of_the_organization_may_create_an_export(world):
    campaign, params = report_params_clean(campaign=world.campaign.slug)
    for user, organization in [
        (world.purchaser_a, world.org_b), (world.purchaser_a, None), (world.admin_a, world.org_b), (world.admin_a, None),
        (world.owner_a, world.org_a),
    ]:
        with pytest.raises(ValidationError):
            report_export_create(user=user, campaign=campaign, params=params, organization=organization, queue=False)
    assert ReportExport.objects.count() == 0

"""Offline purchase records in the staff screens (maker–checker): recording with evidence,
the maker cannot approve, a second staff member approves and the tally moves, a rejected
record never counts, bad input is refused with field messages and nothing is written, the
evidence is served to staff only, and the list renders in a constant number of queries."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from orders.models import LedgerEntry, OfflineEvidence, OfflineRecord, OfflineRecordStatus
from orders.selectors.tally import tally_for_campaign
from orders.services.offline import offline_record_create
from tests.admin.conftest import messages_of
from tests.factories import DUAN, LONGCHUAN, UserFactory
from tests.world import build_order_world

pytestmark = pytest.mark.django_db
ADD = reverse("admin:orders_offlinerecord_add")
LIST = reverse("admin:orders_offlinerecord_changelist")
MAKER_NOTE = "a second staff member must check the evidence and approve it"
OWN_RECORD = "A second staff member must approve this record; you recorded it."


def minimal_pdf() -> bytes:
    content = b"BT /F1 18 Tf 72 770 Td (Fair receipt) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name="收据.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(), "application/pdf")


def png_upload(name="现场照片.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), "image/png")


@pytest.fixture
def world(regions):
    return build_order_world()


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def maker(world) -> Client:
    return client_for(world.staff)


@pytest.fixture
def checker_user(world):
    return UserFactory(username="checker", is_staff=True, is_superuser=True, email="checker@xiaofei.example")


@pytest.fixture
def checker(checker_user) -> Client:
    return client_for(checker_user)


def form_data(world, **overrides):
    today = timezone.localdate()
    data = {
        "county": LONGCHUAN, "amount": "12345.67", "occurred_on": today.isoformat(),
        "organization": str(world.org_b.pk), "supplier": str(world.supplier_a.pk),
        "funding_channel": "union", "description": "2020年扶贫产品展销会现场采购",
        "evidence": [pdf_upload(), png_upload()],
    }
    data.update(overrides)
    return data


def record_url(record, view="change", *args):
    return reverse(f"admin:orders_offlinerecord_{view}", args=[record.pk, *args])


def tally_total(world) -> int:
    return tally_for_campaign(campaign=world.campaign).total_fen


def pending_record(world, amount="500.00", description="柜台采购", county=DUAN) -> OfflineRecord:
    return offline_record_create(
        actor=world.staff, county_code=county, amount=amount, occurred_on=timezone.localdate(),
        description=description, organization_id=world.org_a.pk, evidence=[pdf_upload()],
    )


def nothing_written() -> bool:
    media = Path(storages["private"].location) / "offline-evidence"
    files = [p for p in media.rglob("*") if p.is_file()] if media.exists() else []
    return not OfflineRecord.objects.exists() and not OfflineEvidence.objects.exists() and not files


# --- the maker records, a second staff member approves ------------------------------------------


def test_maker_records_a_purchase_with_evidence_and_it_does_not_count_yet(world, maker):
    page = maker.get(ADD)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    response = maker.post(ADD, form_data(world))
    assert response.status_code == 302
    record = OfflineRecord.objects.get()
    assert response["Location"] == record_url(record)
    assert (record.amount_fen, record.status, record.created_by) == (1_234_567, OfflineRecordStatus.PENDING, world.staff)
    assert (record.organization, record.supplier, record.funding_channel) == (world.org_b, world.supplier_a, "union")
    assert sorted(e.original_name for e in record.evidence.all()) == ["收据.pdf", "现场照片.png"]
    assert "It counts only after a second staff member approves it." in messages_of(response)[0]
    assert tally_total(world) == 0 and not LedgerEntry.objects.exists()
    page = maker.get(record_url(record)).content.decode()
    assert "¥12,345.67" in page and MAKER_NOTE in page
    assert 'value="Approve"' not in page  # the maker is not offered the button
    assert "Reject with reason" in page


def test_maker_cannot_approve_their_own_record(world, maker):
    record = pending_record(world)
    response = maker.post(record_url(record, "approve"))
    assert response.status_code == 400
    assert OWN_RECORD in response.content.decode()
    record.refresh_from_db()
    assert record.status == OfflineRecordStatus.PENDING and record.reviewed_by is None
    assert tally_total(world) == 0 and not LedgerEntry.objects.exists()


def test_second_staff_member_approves_and_the_tally_moves_once(world, checker, checker_user):
    record = pending_record(world, amount="10900000.00")
    page = checker.get(record_url(record)).content.decode()
    assert 'value="Approve"' in page and MAKER_NOTE not in page
    response = checker.post(record_url(record, "approve"))
    assert response.status_code == 302
    assert "¥10,900,000.00 now counts toward the campaign" in messages_of(response)[0]
    checker.post(record_url(record, "approve"))  # a double click counts once
    record.refresh_from_db()
    assert (record.status, record.reviewed_by) == (OfflineRecordStatus.APPROVED, checker_user)
    entry = LedgerEntry.objects.get()
    assert (entry.offline_record, entry.amount_fen, entry.county_id) == (record, 1_090_000_000, DUAN)
    assert entry.organization == world.org_a
    assert tally_total(world) == 1_090_000_000
    page = checker.get(record_url(record)).content.decode()
    assert reverse("admin:orders_ledgerentry_change", args=[entry.pk]) in page
    assert "Reject with reason" not in page


def test_rejected_record_never_counts(world, checker):
    record = pending_record(world)
    response = checker.post(record_url(record, "reject"), {"reason": "  "})
    assert response.status_code == 400
    assert "Give a reason." in response.content.decode()
    assert OfflineRecord.objects.get().status == OfflineRecordStatus.PENDING
    response = checker.post(record_url(record, "reject"), {"reason": "凭证金额与申报不符"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.review_reason) == (OfflineRecordStatus.REJECTED, "凭证金额与申报不符")
    response = checker.post(record_url(record, "approve"))
    assert response.status_code == 400
    assert "A rejected record cannot be approved." in response.content.decode()
    assert OfflineRecord.objects.get().status == OfflineRecordStatus.REJECTED
    assert tally_total(world) == 0 and not LedgerEntry.objects.exists()
    assert "凭证金额与申报不符" in checker.get(record_url(record)).content.decode()


def test_approved_record_cannot_be_rejected_afterwards(world, checker):
    record = pending_record(world)
    checker.post(record_url(record, "approve"))
    response = checker.post(record_url(record, "reject"), {"reason": "改主意"})
    assert response.status_code == 400
    assert "already counts and cannot be rejected" in response.content.decode()
    assert OfflineRecord.objects.get().status == OfflineRecordStatus.APPROVED
    assert tally_total(world) == 50_000


# --- bad input: field messages, 400, nothing written --------------------------------------------


@pytest.mark.parametrize(("amount", "message"), [
    ("-5", "The amount must be positive."),
    ("0", "The amount must be positive."),
    ("1.234", "Enter an amount in yuan, e.g. 1234.50."),
    ("abc", "Enter an amount in yuan, e.g. 1234.50."),
    ("", "Enter an amount in yuan, e.g. 1234.50."),
])
def test_bad_amounts_are_refused_and_nothing_is_written(world, maker, amount, message):
    response = maker.post(ADD, form_data(world, amount=amount))
    assert response.status_code == 400
    assert response.context["form"].errors["amount"] == [message]
    assert nothing_written()
    assert tally_total(world) == 0


def test_future_date_and_date_outside_every_campaign_are_refused(world, maker):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = maker.post(ADD, form_data(world, occurred_on=tomorrow.isoformat()))
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == ["The date cannot be in the future."]
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    response = maker.post(ADD, form_data(world, occurred_on=long_ago.isoformat()))
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == ["No campaign covers this date for this county."]
    response = maker.post(ADD, form_data(world, occurred_on="2020-02-30"))
    assert response.context["form"].errors["occurred_on"] == ["Enter a date like 2020-06-30."]
    assert nothing_written()


def test_every_problem_is_reported_at_once(world, maker):
    data = form_data(world, amount="-1", description="", county="", supplier="")
    del data["evidence"]
    response = maker.post(ADD, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["amount"] == ["The amount must be positive."]
    assert errors["description"] == ["Describe the purchase (e.g. the fair and its date)."]
    assert errors["county"] == ["Choose one of the counties."]
    assert errors["evidence"] == ["Attach at least one file as evidence."]
    assert "Please correct the errors below." in response.content.decode()
    assert nothing_written()


def test_supplier_of_another_county_is_refused(world, maker):
    response = maker.post(ADD, form_data(world, county=DUAN))  # supplier_a is in Longchuan
    assert response.status_code == 400
    assert response.context["form"].errors["supplier"] == ["This supplier is in another county."]
    assert nothing_written()


def test_html_named_pdf_is_refused_as_evidence(world, maker):
    fake = SimpleUploadedFile("发票.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    response = maker.post(ADD, form_data(world, evidence=[pdf_upload(), fake]))
    assert response.status_code == 400
    assert response.context["form"].errors["evidence"] == ["Upload a PDF file or a JPEG, PNG or WebP image."]
    assert nothing_written()


# --- evidence is served to staff only ---------------------------------------------------------------


def test_evidence_is_downloaded_by_staff_as_stored(world, maker, checker):
    maker.post(ADD, form_data(world))
    record = OfflineRecord.objects.get()
    pdf, png = record.evidence.order_by("original_name")
    page = checker.get(record_url(record)).content.decode()
    assert record_url(record, "evidence", pdf.pk) in page and "收据.pdf" in page
    response = checker.get(record_url(record, "evidence", pdf.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox;")
    served = b"".join(response.streaming_content)
    assert served == pdf.file.open("rb").read()  # the stored (rewritten) file
    with pikepdf.open(io.BytesIO(served)) as stored:
        assert b"Fair receipt" in stored.pages[0].Contents.read_bytes()
    response = checker.get(record_url(record, "evidence", png.pk))
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(response.streaming_content))).size == (64, 48)
    # Evidence of another record is not reachable through this one.
    other = pending_record(world)
    assert checker.get(record_url(other, "evidence", pdf.pk)).status_code == 404


def test_non_staff_are_sent_to_login_and_staff_without_permission_refused(world, maker):
    maker.post(ADD, form_data(world))
    record = OfflineRecord.objects.get()
    evidence = record.evidence.first()
    buyer = client_for(world.purchaser_a)
    for url in (LIST, ADD, record_url(record), record_url(record, "evidence", evidence.pk)):
        response = buyer.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    assert buyer.post(record_url(record, "approve")).status_code == 302
    assert Client().get(record_url(record, "evidence", evidence.pk)).status_code == 302
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk_client = client_for(clerk)
    assert clerk_client.get(ADD).status_code == 403
    assert clerk_client.get(record_url(record, "evidence", evidence.pk)).status_code == 403
    assert clerk_client.post(record_url(record, "approve")).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="view_offlinerecord"))
    clerk_client = client_for(clerk)
    assert clerk_client.get(record_url(record, "evidence", evidence.pk)).status_code == 200
    assert clerk_client.post(record_url(record, "approve")).status_code == 403  # viewing is not checking
    assert 'value="Approve"' not in clerk_client.get(record_url(record)).content.decode()
    assert OfflineRecord.objects.get().status == OfflineRecordStatus.PENDING


# --- no delete, no edit -------------------------------------------------------------------------------


def test_records_cannot_be_deleted_or_edited(world, checker):
    record = pending_record(world)
    assert checker.post(record_url(record, "delete"), {"post": "yes"}).status_code == 403
    assert checker.post(record_url(record), {"amount_fen": "1", "description": "改"}).status_code == 405
    assert checker.get(LIST).context["action_form"] is None
    record.refresh_from_db()
    assert (record.amount_fen, record.description) == (50_000, "柜台采购")
    assert checker.get(record_url(record).replace(str(record.pk), "999999")).status_code == 404


# --- the list -----------------------------------------------------------------------------------------


def test_list_shows_amounts_evidence_and_filters_in_constant_queries(world, maker, checker):
    pending_record(world, amount="100.50", description="展销会", county=LONGCHUAN)
    pending_record(world, amount="101.50", description="柜台")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = checker.get(LIST)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(5):
        record = pending_record(world, amount=f"{200 + i}.00", description=f"柜台{i}")
    checker.post(record_url(record, "approve"))
    assert count() == small
    response = checker.get(LIST)
    page = response.content.decode()
    assert "¥204.00" in page and "¥100.50" in page
    assert response.context["cl"].result_count == 7
    approved = checker.get(LIST, {"status__exact": "approved"}).context["cl"].result_list
    assert [r.pk for r in approved] == [record.pk]
    assert [r.evidence_total for r in approved] == [1]
    in_longchuan = checker.get(LIST, {"county__code__exact": LONGCHUAN}).context["cl"].result_list
    assert [r.description for r in in_longchuan] == ["展销会"]


def test_add_page_renders_in_chinese_and_finds_organizations_by_name(world):
    client = Client()
    client.force_login(world.staff)  # no language cookie: Chinese by default
    page = client.get(ADD)
    assert page.status_code == 200 and 'lang="zh-hans"' in page.content.decode()
    found = client.get(reverse("admin:autocomplete"), {
        "app_label": "orders", "model_name": "offlinerecord", "field_name": "organization", "term": "测试企业",
    }).json()
    assert [r["text"] for r in found["results"]] == [world.org_b.name]

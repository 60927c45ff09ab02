"""County coordinators review their county's applications; staff approve. Documents are
served only to those allowed, through a view that checks who asks."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.common.models import AuditEvent
from suppliers.models import CountyCoordinator, Supplier, SupplierMember, SupplierStatus
from suppliers.services.applications import supplier_apply
from tests.factories import DAHUA, DUAN, LONGCHUAN, MembershipFactory, SupplierFactory, UserFactory
from tests.suppliers.onboarding_data import PASSWORD, application_data, certification, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    longchuan = UserFactory(email="coord.longchuan@example.com")
    dahua = UserFactory(email="coord.dahua@example.com")
    CountyCoordinator.objects.create(user=longchuan, county_id=LONGCHUAN)
    CountyCoordinator.objects.create(user=dahua, county_id=DAHUA)
    return {
        "coordinator": longchuan,
        "other_coordinator": dahua,
        "staff": UserFactory(email="staff@example.com", is_staff=True),
        "buyer": MembershipFactory().user,
    }


@pytest.fixture
def application(regions):
    return supplier_apply(
        data=application_data(LONGCHUAN), license_document=upload(),
        certifications=[certification()], applicant_email="applicant@example.com", password=PASSWORD,
    )


def url(supplier, action=""):
    return f"/coordinator/{supplier.pk}/{action + '/' if action else ''}"


def test_anonymous_visitors_are_sent_to_log_in(client, application):
    for path in ("/coordinator/", url(application), f"/documents/suppliers/{application.pk}/licence/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert client.post(url(application, "recommend")).status_code == 302
    assert Supplier.objects.get().status == SupplierStatus.APPLIED


def test_a_person_who_is_not_a_coordinator_gets_403(client, people, application):
    client.force_login(people["buyer"])
    assert client.get("/coordinator/").status_code == 403
    assert client.get(url(application)).status_code == 403
    assert client.post(url(application, "recommend")).status_code == 403
    assert client.post(url(application, "reject"), {"reason": "x"}).status_code == 403
    assert Supplier.objects.get().status == SupplierStatus.APPLIED


def test_a_coordinator_of_another_county_gets_404_and_changes_nothing(client, people, application):
    client.force_login(people["other_coordinator"])
    assert client.get(url(application)).status_code == 404
    assert client.post(url(application, "recommend")).status_code == 404
    assert client.post(url(application, "reject"), {"reason": "不是本县"}).status_code == 404
    assert client.get(f"/documents/suppliers/{application.pk}/licence/").status_code == 404
    cert = application.certifications.get()
    assert client.get(f"/documents/certifications/{cert.pk}/").status_code == 404
    assert application.legal_name not in client.get("/coordinator/").content.decode()
    assert Supplier.objects.get().status == SupplierStatus.APPLIED


def test_the_list_shows_the_coordinators_county_applications_waiting_first(client, people, application):
    SupplierFactory(legal_name="龙川已批准的合作社", county_code=LONGCHUAN)
    SupplierFactory(legal_name="都安的申请", county_code=DUAN, status=SupplierStatus.APPLIED)
    client.force_login(people["coordinator"])
    response = client.get("/coordinator/")
    assert response.status_code == 200
    names = [s.legal_name for s in response.context["applications"]]
    assert names == [application.legal_name, "龙川已批准的合作社"]
    only_waiting = client.get("/coordinator/?status=applied")
    assert [s.pk for s in only_waiting.context["applications"]] == [application.pk]


def test_the_list_runs_a_constant_number_of_queries(client, people, regions):
    client.force_login(people["coordinator"])
    SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.APPLIED)
    with CaptureQueriesContext(connection) as few:
        client.get("/coordinator/")
    for _ in range(6):
        SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.APPLIED)
    with CaptureQueriesContext(connection) as many:
        client.get("/coordinator/")
    assert len(many) == len(few)


def test_the_detail_shows_everything_submitted(client, people, application):
    client.force_login(people["coordinator"])
    response = client.get(url(application))
    body = response.content.decode()
    assert response.status_code == 200
    for text in (application.credit_code, application.bank_account_number, "applicant@example.com",
                 f"/documents/suppliers/{application.pk}/licence/",
                 f"/documents/certifications/{application.certifications.get().pk}/"):
        assert text in body
    assert response.context["can_recommend"] and response.context["can_reject"]
    assert not response.context["can_approve"]
    # Both forms have a reason field: each label must point at its own textarea.
    import re

    ids = re.findall(r'id="([^"]+)"', body)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_the_coordinator_recommends_without_a_reason(client, people, application, django_capture_on_commit_callbacks):
    client.force_login(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(application, "recommend"))
    assert response.status_code == 302 and response["Location"] == url(application)
    assert Supplier.objects.get().status == SupplierStatus.RECOMMENDED
    event = AuditEvent.objects.get(action="supplier.recommend")
    assert event.actor == people["coordinator"]
    assert [m.to for m in mail.outbox] == [["applicant@example.com"]]


def test_a_rejection_needs_a_reason(client, people, application):
    client.force_login(people["coordinator"])
    response = client.post(url(application, "reject"), {"reason": "   "})
    assert response.status_code == 400
    assert "reason" in response.context["reject_form"].errors
    assert Supplier.objects.get().status == SupplierStatus.APPLIED
    assert not AuditEvent.objects.filter(action="supplier.reject").exists()
    response = client.post(url(application, "reject"), {"reason": "营业执照照片不清晰"})
    assert response.status_code == 302
    supplier = Supplier.objects.get()
    assert (supplier.status, supplier.status_reason) == (SupplierStatus.REJECTED, "营业执照照片不清晰")
    assert AuditEvent.objects.get(action="supplier.reject").actor == people["coordinator"]


def test_acting_on_an_application_that_moved_on_is_a_conflict(client, people, application):
    client.force_login(people["coordinator"])
    client.post(url(application, "reject"), {"reason": "资料不全"})
    response = client.post(url(application, "recommend"))
    assert response.status_code == 409
    assert Supplier.objects.get().status == SupplierStatus.REJECTED


def test_only_staff_approve_and_decide_after_the_recommendation(client, people, application):
    client.force_login(people["coordinator"])
    client.post(url(application, "recommend"))
    assert client.post(url(application, "approve")).status_code == 403
    assert client.post(url(application, "reject"), {"reason": "改主意了"}).status_code == 403
    assert Supplier.objects.get().status == SupplierStatus.RECOMMENDED

    client.force_login(people["staff"])
    detail = client.get(url(application))
    assert detail.context["can_approve"] and not detail.context["can_recommend"]
    assert client.post(url(application, "approve")).status_code == 302
    assert Supplier.objects.get().status == SupplierStatus.APPROVED
    assert AuditEvent.objects.get(action="supplier.approve").actor == people["staff"]


def test_documents_are_served_to_coordinators_staff_and_the_team_only(client, people, application, regions):
    licence = f"/documents/suppliers/{application.pk}/licence/"
    cert = f"/documents/certifications/{application.certifications.get().pk}/"
    owner = SupplierMember.objects.get(supplier=application).user
    stranger = UserFactory()
    SupplierMember.objects.create(supplier=SupplierFactory(), user=stranger, role="owner")
    for user in (people["coordinator"], people["staff"], owner):
        client.force_login(user)
        response = client.get(licence)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        image = client.get(cert)
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
    for user in (stranger, people["buyer"]):
        client.force_login(user)
        assert client.get(licence).status_code == 404
        assert client.get(cert).status_code == 404


def test_the_stored_document_name_is_not_guessable(application):
    name = application.license_document.name.rsplit("/", 1)[-1]
    assert len(name.split(".")[0]) >= 30 and "licence" not in name


def test_the_admin_actions_record_the_staff_member_as_actor(client, regions, django_capture_on_commit_callbacks):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    staff = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    supplier = supplier_apply(data=application_data(LONGCHUAN), license_document=upload(),
                              applicant_email="applicant@example.com", password=PASSWORD)
    client.force_login(staff)
    changelist = "/admin/suppliers/supplier/"
    with django_capture_on_commit_callbacks(execute=True):
        for action, extra in (("recommend", {}), ("approve", {}),
                              ("suspend", {"apply": "1", "reason": "农药残留超标"})):
            response = client.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [supplier.pk], **extra})
            assert response.status_code == 302, action
    events = {e.action: e for e in AuditEvent.objects.filter(object_id=str(supplier.pk))}
    assert {events[a].actor for a in ("supplier.recommend", "supplier.approve", "supplier.suspend")} == {staff}
    assert events["supplier.suspend"].reason == "农药残留超标"
    assert Supplier.objects.get().status == SupplierStatus.SUSPENDED
    assert len(mail.outbox) == 3 and all(m.to == ["applicant@example.com"] for m in mail.outbox)

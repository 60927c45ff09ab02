"""Each admission step e-mails the applicant after commit (coordinators hear of new
applications), exactly once even when the task runs again; every change is audited."""

import pytest
from django.core import mail
from django.core.cache import cache

from shop.common.models import AuditEvent, EffectClaim
from suppliers.models import CountyCoordinator, SupplierMember, SupplierStatus
from suppliers.notifications import supplier_notify
from suppliers.services.applications import supplier_apply
from suppliers.services.status import (
    supplier_approve,
    supplier_recommend,
    supplier_reinstate,
    supplier_reject,
    supplier_suspend,
)
from suppliers.tasks import notify_supplier
from tests.factories import DUAN, LONGCHUAN, SupplierFactory, UserFactory
from tests.suppliers.onboarding_data import PASSWORD, application_data, upload

pytestmark = pytest.mark.django_db


class FailingBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def coordinators(regions):
    longchuan = UserFactory(email="coordinator.longchuan@example.com")
    duan = UserFactory(email="coordinator.duan@example.com")
    CountyCoordinator.objects.create(user=longchuan, county_id=LONGCHUAN)
    CountyCoordinator.objects.create(user=duan, county_id=DUAN)
    return {"longchuan": longchuan, "duan": duan}


def apply(django_capture_on_commit_callbacks, email="applicant@example.com"):
    with django_capture_on_commit_callbacks(execute=True):
        return supplier_apply(data=application_data(), license_document=upload(),
                              applicant_email=email, password=PASSWORD)


def test_an_application_emails_the_applicant_and_the_county_coordinators(
    coordinators, django_capture_on_commit_callbacks
):
    supplier = apply(django_capture_on_commit_callbacks)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"applicant@example.com", "coordinator.longchuan@example.com"}
    assert supplier.legal_name in by_recipient["applicant@example.com"].subject
    assert "/join/status/" in by_recipient["applicant@example.com"].body
    assert f"/coordinator/{supplier.pk}/" in by_recipient["coordinator.longchuan@example.com"].body


def test_no_email_before_commit(coordinators, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        supplier_apply(data=application_data(), license_document=upload(),
                       applicant_email="a@example.com", password=PASSWORD)
    assert mail.outbox == [] and len(callbacks) == 1


def test_each_step_emails_the_owner_once_and_is_audited_with_its_actor(
    coordinators, admin_user, django_capture_on_commit_callbacks
):
    supplier = apply(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    coordinator = coordinators["longchuan"]
    steps = [
        (lambda: supplier_recommend(supplier=supplier, actor=coordinator), "supplier.recommend", coordinator),
        (lambda: supplier_approve(supplier=supplier, actor=admin_user), "supplier.approve", admin_user),
        (lambda: supplier_suspend(supplier=supplier, reason="食品安全抽检不合格", actor=admin_user),
         "supplier.suspend", admin_user),
        (lambda: supplier_reinstate(supplier=supplier, actor=admin_user), "supplier.reinstate", admin_user),
    ]
    for change, action, actor in steps:
        with django_capture_on_commit_callbacks(execute=True):
            change()
        assert len(mail.outbox) == 1, action
        assert mail.outbox[0].to == ["applicant@example.com"]
        event = AuditEvent.objects.filter(object_id=str(supplier.pk)).first()  # newest first
        assert (event.action, event.actor) == (action, actor)
        mail.outbox.clear()
    suspend = AuditEvent.objects.get(action="supplier.suspend", object_id=str(supplier.pk))
    assert suspend.reason == "食品安全抽检不合格"
    assert suspend.changes["status"] == ["approved", "suspended"]


def test_a_rejection_email_gives_the_reason(coordinators, django_capture_on_commit_callbacks):
    supplier = apply(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        supplier_reject(supplier=supplier, reason="营业执照已过期", actor=coordinators["longchuan"])
    assert len(mail.outbox) == 1
    assert "营业执照已过期" in mail.outbox[0].body
    event = AuditEvent.objects.get(action="supplier.reject")
    assert event.actor == coordinators["longchuan"] and event.reason == "营业执照已过期"


def test_the_task_sends_once_even_when_it_runs_again(coordinators, django_capture_on_commit_callbacks):
    supplier = apply(django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="supplier.apply")
    assert len(mail.outbox) == 2
    notify_supplier.delay(supplier.pk, "applied", event.pk)  # a retry, a duplicate delivery…
    notify_supplier.apply(args=(supplier.pk, "applied", event.pk))
    assert len(mail.outbox) == 2
    assert EffectClaim.objects.filter(key__startswith=f"supplier-mail:{supplier.pk}:applied:").count() == 2


def test_a_cache_flush_between_two_runs_still_sends_once(coordinators, django_capture_on_commit_callbacks):
    supplier = apply(django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="supplier.apply")
    assert len(mail.outbox) == 2
    cache.clear()  # the claims are in the database, not the cache
    assert supplier_notify(supplier_id=supplier.pk, event="applied", audit_event_id=event.pk) == 0
    assert len(mail.outbox) == 2


def test_a_failed_send_is_retried_later_and_then_sent_once(regions, settings, django_capture_on_commit_callbacks):
    supplier = SupplierFactory(status=SupplierStatus.APPLIED)
    owner = UserFactory(email="owner@example.com")
    SupplierMember.objects.create(supplier=supplier, user=owner, role="owner")
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    # robust on_commit: the mail server being down does not undo the recommendation
    with django_capture_on_commit_callbacks(execute=True):
        supplier_recommend(supplier=supplier)
    supplier.refresh_from_db()
    assert supplier.status == SupplierStatus.RECOMMENDED
    assert not EffectClaim.objects.filter(key__startswith="supplier-mail:").exists()
    event = AuditEvent.objects.get(action="supplier.recommend")
    with pytest.raises(ConnectionRefusedError):
        supplier_notify(supplier_id=supplier.pk, event="recommended", audit_event_id=event.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert supplier_notify(supplier_id=supplier.pk, event="recommended", audit_event_id=event.pk) == 1
    assert supplier_notify(supplier_id=supplier.pk, event="recommended", audit_event_id=event.pk) == 0
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]


def test_a_repeated_click_writes_no_second_audit_row_nor_email(regions, django_capture_on_commit_callbacks):
    supplier = SupplierFactory(status=SupplierStatus.RECOMMENDED, contact_email="contact@example.com")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            supplier_approve(supplier=supplier)
    assert AuditEvent.objects.filter(action="supplier.approve").count() == 1
    # without an owner account, the contact address is told
    assert [m.to for m in mail.outbox] == [["contact@example.com"]]

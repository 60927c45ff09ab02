"""The nightly ledger check (``orders.tasks.ledger_reconcile_nightly``, run through
``.delay()``, eager in tests): a clean ledger mails nobody; an entry edited behind the
services' back is reported to every active staff member with an e-mail address, in one
mail listing it; running again the same day with the same differences does not mail again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache
from django.db.models import F
from django.utils import timezone

from orders.integrity_alerts import MAX_LISTED, ledger_integrity_check
from orders.models import LedgerEntry, PaymentMethod
from orders.services.offline import offline_record_approve, offline_record_create
from orders.services.payments import order_mark_paid
from orders.tasks import ledger_reconcile_nightly
from tests.factories import UserFactory
from tests.world import place

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(world):
    """A paid order (two lines) and an approved offline record: three entries, all consistent."""
    order = place(world, items=[(world.variant_a, 2), (world.variant_b, 3)])
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    checker = UserFactory(username="checker", is_staff=True, email="checker@xiaofei.example")
    record = offline_record_create(
        actor=world.staff, county_code="451229", amount="10900000", occurred_on=timezone.localdate(),
        description="平台上线前线下采购", organization_id=world.org_b.pk,
    )
    offline_record_approve(actor=checker, record=record)
    mail.outbox.clear()
    return LedgerEntry.objects.order_by("seq")


@pytest.fixture
def staff_addresses(world):
    world.staff.email = "finance@xiaofei.example"
    world.staff.save(update_fields=["email"])
    UserFactory(username="auditor", is_staff=True, email="auditor@xiaofei.example")
    UserFactory(username="left", is_staff=True, is_active=False, email="left@xiaofei.example")
    UserFactory(username="no-mail", is_staff=True, email="")
    world.purchaser_a.email = "buyer@xiaofei.example"
    world.purchaser_a.save(update_fields=["email"])
    return {"finance@xiaofei.example", "auditor@xiaofei.example", "checker@xiaofei.example"}


def test_clean_ledger_sends_no_mail(ledger, staff_addresses):
    assert ledger.count() == 3
    assert ledger_reconcile_nightly.delay().get() == 0
    assert mail.outbox == []


def test_tampered_entry_is_mailed_once_to_active_staff(ledger, staff_addresses):
    entry = ledger.get(kind="offline")
    LedgerEntry.objects.filter(pk=entry.pk).update(amount_fen=1)  # someone edits the table directly
    found = ledger_reconcile_nightly.delay().get()
    assert found >= 2  # the chain and the reconciliation both see it
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert set(message.to) == staff_addresses  # not the inactive one, not the buyer
    assert timezone.localdate().isoformat() in message.subject
    assert f"entry #{entry.seq} (id {entry.pk}) was changed after it was written" in message.body
    assert f"offline record {entry.offline_record_id}: approved ¥10900000.00, ledger 1" in message.body
    # A rerun the same day (a retried task, a manual run) does not mail again, even after the
    # cache was flushed (the claim is in the database).
    assert ledger_reconcile_nightly.delay().get() == found
    cache.clear()
    assert ledger_reconcile_nightly.delay().get() == found
    assert len(mail.outbox) == 1


def test_a_new_difference_or_the_next_day_mails_again(ledger, staff_addresses):
    first, second = ledger.filter(kind="order_line")[:2]
    LedgerEntry.objects.filter(pk=first.pk).update(amount_fen=first.amount_fen + 1)
    assert ledger_integrity_check().mailed is True
    assert ledger_integrity_check().mailed is False
    LedgerEntry.objects.filter(pk=second.pk).update(amount_fen=second.amount_fen - 1)
    report = ledger_integrity_check()
    assert report.mailed is True
    assert f"(id {second.pk}) was changed" in mail.outbox[-1].body
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert ledger_integrity_check(today=tomorrow).mailed is True
    assert ledger_integrity_check(today=tomorrow).mailed is False
    assert len(mail.outbox) == 3


def test_deleted_entry_is_reported(ledger, staff_addresses):
    last = ledger.last()
    LedgerEntry.objects.filter(pk=last.pk).delete()
    ledger_reconcile_nightly.delay()
    assert len(mail.outbox) == 1
    assert "the chain head" in mail.outbox[0].body
    assert f"offline record {last.offline_record_id}: approved" in mail.outbox[0].body


def test_long_lists_are_cut_at_fifty(ledger, staff_addresses, world):
    checker = UserFactory(username="checker-2", is_staff=True)
    for n in range(25):
        record = offline_record_create(
            actor=world.staff, county_code="441622", amount=f"{100 + n}", occurred_on=timezone.localdate(),
            description=f"展销会 {n}",
        )
        offline_record_approve(actor=checker, record=record)
    LedgerEntry.objects.update(amount_fen=F("amount_fen") + 1)  # every entry: chain and sources
    report = ledger_integrity_check()
    assert len(report.differences) > MAX_LISTED
    body = mail.outbox[0].body
    assert f"\n{MAX_LISTED}. " in body and f"\n{MAX_LISTED + 1}. " not in body
    assert str(len(report.differences) - MAX_LISTED) in body
    assert f"{len(report.differences)}" in mail.outbox[0].subject

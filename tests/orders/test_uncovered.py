"""Issue 9, part 1: no payment vanishes. A payment (and its refund) that no campaign covers
is recorded outside every campaign, shown as such, reported by reconciliation without being
a difference, and can be taken over once, audited, by a campaign created later."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.coverage_alerts import coverage_check
from orders.integrity import ledger_verify, reconcile_report, tally_reconcile
from orders.models import Campaign, EntryKind, LedgerEntry
from orders.selectors.tally import tally_for_campaign
from orders.selectors.uncovered import order_counted_in, uncovered_summary
from orders.services.fulfilment import fulfilment_ship, order_accept
from orders.services.refunds import order_refund
from orders.services.takeover import campaign_take_over_uncovered, takeover_preview
from shop.common.models import AuditEvent, EffectClaim
from shop.regions.models import Region
from tests.factories import DAHUA, DUAN, LONGCHUAN, UserFactory
from tests.world import place_paid

pytestmark = pytest.mark.django_db


def _close(campaign: Campaign) -> None:
    """The campaign ended yesterday: nothing covers today."""
    today = timezone.localdate()
    Campaign.objects.filter(pk=campaign.pk).update(start_date=today - dt.timedelta(days=60), end_date=today - dt.timedelta(days=1))
    campaign.refresh_from_db()


def _new_campaign(**kwargs) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name=kwargs.get("name", "2027 消费帮扶"), slug=kwargs.get("slug", "c2027"), target_fen=1_000_000_00,
        start_date=kwargs.get("start", today), end_date=kwargs.get("end", today + dt.timedelta(days=300)),
    )
    campaign.counties.set(Region.objects.filter(code__in=kwargs.get("counties", [LONGCHUAN, DUAN, DAHUA])))
    return campaign


def test_a_payment_no_campaign_covers_is_recorded_outside_every_campaign_and_so_is_its_refund(world, capsys):
    _close(world.campaign)
    order = place_paid(world)  # 2×88 + 3×45.50 = ¥312.50
    entries = list(LedgerEntry.objects.filter(order_line__order=order, kind=EntryKind.ORDER_LINE))
    assert len(entries) == 2 and {e.campaign_id for e in entries} == {None}
    assert sum(e.amount_fen for e in entries) == 31250
    assert tally_for_campaign(campaign=world.campaign).total_fen == 0  # no tally moves...
    assert (uncovered_summary().amount_fen, uncovered_summary().payments) == (31250, 1)  # ...but it is not lost
    order_refund(actor=world.staff, order=order, reason="破损", amount_fen=1000, idempotency_key="r1",
                 bank_reference="BK1")
    refund = LedgerEntry.objects.get(kind=EntryKind.REFUND)
    assert (refund.campaign_id, refund.amount_fen) == (None, -1000)
    assert uncovered_summary().amount_fen == 30250
    report = reconcile_report()
    assert report.differences == [] and report.uncovered.amount_fen == 30250
    assert ledger_verify() == []
    assert order_counted_in(order_ids=[order.pk])[order.pk].campaigns == []
    call_command("tally_reconcile")
    out = capsys.readouterr().out
    assert "OK" in out and "outside every campaign: ¥302.50 in 1 payments" in out


def test_a_line_from_a_county_outside_the_campaign_is_recorded_too(world):
    world.campaign.counties.remove(Region.objects.get(code=DUAN))
    order = place_paid(world)
    counted = order_counted_in(order_ids=[order.pk])[order.pk]
    assert counted.campaigns == [world.campaign.name] and counted.uncovered
    assert tally_for_campaign(campaign=world.campaign).total_fen == 17600
    assert uncovered_summary().amount_fen == 13650
    assert tally_reconcile() == [] and ledger_verify() == []


def test_a_later_campaign_takes_over_once_audited_and_the_tally_moves_by_exactly_the_amount(world):
    _close(world.campaign)
    order = place_paid(world, user=world.purchaser_b, organization=world.org_b)  # ¥312.50
    for part in order.fulfilments.all():
        owner = world.owner_a if part.supplier == world.supplier_a else world.owner_b
        fulfilment_ship(actor=owner, fulfilment=part, carrier="顺丰", tracking_number=f"SF{part.pk}")
    order_accept(actor=world.purchaser_b, order=order, rating=5, comment="好")
    order.refresh_from_db()
    line = order.lines.get(county_id=LONGCHUAN)  # 2×¥88
    order_refund(actor=world.staff, order=order, reason="破损", line_amounts={line.pk: 1000}, idempotency_key="r1",
                 bank_reference="BK1")
    entries_before = LedgerEntry.objects.count()
    later = _new_campaign(start=timezone.localdate() - dt.timedelta(days=3), counties=[LONGCHUAN])  # Du'an left out
    preview = takeover_preview(campaign=later)
    assert (preview.payments, preview.refunds) == (1, 1)  # the Longchuan line and its refund
    longchuan = 17600 - 1000
    assert preview.amount_fen == longchuan

    moved = campaign_take_over_uncovered(actor=world.staff, campaign=later, reason="2027 活动晚于首批付款创建")

    assert moved == preview
    tally = tally_for_campaign(campaign=later)
    assert tally.total_fen == longchuan and tally.order_count == 1 and tally.accepted_fen == longchuan
    assert uncovered_summary().amount_fen == 30250 - longchuan
    assert LedgerEntry.objects.count() == entries_before + 4  # two pairs appended, nothing edited
    assert LedgerEntry.objects.filter(kind=EntryKind.TAKEOVER_OUT, campaign__isnull=True).count() == 2
    event = AuditEvent.objects.get(action="campaign.take_over_uncovered")
    assert event.object_id == str(later.pk) and event.actor == world.staff and event.changes["amount_fen"] == [0, longchuan]
    assert tally_reconcile() == [] and ledger_verify() == []
    assert order_counted_in(order_ids=[order.pk])[order.pk].campaigns == [later.name]
    # Once only: a second run moves nothing, and the database refuses a second pair.
    again = campaign_take_over_uncovered(actor=world.staff, campaign=later)
    assert (again.payments, again.refunds, again.amount_fen) == (0, 0, 0)
    assert AuditEvent.objects.filter(action="campaign.take_over_uncovered").count() == 1
    original = LedgerEntry.objects.filter(kind=EntryKind.TAKEOVER_IN).first().takes_over
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(campaign=later, kind=EntryKind.TAKEOVER_IN, amount_fen=original.amount_fen,
                                   county_id=original.county_id, occurred_at=original.occurred_at, takes_over=original)
    # A refund after the takeover goes where the line now counts.
    order.refresh_from_db()
    order_refund(actor=world.staff, order=order, reason="少发", line_amounts={line.pk: 500}, idempotency_key="r2",
                 bank_reference="BK2")
    assert tally_for_campaign(campaign=later).total_fen == longchuan - 500
    assert tally_for_campaign(campaign=later).accepted_fen == longchuan - 500
    assert tally_reconcile() == [] and ledger_verify() == []


def test_a_campaign_takes_over_only_what_its_dates_cover(world):
    _close(world.campaign)
    place_paid(world)
    future = _new_campaign(start=timezone.localdate() + dt.timedelta(days=1))
    assert takeover_preview(campaign=future).payments == 0
    assert campaign_take_over_uncovered(actor=world.staff, campaign=future).amount_fen == 0
    assert not AuditEvent.objects.filter(action="campaign.take_over_uncovered").exists()
    assert uncovered_summary().amount_fen == 31250


def test_reconcile_still_finds_a_payment_missing_from_the_ledger_outside_every_campaign(world):
    _close(world.campaign)
    place_paid(world)
    LedgerEntry.objects.filter(pk=LedgerEntry.objects.order_by("seq").last().pk).delete()
    assert any("not in the ledger" in p for p in tally_reconcile())


def test_a_tampered_takeover_is_a_difference(world):
    _close(world.campaign)
    place_paid(world)
    later = _new_campaign(start=timezone.localdate() - dt.timedelta(days=1))
    campaign_take_over_uncovered(actor=world.staff, campaign=later, reason="补计")
    LedgerEntry.objects.filter(kind=EntryKind.TAKEOVER_OUT).order_by("seq").first().delete()
    problems = tally_reconcile()
    assert any("half done" in p for p in problems)
    assert any("jumps" in p or "head" in p for p in ledger_verify())


def _alert_claims() -> int:
    return EffectClaim.objects.filter(key__startswith="ledger-alert:").count()


def test_staff_are_mailed_once_a_day_while_no_active_campaign_covers_today(world, mailoutbox):
    UserFactory(username="ops", is_staff=True, email="ops@example.com")
    UserFactory(username="gone", is_staff=True, is_active=False, email="gone@example.com")
    today = timezone.localdate()
    assert coverage_check(today=today).covered and mailoutbox == []
    _close(world.campaign)
    place_paid(world)
    first = coverage_check(today=today)
    assert not first.covered and sorted(first.sent_to) == ["finance@example.com", "ops@example.com"]
    assert len(mailoutbox) == 2
    assert "没有进行中的活动" in mailoutbox[0].subject and "¥312.50" in mailoutbox[0].body
    assert coverage_check(today=today).sent_to == []  # a rerun the same day sends nothing
    assert len(mailoutbox) == 2 and _alert_claims() == 2
    cache.clear()  # the claims are in the database: a cache flush sends nothing again
    assert coverage_check(today=today).sent_to == [] and len(mailoutbox) == 2
    assert len(coverage_check(today=today + dt.timedelta(days=1)).sent_to) == 2  # the next day again
    world.campaign.is_active = True
    _new_campaign(start=today + dt.timedelta(days=2))
    assert coverage_check(today=today + dt.timedelta(days=2)).covered


def test_staff_mail_is_sent_again_when_sending_failed(world, settings):
    UserFactory(username="ops", is_staff=True, email="ops@example.com")
    _close(world.campaign)
    settings.EMAIL_BACKEND = "tests.orders.test_uncovered.FailingBackend"
    with pytest.raises(ConnectionError):
        coverage_check()
    assert _alert_claims() == 0  # the claim is released so the retry sends
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(coverage_check().sent_to) == 2


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionError("SMTP down")

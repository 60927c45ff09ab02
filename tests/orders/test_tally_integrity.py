"""The tally read from running aggregates, the hash chain and reconciliation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from orders.integrity import ledger_verify, tally_reconcile
from orders.models import LedgerEntry, OfflineRecordStatus
from orders.selectors.tally import leaderboard, organization_standing, tally_for_campaign
from orders.services.offline import (
    offline_record_approve,
    offline_record_create,
    offline_record_reject,
)
from orders.services.refunds import order_refund
from tests.factories import UserFactory
from tests.world import place_paid

pytestmark = pytest.mark.django_db


def test_tally_breakdowns_and_leaderboard_follow_the_ledger(world):
    a = place_paid(world)  # org_a: 2×88 + 3×45.50 = 312.50
    b = place_paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 5)])  # 440.00
    order_refund(actor=world.staff, order=b, reason="破损", amount_fen=8800, idempotency_key="r")
    tally = tally_for_campaign(campaign=world.campaign)
    assert tally.total_fen == 31250 + 44000 - 8800
    assert tally.order_count == 2 and tally.organization_count == 2
    assert {s.key: s.amount_fen for s in tally.by_county} == {"441622": 17600 + 44000 - 8800, "451228": 13650}
    assert {s.key: s.amount_fen for s in tally.by_buyer_type} == {"community": 31250, "enterprise": 35200}
    assert tally.by_month[-1].cumulative_fen == tally.total_fen
    board = leaderboard(campaign=world.campaign)
    assert [(r.rank, r.name, r.amount_fen) for r in board.rows] == [
        (1, world.org_b.name, 35200), (2, world.org_a.name, 31250)
    ]
    only_communities = leaderboard(campaign=world.campaign, buyer_type="community")
    assert [r.name for r in only_communities.rows] == [world.org_a.name]
    standing = organization_standing(campaign=world.campaign, organization=world.org_a)
    assert (standing.spend_fen, standing.rank) == (31250, 2)
    assert ledger_verify() == [] and tally_reconcile() == []
    assert a.total_fen == 31250


def test_ties_share_a_rank(world):
    place_paid(world, items=[(world.variant_a, 1)])
    place_paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 1)])
    assert [r.rank for r in leaderboard(campaign=world.campaign).rows] == [1, 1]


@pytest.mark.parametrize("kwargs", [{"period": "2020-13"}, {"period": "june"}, {"buyer_type": "alien"}, {"dimension": "people"}])
def test_bad_leaderboard_queries_are_refused(world, kwargs):
    with pytest.raises(ValidationError):
        leaderboard(campaign=world.campaign, **kwargs)


def test_offline_records_need_a_second_staff_member(world):
    maker, checker = world.staff, UserFactory(username="checker", is_staff=True)
    today = dt.date.today().isoformat()
    record = offline_record_create(
        actor=maker, county_code="451229", amount="10900000.00", occurred_on=today,
        description="消费扶贫展销会", organization_id=world.org_a.pk,
    )
    assert tally_for_campaign(campaign=world.campaign).total_fen == 0
    with pytest.raises(ValidationError) as err:
        offline_record_approve(actor=maker, record=record)
    assert err.value.code == "permission_denied"
    offline_record_approve(actor=checker, record=record)
    offline_record_approve(actor=checker, record=record)  # a double click counts once
    assert tally_for_campaign(campaign=world.campaign).total_fen == 1_090_000_000
    rejected = offline_record_create(actor=maker, county_code="451229", amount="5", occurred_on=today, description="x")
    offline_record_reject(actor=checker, record=rejected, reason="无凭证")
    assert rejected.__class__.objects.get(pk=rejected.pk).status == OfflineRecordStatus.REJECTED
    assert tally_for_campaign(campaign=world.campaign).total_fen == 1_090_000_000
    assert tally_reconcile() == []


@pytest.mark.parametrize("amount", ["0", "-5", "1.234", "abc", 1.5, "1e400"])
def test_bad_offline_amounts_are_refused_and_the_tally_does_not_move(world, amount):
    with pytest.raises(ValidationError) as err:
        offline_record_create(actor=world.staff, county_code="441622", amount=amount,
                              occurred_on=dt.date.today(), description="展销会")
    assert "amount" in err.value.error_dict
    assert LedgerEntry.objects.count() == 0


def test_verify_finds_an_edited_a_deleted_and_an_inserted_entry(world, capsys):
    place_paid(world)
    place_paid(world, user=world.purchaser_b, organization=world.org_b)
    call_command("ledger_verify")
    assert "OK" in capsys.readouterr().out
    first = LedgerEntry.objects.order_by("seq").first()
    LedgerEntry.objects.filter(pk=first.pk).update(amount_fen=first.amount_fen + 1)
    assert any("changed" in p for p in ledger_verify())
    LedgerEntry.objects.filter(pk=first.pk).update(amount_fen=first.amount_fen)
    assert ledger_verify() == []
    LedgerEntry.objects.filter(seq=2).delete()
    assert any("jumps" in p for p in ledger_verify())
    with pytest.raises(SystemExit):
        call_command("ledger_verify")


def test_reconcile_reports_a_ledger_row_that_went_missing(world, capsys):
    place_paid(world)
    LedgerEntry.objects.order_by("seq").last().delete()
    problems = tally_reconcile()
    assert any("not in the ledger" in p for p in problems)
    with pytest.raises(SystemExit):
        call_command("tally_reconcile")
    assert "DIFF" in capsys.readouterr().out


def test_accepted_amount_follows_acceptance_and_later_refunds(world):
    from orders.services.fulfilment import fulfilment_ship, order_accept

    order = place_paid(world, user=world.purchaser_b, organization=world.org_b)  # 312.50
    for part in order.fulfilments.all():
        owner = world.owner_a if part.supplier == world.supplier_a else world.owner_b
        fulfilment_ship(actor=owner, fulfilment=part, carrier="顺丰", tracking_number=f"SF{part.pk}")
    assert tally_for_campaign(campaign=world.campaign).accepted_fen == 0
    order_accept(actor=world.purchaser_b, order=order, rating=5, comment="好")
    assert tally_for_campaign(campaign=world.campaign).accepted_fen == 31250
    order.refresh_from_db()
    order_refund(actor=world.staff, order=order, reason="质量", amount_fen=1000, idempotency_key="q", bank_reference="B")
    tally = tally_for_campaign(campaign=world.campaign)
    assert (tally.total_fen, tally.accepted_fen) == (30250, 30250)
    assert tally_reconcile() == []

"""Migration 0004 chains and aggregates ledger entries written before the hash chain existed,
with its own frozen copy of the hash: the result must be what ``ledger_verify`` and the
tally expect from today's code."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from orders.chain import aggregate_deltas, entry_hash, entry_values

BEFORE = [("orders", "0003_ledger_chain_tally_offline"), ("accounts", "0003_loginlockout")]
AFTER = [("orders", "0004_ledger_chain_backfill")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_backfill_chains_old_entries_as_todays_code_verifies_them():
    apps = _migrate(BEFORE)
    try:
        Region = apps.get_model("regions", "Region")
        Campaign = apps.get_model("orders", "Campaign")
        Organization = apps.get_model("accounts", "BuyerOrganization")
        Entry = apps.get_model("orders", "LedgerEntry")
        county = Region.objects.create(code="441622", name="龙川县", level="county")
        campaign = Campaign.objects.create(
            name="2020年消费扶贫", slug="2020", target_fen=3_000_000_000,
            start_date=datetime(2020, 1, 1).date(), end_date=datetime(2020, 12, 31).date(),
        )
        street = Organization.objects.create(name="新安街道", slug="xinan", org_type="government", is_group=True)
        community = Organization.objects.create(name="海滨社区", slug="haibin", org_type="community", parent=street)
        for i, (amount, month) in enumerate([(1_090_000_000, 3), (25_050, 5), (99, 5)]):
            Entry.objects.create(
                campaign=campaign, kind="offline", amount_fen=amount, county=county,
                organization=community if i else None, buyer_type="community" if i else "",
                occurred_at=datetime(2020, month, 31 if month == 3 else 1, 16, 30, tzinfo=UTC), note=f"线下{i}",
            )

        apps = _migrate(AFTER)
        entries = list(apps.get_model("orders", "LedgerEntry").objects.order_by("seq"))
        assert [e.seq for e in entries] == [1, 2, 3]
        previous = ""
        for entry in entries:
            assert entry.prev_hash == previous
            assert entry.entry_hash == entry_hash(entry_values(entry), previous)
            previous = entry.entry_hash
        assert entries[1].organization_parent_id == street.pk  # the parent is filled in

        rows = {
            (r.campaign_id, r.dimension, r.period, r.key): [r.amount_fen, r.entry_count, r.order_count, r.group]
            for r in apps.get_model("orders", "TallyAggregate").objects.all()
        }
        assert rows == aggregate_deltas(entries)
        # 2020-03-31 16:30 UTC is April 1st in Beijing: months are the platform's time zone
        assert rows[(campaign.pk, "month", "", "2020-04")][0] == 1_090_000_000
        assert rows[(campaign.pk, "total", "", "")][:2] == [1_090_025_149, 3]
    finally:
        _migrate(_migrate_leaf_nodes())


def _migrate_leaf_nodes():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()

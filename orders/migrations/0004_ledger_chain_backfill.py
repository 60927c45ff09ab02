"""Chain and aggregate the ledger entries written before the hash chain existed (the demo's
offline rows, for instance), so verification and the tally hold for old databases too."""

from django.db import migrations


def backfill(apps, schema_editor):
    from orders.chain import aggregate_deltas, entry_hash, entry_values
    from orders.services.ledger import tally_apply

    LedgerEntry = apps.get_model("orders", "LedgerEntry")
    LedgerHead = apps.get_model("orders", "LedgerHead")
    BuyerOrganization = apps.get_model("accounts", "BuyerOrganization")
    head, _ = LedgerHead.objects.get_or_create(pk=1)
    entries = list(LedgerEntry.objects.filter(seq__isnull=True).order_by("id"))
    parents = dict(BuyerOrganization.objects.values_list("pk", "parent_id"))
    for entry in entries:
        if entry.organization_id and entry.organization_parent_id is None:
            entry.organization_parent_id = parents.get(entry.organization_id)
        head.seq += 1
        entry.seq = head.seq
        entry.prev_hash = head.last_hash
        entry.entry_hash = entry_hash(entry_values(entry), head.last_hash)
        head.last_hash = entry.entry_hash
        entry.save(update_fields=["seq", "prev_hash", "entry_hash", "organization_parent_id"])
    head.save()
    tally_apply(deltas=aggregate_deltas(entries))


class Migration(migrations.Migration):
    dependencies = [("orders", "0003_ledger_chain_tally_offline")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

"""A supplier's names (legal and short). The catalog keeps each product's search text (names,
pinyin, initials of its supplier) and the supplier's suggestion term; suppliers sit below the
catalog and must not import it, so a rename asks for the refresh by task name, through the
outbox."""

from typing import Any

from django.db import transaction

from shop.common.audit import audit_record
from shop.common.listing_version import listings_changed
from shop.common.outbox import enqueue_on_commit
from suppliers.models import Supplier

NAME_FIELDS = ("legal_name", "short_name")
# The catalog keeps each product's search text (names, pinyin, initials of its supplier) and
# the supplier's suggestion term. Suppliers sit below the catalog and must not import it, so a
# rename asks for the refresh by task name, through the outbox: written in the rename's
# transaction, published once it commits (and by the relay if the broker is down then).
CATALOG_SEARCH_REFRESH_TASK = "catalog.tasks.supplier_search_refresh"


def supplier_names_changed(*, supplier: Supplier) -> None:
    """Tell the catalog, after commit, that the supplier's names changed. For writers that
    saved the names themselves (the admin's change form); ``supplier_rename`` calls it."""
    enqueue_on_commit(CATALOG_SEARCH_REFRESH_TASK, supplier.pk)


@transaction.atomic
def supplier_rename(*, supplier: Supplier, legal_name: str, short_name: str = "", actor: Any = None) -> Supplier:
    """Change the legal and short names (audited as ``supplier.update``); the catalog's search
    text follows after commit. Renaming to the same names changes nothing."""
    locked = Supplier.objects.select_for_update().get(pk=supplier.pk)
    new = {"legal_name": (legal_name or "").strip(), "short_name": (short_name or "").strip()}
    changes = {name: [getattr(locked, name), value] for name, value in new.items() if getattr(locked, name) != value}
    if not changes:
        return locked
    for name, (_old, value) in changes.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=[f.name for f in Supplier._meta.fields if f.name not in NAME_FIELDS], validate_unique=False)
    locked.save(update_fields=[*changes, "updated_at"])
    listings_changed()
    audit_record(actor=actor, instance=locked, action="supplier.update", changes=changes)
    supplier_names_changed(supplier=locked)
    return locked

"""Suppliers must not import catalog, so the catalog follows supplier edits (its legal or
short name, in the admin) through ``post_save``, in the same transaction as the save."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from suppliers.models import Supplier

NAME_FIELDS = {"legal_name", "short_name"}


@receiver(post_save, sender=Supplier, dispatch_uid="catalog.supplier_search_refresh")
def supplier_saved(sender, instance: Supplier, created: bool, update_fields=None, raw=False, **kwargs) -> None:
    if raw or created or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    from catalog.services.search import supplier_search_refresh

    supplier_search_refresh(supplier=instance)

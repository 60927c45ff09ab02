"""``ListingAdminMixin``: the admin screens of what the public catalog shows (products,
categories, suppliers, certifications) move the listing version after every save and delete,
as the services do (``shop.common.listing_version``), so a staff edit shows on the next page."""

from typing import Any

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from shop.common.listing_version import listings_changed


class ListingAdminMixin:
    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)  # type: ignore[misc]  # a ModelAdmin mixin
        listings_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        listings_changed()

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        super().delete_model(request, obj)  # type: ignore[misc]
        listings_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)  # type: ignore[misc]
        listings_changed()

"""Staff screen: suppliers' parts and their invoices, open ones (待开票 on a paid part) first
through the "open invoices" filter. Read-only: invoices change through the supplier portal."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from orders.invoice_reminders import open_invoices
from orders.models import Fulfilment


class OpenInvoiceFilter(admin.SimpleListFilter):
    title = gettext_lazy("invoice")
    parameter_name = "invoice"

    def lookups(self, request, model_admin):
        return [("open", gettext_lazy("Open invoices (paid, not invoiced)"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "open":
            return queryset.filter(pk__in=open_invoices().values("pk"))
        return queryset


@admin.register(Fulfilment)
class FulfilmentInvoiceAdmin(admin.ModelAdmin):
    list_display = ("order", "supplier", "status", "invoice_status", "invoice_issued_at", "subtotal_fen")
    list_filter = (OpenInvoiceFilter, "invoice_status", "status")
    list_select_related = ("order", "supplier")
    search_fields = ("order__number", "supplier__legal_name")
    fields = ("order", "supplier", "status", "subtotal_fen", "invoice_status", "invoice_issued_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

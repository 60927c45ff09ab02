"""Staff screens for suppliers: admission pipeline actions call ``suppliers.services``."""

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shop.common.admin import AuditedModelAdmin
from shop.common.adminactions import apply_per_row, reason_action
from shop.common.listing_admin import ListingAdminMixin
from suppliers.models import (
    Certification,
    CountyCoordinator,
    Supplier,
    SupplierMember,
)
from suppliers.services.names import NAME_FIELDS, supplier_names_changed
from suppliers.services.status import (
    supplier_approve,
    supplier_recommend,
    supplier_reinstate,
    supplier_reject,
    supplier_suspend,
)


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ("kind", "title", "number", "issuer", "valid_from", "valid_until", "document")


class SupplierMemberInline(admin.TabularInline):
    model = SupplierMember
    extra = 0
    autocomplete_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupplierMember]:
        return super().get_queryset(request).select_related("user")


@admin.register(Supplier)
class SupplierAdmin(ListingAdminMixin, AuditedModelAdmin):  # change page: audit trail section and history
    list_display = (
        "legal_name", "short_name", "supplier_type", "county", "township", "status",
        "poor_households",
    )
    list_filter = ("status", "county", "supplier_type", "linkage_mechanism")
    list_select_related = ("county", "township")
    search_fields = ("legal_name", "short_name", "credit_code")
    prepopulated_fields = {"slug": ("legal_name",)}
    autocomplete_fields = ("township", "village")
    inlines = (CertificationInline, SupplierMemberInline)
    readonly_fields = ("status", "status_reason", "status_changed_at", "created_at", "updated_at")
    actions = ("recommend", "approve", "reject", "suspend", "reinstate")
    fieldsets = (
        (None, {"fields": ("legal_name", "short_name", "slug", "credit_code", "supplier_type")}),
        (gettext_lazy("Location"), {"fields": ("county", "township", "village", "address")}),
        (gettext_lazy("Contact"), {"fields": ("contact_name", "contact_phone", "contact_email", "description")}),
        (gettext_lazy("Payouts"), {"fields": ("bank_name", "bank_account_name", "bank_account_number")}),
        (
            gettext_lazy("Farmer linkage (联农带农)"),
            {"fields": ("linkage_mechanism", "linkage_description", "poor_households")},
        ),
        (
            gettext_lazy("Admission"),
            {"fields": ("status", "status_reason", "status_changed_at", "created_at", "updated_at")},
        ),
    )

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        """The change form saves the row (recorded by ``AuditedModelAdmin``); a new legal or
        short name also reaches the catalog's search text, after commit."""
        super().save_model(request, obj, form, change)
        if change and isinstance(obj, Supplier) and set(NAME_FIELDS) & set(form.changed_data):
            supplier_names_changed(supplier=obj)

    @admin.action(description=gettext_lazy("Recommend the selected suppliers (county recommendation)"))
    def recommend(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda s: supplier_recommend(supplier=s, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d supplier recommended.", "%(count)d suppliers recommended.", n
            ) % {"count": n},
            log_message=_("Recommended"),
        )

    @admin.action(description=gettext_lazy("Approve the selected suppliers"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda s: supplier_approve(supplier=s, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d supplier approved.", "%(count)d suppliers approved.", n
            ) % {"count": n},
            log_message=_("Approved"),
        )

    @admin.action(description=gettext_lazy("Reject the selected suppliers…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> TemplateResponse | None:
        return reason_action(
            self, request, queryset,
            title=_("Reject suppliers"),
            action=lambda s, reason: supplier_reject(supplier=s, reason=reason, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d supplier rejected.", "%(count)d suppliers rejected.", n
            ) % {"count": n},
            log_message=_("Rejected"),
        )

    @admin.action(description=gettext_lazy("Suspend the selected suppliers…"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> TemplateResponse | None:
        return reason_action(
            self, request, queryset,
            title=_("Suspend suppliers"),
            action=lambda s, reason: supplier_suspend(supplier=s, reason=reason, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d supplier suspended.", "%(count)d suppliers suspended.", n
            ) % {"count": n},
            log_message=_("Suspended"),
        )

    @admin.action(description=gettext_lazy("Reinstate the selected suspended suppliers"))
    def reinstate(self, request: HttpRequest, queryset: QuerySet[Supplier]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda s: supplier_reinstate(supplier=s, actor=request.user),
            done_message=lambda n: ngettext(
                "%(count)d supplier reinstated.", "%(count)d suppliers reinstated.", n
            ) % {"count": n},
            log_message=_("Reinstated"),
        )


@admin.register(CountyCoordinator)
class CountyCoordinatorAdmin(admin.ModelAdmin):
    list_display = ("user", "county")
    list_filter = ("county",)
    list_select_related = ("user", "county")
    search_fields = ("user__username", "user__email", "user__display_name", "county__name")
    autocomplete_fields = ("user",)


@admin.register(Certification)
class CertificationAdmin(ListingAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "kind", "number", "supplier", "valid_from", "valid_until")
    list_filter = ("kind",)
    list_select_related = ("supplier",)
    search_fields = ("number", "title", "supplier__legal_name", "supplier__short_name")
    autocomplete_fields = ("supplier",)

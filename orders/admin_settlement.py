"""Staff screens for supplier settlement (结算): the statements with the supplier's payout
bank account, a page to generate statements (last month by default, on demand for any
period), and bulk actions to approve (maker–checker, in the service) and mark paid. Every
action calls a settlement service per row; a refused row gets its own message."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from orders.models import SettlementLine, SettlementStatement
from orders.services.settlement import (
    previous_month,
    statement_approve,
    statement_generate,
    statement_mark_paid,
)
from shop.accounts.http import request_user
from shop.common.adminactions import apply_per_row, validation_error_text
from shop.common.money import format_yuan
from suppliers.models import Supplier, SupplierStatus

FORM_TEMPLATE = "admin/orders/staff_form.html"
REASON_TEMPLATE = "admin/status_reason.html"


class GenerateForm(forms.Form):
    suppliers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Suppliers"), queryset=Supplier.objects.none(), required=False,
        help_text=gettext_lazy("Leave empty for every approved supplier."),
    )
    period_start = forms.DateField(label=gettext_lazy("Period start"))
    period_end = forms.DateField(label=gettext_lazy("Period end"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].queryset = Supplier.objects.exclude(status=SupplierStatus.APPLIED).order_by("legal_name")  # type: ignore[attr-defined]  # a ModelMultipleChoiceField


class BankReferenceForm(forms.Form):
    # Named ``reason`` to reuse the shared one-field action page.
    reason = forms.CharField(label=gettext_lazy("Bank reference"), max_length=64,
                             error_messages={"required": gettext_lazy("Enter the bank reference of the transfer.")})


class SettlementLineInline(admin.TabularInline):
    model = SettlementLine
    extra = 0
    can_delete = False
    fields = ("kind", "order_number", "accepted_at", "gross_fen", "refunded_fen", "amount_fen")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SettlementStatement)
class SettlementStatementAdmin(admin.ModelAdmin):
    list_display = ("number", "supplier", "period_end", "status", "amount", "payout", "bank_account",
                    "generated_by", "approved_by", "bank_reference")
    list_filter = ("status", "period_end")
    search_fields = ("number", "supplier__legal_name", "bank_reference")
    list_select_related = ("supplier", "generated_by", "approved_by")
    inlines = [SettlementLineInline]
    actions = ["approve_selected", "mark_paid_selected"]
    readonly_fields = [f.name for f in SettlementStatement._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("amount due"), ordering="amount_fen")
    def amount(self, obj: SettlementStatement) -> str:
        return format_yuan(obj.amount_fen)

    @admin.display(description=gettext_lazy("payout"), ordering="payout_fen")
    def payout(self, obj: SettlementStatement) -> str:
        return format_yuan(obj.payout_fen)

    @admin.display(description=gettext_lazy("payout bank account"))
    def bank_account(self, obj: SettlementStatement) -> str:
        s = obj.supplier
        return " ".join(p for p in (s.bank_name, s.bank_account_name, s.bank_account_number) if p) or "-"

    @admin.action(description=gettext_lazy("Approve the selected statements (second staff member)"))
    def approve_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        apply_per_row(self, request, queryset, action=lambda s: statement_approve(actor=request_user(request), statement_id=s.pk),
                      done_message=lambda n: ngettext("%d statement approved.", "%d statements approved.", n) % n,
                      log_message="Approved")

    @admin.action(description=gettext_lazy("Mark the selected statements paid"))
    def mark_paid_selected(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        form = BankReferenceForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            reference = form.cleaned_data["reason"]
            apply_per_row(self, request, queryset,
                          action=lambda s: statement_mark_paid(actor=request_user(request), statement_id=s.pk,
                                                               bank_reference=reference),
                          done_message=lambda n: ngettext("%d statement paid.", "%d statements paid.", n) % n,
                          log_message=f"Paid: {reference}")
            return None
        opts = self.model._meta
        return TemplateResponse(request, REASON_TEMPLATE, {
            **self.admin_site.each_context(request), "title": _("Mark paid"), "form": form,
            "objects": list(queryset.order_by("pk")), "opts": opts, "app_label": opts.app_label,
            "action_name": "mark_paid_selected", "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
        }, status=400 if form.is_bound else 200)

    def get_urls(self) -> list:
        extra = [path("generate/", self.admin_site.admin_view(self.generate_view), name="orders_settlement_generate")]
        return extra + super().get_urls()

    def generate_view(self, request: HttpRequest) -> HttpResponse:
        start, end = previous_month()
        form = GenerateForm(request.POST or None, initial={"period_start": start, "period_end": end})
        changelist = reverse("admin:orders_settlementstatement_changelist")
        if request.method == "POST" and form.is_valid():
            suppliers = form.cleaned_data["suppliers"] or Supplier.objects.filter(status=SupplierStatus.APPROVED)
            made = 0
            for supplier in suppliers.order_by("pk"):
                try:
                    statement_generate(actor=request_user(request), supplier_id=supplier.pk,
                                       period_start=form.cleaned_data["period_start"],
                                       period_end=form.cleaned_data["period_end"])
                    made += 1
                except ValidationError as exc:
                    if exc.code != "nothing_to_settle":
                        messages.error(request, f"{supplier}: {validation_error_text(exc)}")
            messages.success(request, ngettext("%d statement generated.", "%d statements generated.", made) % made)
            return HttpResponseRedirect(changelist)
        opts = self.model._meta
        return TemplateResponse(request, FORM_TEMPLATE, {
            **self.admin_site.each_context(request), "title": _("Generate statements"), "form": form, "opts": opts,
            "submit_label": _("Generate"), "cancel_url": changelist,
        }, status=400 if form.is_bound else 200)

"""Staff screens for money: record a bank transfer (the bank receipt "add" page calls
``bank_receipt_record``), the flagged receipts and their resolve page
(``bank_receipt_resolve``), and read-only lists of payments, refunds and Stripe events."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin_forms import BankReceiptRecordForm, BankReceiptResolveForm, add_service_errors
from orders.models import (
    BankReceipt,
    BankReceiptStatus,
    Order,
    Payment,
    Refund,
    StripeDispute,
    StripeEvent,
)
from orders.services.bank import bank_receipt_record, bank_receipt_resolve
from shop.accounts.http import request_user
from shop.common.money import format_yuan

FORM_TEMPLATE = "admin/orders/staff_form.html"


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _yuan(description: Any, attr: str) -> Any:
    @admin.display(description=description, ordering=attr)
    def show(self: Any, obj: Any) -> str:
        return format_yuan(getattr(obj, attr))

    return show


def _order_link(admin_site: admin.AdminSite, order: Order | None) -> str:
    if order is None:
        return "-"
    url = reverse("admin:orders_order_change", args=[order.pk], current_app=admin_site.name)
    return format_html('<a href="{}">{}</a>', url, order.number)


@admin.register(BankReceipt)
class BankReceiptAdmin(ReadOnlyAdmin):
    list_display = (
        "bank_reference", "received_on", "amount", "payment_reference", "payer_name", "order_link", "status",
        "flag_reason", "resolve_link",
    )
    list_filter = ("status", "received_on")
    list_select_related = ("order",)
    search_fields = ("=bank_reference", "payment_reference", "payer_name", "=order__number")
    date_hierarchy = "received_on"
    fields = (
        "bank_reference", "payment_reference", "payer_name", "amount", "received_on", "order_link", "status",
        "flag_reason", "recorded_by", "created_at", "resolved_by", "resolved_at", "resolution_note",
    )
    readonly_fields = ("amount", "order_link", "created_at")
    amount = _yuan(gettext_lazy("amount"), "amount_fen")

    def get_queryset(self, request: HttpRequest) -> QuerySet[BankReceipt]:
        return super().get_queryset(request).select_related("order", "recorded_by", "resolved_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("orders.add_bankreceipt")

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_link(self, obj: BankReceipt) -> str:
        return _order_link(self.admin_site, obj.order)

    @admin.display(description=gettext_lazy("resolve"))
    def resolve_link(self, obj: BankReceipt) -> str:
        if obj.status != BankReceiptStatus.FLAGGED:
            return "-"
        return format_html('<a href="{}">{}</a>', self._url("resolve", obj.pk), _("Resolve…"))

    def _url(self, name: str, *args: Any) -> str:
        return reverse(f"admin:orders_bankreceipt_{name}", args=args, current_app=self.admin_site.name)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("flagged/", wrap(self.flagged_view), name="orders_bankreceipt_flagged"),
            path("<path:object_id>/resolve/", wrap(self.resolve_view), name="orders_bankreceipt_resolve"),
            *super().get_urls(),
        ]

    def _page(self, request: HttpRequest, form: Any, **context: Any) -> TemplateResponse:
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form, **context}
        return TemplateResponse(request, FORM_TEMPLATE, context, status=400 if form.is_bound else 200)

    def flagged_view(self, request: HttpRequest) -> HttpResponse:
        """A stable address for the review queue: the list filtered to flagged receipts."""
        return HttpResponseRedirect(f"{self._url('changelist')}?status__exact={BankReceiptStatus.FLAGGED.value}")

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        """Record a bank transfer from the statement (not a model form: the service decides
        whether it pays an order or is flagged, and returns the first receipt on a repeat)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = BankReceiptRecordForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                receipt = bank_receipt_record(
                    actor=request_user(request), bank_reference=data["bank_reference"],
                    payment_reference=data["payment_reference"], amount=data["amount"],
                    received_on=data["received_on"], payer_name=data["payer_name"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                self._report_recorded(request, receipt)
                return HttpResponseRedirect(self._url("changelist"))
        return self._page(
            request, form, title=_("Record a bank transfer"), submit_label=_("Record"),
            cancel_url=self._url("changelist"),
            intro=_("Enter one line of the bank statement. An exact match with an order awaiting payment "
                    "marks it paid; anything else is kept as a flagged receipt for review."),
        )

    def _report_recorded(self, request: HttpRequest, receipt: BankReceipt) -> None:
        if receipt.status == BankReceiptStatus.MATCHED:
            self.message_user(request, _("Receipt %(receipt)s recorded: order %(number)s is paid.") % {
                "receipt": receipt.bank_reference, "number": receipt.order.number,  # type: ignore[union-attr]  # a matched receipt has its order
            }, messages.SUCCESS)
        elif receipt.status == BankReceiptStatus.FLAGGED:
            self.message_user(request, _("Receipt %(receipt)s recorded and flagged for review: %(reason)s") % {
                "receipt": receipt.bank_reference, "reason": receipt.flag_reason,
            }, messages.WARNING)
        else:
            self.message_user(request, _("Receipt %(receipt)s was already recorded and resolved.") % {
                "receipt": receipt.bank_reference,
            }, messages.INFO)

    def resolve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        receipt = self.get_object(request, unquote(object_id))
        if receipt is None:
            raise Http404
        if not request.user.has_perm("orders.change_bankreceipt"):
            raise PermissionDenied
        change_url = self._url("change", receipt.pk)
        form = BankReceiptResolveForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            number = data["order_number"].strip()
            order = Order.objects.filter(number=number).first() if number else None
            if number and order is None:
                form.add_error("order_number", _("No order has this number."))
            else:
                try:
                    receipt = bank_receipt_resolve(actor=request_user(request), receipt=receipt, note=data["note"], order=order)
                except ValidationError as exc:
                    add_service_errors(form, exc, {"order": "order_number"})
                else:
                    self.log_change(request, receipt, _("Resolved: %(note)s") % {"note": receipt.resolution_note})
                    self.message_user(request, _("Receipt %(receipt)s resolved.") % {
                        "receipt": receipt.bank_reference,
                    }, messages.SUCCESS)
                    return HttpResponseRedirect(self._url("flagged"))
        return self._page(
            request, form, title=_("Resolve receipt %(receipt)s") % {"receipt": receipt.bank_reference},
            original=receipt, submit_label=_("Resolve"), cancel_url=change_url,
            summary=[
                (_("Amount"), format_yuan(receipt.amount_fen)),
                (_("Received on"), receipt.received_on),
                (_("Payer"), receipt.payer_name or "-"),
                (_("Payment reference"), receipt.payment_reference or "-"),
                (_("Order"), receipt.order.number if receipt.order else "-"),
                (_("Why it was flagged"), receipt.flag_reason),
            ],
            blocked=None if receipt.status == BankReceiptStatus.FLAGGED
            else _("This receipt is not flagged; there is nothing to resolve."),
        )


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("id", "order_link", "method", "status", "amount", "created_at", "succeeded_at")
    list_filter = ("method", "status")
    list_select_related = ("order",)
    search_fields = ("=order__number", "=stripe_payment_intent_id", "=bank_receipt__bank_reference")
    fields = (
        "order_link", "method", "status", "amount", "stripe_payment_intent_id", "bank_receipt", "created_at",
        "succeeded_at",
    )
    readonly_fields = ("order_link", "amount", "created_at")
    amount = _yuan(gettext_lazy("amount"), "amount_fen")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Payment]:
        return super().get_queryset(request).select_related("order", "bank_receipt")

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_link(self, obj: Payment) -> str:
        return _order_link(self.admin_site, obj.order)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("id", "order_link", "method", "source", "status", "amount", "reason", "created_by", "created_at")
    list_filter = ("method", "source", "status")
    list_select_related = ("order", "created_by")
    search_fields = ("=order__number", "=bank_reference", "=stripe_refund_id", "=stripe_dispute_id")
    fields = (
        "order_link", "method", "source", "status", "amount", "reason", "bank_reference", "stripe_refund_id",
        "stripe_dispute_id", "created_by", "created_at", "completed_at",
    )
    readonly_fields = ("order_link", "amount", "created_at")
    amount = _yuan(gettext_lazy("amount"), "amount_fen")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Refund]:
        return super().get_queryset(request).select_related("order", "created_by")

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_link(self, obj: Refund) -> str:
        return _order_link(self.admin_site, obj.order)


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "payment_intent_id", "received_at", "processed_at", "result")
    list_filter = ("type",)
    search_fields = ("=event_id", "=payment_intent_id")
    fields = ("event_id", "type", "payment_intent_id", "received_at", "processed_at", "result", "payload")
    readonly_fields = ("received_at",)


@admin.register(StripeDispute)
class StripeDisputeAdmin(ReadOnlyAdmin):
    """Card disputes (chargebacks) as Stripe last reported them: the orders flagged for staff."""

    list_display = ("dispute_id", "order_link", "status", "amount", "reason", "loss", "created_at", "updated_at")
    list_filter = ("status", "reason")
    list_select_related = ("order", "loss")
    search_fields = ("=dispute_id", "=order__number", "=payment__stripe_payment_intent_id")
    fields = ("dispute_id", "order_link", "payment", "status", "amount", "reason", "loss", "created_at", "updated_at")
    readonly_fields = ("order_link", "amount", "created_at", "updated_at")
    amount = _yuan(gettext_lazy("amount"), "amount_fen")

    @admin.display(description=gettext_lazy("order"), ordering="order__number")
    def order_link(self, obj: StripeDispute) -> str:
        return _order_link(self.admin_site, obj.order)

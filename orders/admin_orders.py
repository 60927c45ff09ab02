"""Staff screens for orders: the list, a read-only order page (lines, each supplier's part,
payments, bank receipts, refunds and the timeline) and the refund form. Orders change only
through services; the refund form calls ``orders.services.refunds.order_refund``."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin_forms import RefundForm, add_service_errors
from orders.models import (
    BankReceipt,
    Fulfilment,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    StripeDispute,
)
from orders.services.bank import parse_yuan_to_fen
from orders.services.refunds import REFUNDABLE, order_refund
from shop.accounts.http import request_user
from shop.common.money import format_yuan


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    select_related: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs.select_related(*self.select_related) if self.select_related else qs

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product_name", "spec", "sku", "supplier", "county", "quantity", "unit_price", "line_total", "refunded")
    readonly_fields = fields
    select_related = ("supplier", "county")
    unit_price = _yuan(gettext_lazy("unit price"), "unit_price_fen")
    line_total = _yuan(gettext_lazy("line total"), "total_fen")
    refunded = _yuan(gettext_lazy("refunded"), "refunded_fen")


class FulfilmentInline(ReadOnlyInline):
    model = Fulfilment
    verbose_name_plural = gettext_lazy("Suppliers' parts (fulfilments)")
    fields = (
        "supplier", "status", "subtotal", "carrier", "tracking_number", "confirmed_at", "shipped_at",
        "accepted_at", "auto_accepted", "rating", "comment",
    )
    readonly_fields = fields
    select_related = ("supplier",)
    subtotal = _yuan(gettext_lazy("subtotal"), "subtotal_fen")


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = ("method", "status", "amount", "stripe_payment_intent_id", "bank_receipt", "created_at", "succeeded_at")
    readonly_fields = fields
    select_related = ("bank_receipt",)
    amount = _yuan(gettext_lazy("amount"), "amount_fen")


class BankReceiptInline(ReadOnlyInline):
    model = BankReceipt
    fk_name = "order"
    fields = ("bank_reference", "received_on", "amount", "payer_name", "status", "flag_reason", "resolution_note")
    readonly_fields = fields
    amount = _yuan(gettext_lazy("amount"), "amount_fen")


class RefundInline(ReadOnlyInline):
    model = Refund
    fields = (
        "created_at", "method", "source", "status", "amount", "reason", "bank_reference", "stripe_refund_id",
        "created_by",
    )
    readonly_fields = fields
    select_related = ("created_by",)
    amount = _yuan(gettext_lazy("amount"), "amount_fen")


class StripeDisputeInline(ReadOnlyInline):
    """Card disputes (chargebacks): the flag on the order, as Stripe last reported them."""

    model = StripeDispute
    fields = ("dispute_id", "status", "amount", "reason", "loss", "created_at", "updated_at")
    readonly_fields = fields
    amount = _yuan(gettext_lazy("amount"), "amount_fen")


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    verbose_name_plural = gettext_lazy("Timeline")
    fields = ("created_at", "kind", "actor", "supplier", "message")
    readonly_fields = fields
    select_related = ("actor", "fulfilment__supplier")

    @admin.display(description=gettext_lazy("supplier"))
    def supplier(self, obj: OrderEvent) -> str:
        return str(obj.fulfilment.supplier) if obj.fulfilment is not None else "-"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number", "organization", "status", "total", "paid", "refunded", "payment_method", "created_at",
    )
    list_filter = ("status", "payment_method", "funding_channel", "created_at")
    list_select_related = ("organization",)
    search_fields = ("=number", "=payment_reference", "organization__name")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    inlines = (OrderLineInline, FulfilmentInline, PaymentInline, BankReceiptInline, RefundInline, StripeDisputeInline,
               OrderEventInline)
    fieldsets = (
        (None, {"fields": ("number", "organization", "placed_by", "status", "funding_channel", "created_at")}),
        (gettext_lazy("Money"), {"fields": (
            "total", "paid", "refunded", "payment_method", "payment_reference", "payment_due_at", "paid_at",
        )}),
        (gettext_lazy("Delivery and invoice"), {"fields": (
            "ship_label", "ship_recipient", "ship_phone", "ship_address", "invoice_title", "tax_number", "note",
        )}),
        (gettext_lazy("History"), {"fields": (
            "approved_by", "approved_at", "shipped_at", "accepted_at", "cancelled_at", "cancel_reason",
        )}),
    )
    readonly_fields = ("total", "paid", "refunded", "created_at")
    total = _yuan(gettext_lazy("total"), "total_fen")
    paid = _yuan(gettext_lazy("paid"), "paid_fen")
    refunded = _yuan(gettext_lazy("refunded"), "refunded_fen")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        return super().get_queryset(request).select_related("organization", "placed_by", "approved_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/refund/", wrap(self.refund_view), name="orders_order_refund"),
            *super().get_urls(),
        ]

    def _can_refund(self, request: HttpRequest, order: Order) -> bool:
        return (
            request.user.has_perm("orders.add_refund")
            and order.status in REFUNDABLE and order.paid_fen > order.refunded_fen
        )

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        context = dict(extra_context or {})
        order = self.get_object(request, unquote(object_id))
        if order is not None and self._can_refund(request, order):
            context["refund_url"] = reverse("admin:orders_order_refund", args=[order.pk], current_app=self.admin_site.name)
        return super().change_view(request, object_id, form_url, context)

    def refund_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        order = self.get_object(request, unquote(object_id))
        if order is None:
            raise Http404
        if not request.user.has_perm("orders.add_refund"):
            raise PermissionDenied
        change_url = reverse("admin:orders_order_change", args=[order.pk], current_app=self.admin_site.name)
        needs_bank_reference = order.payment_method == PaymentMethod.BANK_TRANSFER
        form = RefundForm(request.POST if request.method == "POST" else None, needs_bank_reference=needs_bank_reference)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                amount_fen = parse_yuan_to_fen(data["amount"]) if data["amount"].strip() else None
                refund = order_refund(
                    actor=request_user(request), order=order, reason=data["reason"], idempotency_key=data["idempotency_key"],
                    amount_fen=amount_fen, bank_reference=data.get("bank_reference", ""),
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"lines": "amount"})
            else:
                self.log_change(request, order, _("Refunded %(amount)s: %(reason)s") % {
                    "amount": format_yuan(refund.amount_fen), "reason": refund.reason,
                })
                self.message_user(request, _("Refunded %(amount)s of order %(number)s.") % {
                    "amount": format_yuan(refund.amount_fen), "number": order.number,
                }, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        left = order.paid_fen - order.refunded_fen
        context = {
            **self.admin_site.each_context(request),
            "title": _("Refund order %(number)s") % {"number": order.number},
            "opts": self.opts,
            "original": order,
            "form": form,
            "cancel_url": change_url,
            "submit_label": _("Refund"),
            "summary": [
                (_("Buyer organization"), order.organization),
                (_("Status"), OrderStatus(order.status).label),
                (_("Paid by"), PaymentMethod(order.payment_method).label if order.payment_method else "-"),
                (_("Paid"), format_yuan(order.paid_fen)),
                (_("Already refunded"), format_yuan(order.refunded_fen)),
                (_("Left to refund"), format_yuan(left)),
            ],
            "blocked": None if self._can_refund(request, order) else _("This order has nothing left to refund."),
        }
        return TemplateResponse(
            request, "admin/orders/staff_form.html", context, status=400 if form.is_bound else 200
        )

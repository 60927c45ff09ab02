"""Supplier portal: the orders to ship.

A supplier sees only its fulfilments (its part of each order: its own lines and their
subtotal), never another supplier's lines or amounts; another supplier's fulfilment id is a
404. Confirming and shipping call the fulfilment services; a refusal comes back on the
detail page with the message next to the field (status 400) and nothing is written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from frontend.once import once_claim, once_token
from frontend.portal.access import apply_errors, portal_view
from orders.models import Fulfilment, FulfilmentStatus, OrderEventKind, OrderStatus
from orders.selectors.orders import fulfilment_for_supplier, fulfilments_for_supplier
from orders.services.fulfilment import fulfilment_confirm, fulfilment_ship
from shop.accounts.http import request_user

ORDERS_PER_PAGE = 25
UNPAID = (OrderStatus.PENDING_APPROVAL, OrderStatus.AWAITING_PAYMENT)
# The order statuses in which a supplier acts (``orders.services.fulfilment``).
PAID_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.ACCEPTED)
SHIPPABLE_FULFILMENT_STATUSES = (FulfilmentStatus.PENDING, FulfilmentStatus.CONFIRMED)
# Order-level events a supplier may see on its part of the order (without messages or
# amounts: those can concern the other suppliers' lines).
ORDER_LEVEL_EVENTS = (
    OrderEventKind.PLACED, OrderEventKind.APPROVED, OrderEventKind.PAID,
    OrderEventKind.CANCELLED, OrderEventKind.EXPIRED, OrderEventKind.REFUNDED,
)
CARRIERS = ("顺丰速运", "京东物流", "中国邮政 EMS", "中通快递", "圆通速递", "韵达快递", "申通快递", "德邦快递")

# The list's filters: (value, label, condition on a fulfilment).
FILTERS: tuple[tuple[str, Any, Q], ...] = (
    ("to_confirm", gettext_lazy("To confirm"),
     Q(status=FulfilmentStatus.PENDING, order__status__in=PAID_STATUSES)),
    ("to_ship", gettext_lazy("To ship"),
     Q(status=FulfilmentStatus.CONFIRMED, order__status__in=PAID_STATUSES)),
    ("shipped", gettext_lazy("Shipped"), Q(status=FulfilmentStatus.SHIPPED)),
    ("accepted", gettext_lazy("Accepted"), Q(status=FulfilmentStatus.ACCEPTED)),
    ("unpaid", gettext_lazy("Not paid yet"),
     Q(status=FulfilmentStatus.PENDING, order__status__in=UNPAID)),
    ("cancelled", gettext_lazy("Cancelled"), Q(status=FulfilmentStatus.CANCELLED)),
)
CONDITIONS = {value: condition for value, _label, condition in FILTERS}
LABELS = {value: label for value, label, _condition in FILTERS}


class OrderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Show"), required=False,
        choices=[("", gettext_lazy("All orders"))] + [(v, label) for v, label, _c in FILTERS],
    )


class ShipForm(forms.Form):
    carrier = forms.CharField(
        label=gettext_lazy("Carrier"), max_length=64,
        help_text=gettext_lazy("The delivery company, e.g. 顺丰速运, or “own delivery”."),
        widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}),
    )
    tracking_number = forms.CharField(
        label=gettext_lazy("Tracking number"), max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def stage_of(fulfilment: Fulfilment) -> tuple[str, Any]:
    """The list filter a fulfilment belongs to, as (value, label); the fulfilment's own
    status when no filter matches."""
    status, order_status = fulfilment.status, fulfilment.order.status
    if status in SHIPPABLE_FULFILMENT_STATUSES:
        if order_status in PAID_STATUSES:
            stage = "to_confirm" if status == FulfilmentStatus.PENDING else "to_ship"
            return stage, LABELS[stage]
        if order_status in UNPAID:
            return "unpaid", LABELS["unpaid"]
    return status, fulfilment.get_status_display()


def _counts(supplier: Any) -> dict[str, int]:
    """How many fulfilments each filter shows, in one query."""
    row = Fulfilment.objects.filter(supplier=supplier).aggregate(
        **{value: Count("id", filter=condition) for value, _label, condition in FILTERS}
    )
    return {value: row[value] or 0 for value in CONDITIONS}


def _list_queryset(supplier: Any, status: str) -> QuerySet[Fulfilment]:
    qs = fulfilments_for_supplier(supplier=supplier)
    if status:
        qs = qs.filter(CONDITIONS[status])
    return qs


@require_safe
@portal_view
def order_list(request: HttpRequest) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    form = OrderFilterForm(request.GET)
    status_code = 200
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
    else:
        status_code = 400
    paginator = Paginator(_list_queryset(supplier, status), ORDERS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    counts = _counts(supplier)
    fulfilments = list(page.object_list)
    for fulfilment in fulfilments:
        fulfilment.stage = stage_of(fulfilment)  # type: ignore[attr-defined]
    return render(
        request,
        "frontend/portal/orders.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "form": form,
            "status": status,
            "tabs": [(value, label, counts[value]) for value, label, _c in FILTERS],
            "page": page,
            "fulfilments": fulfilments,
        },
        status=status_code,
    )


def _own_fulfilment(request: HttpRequest, pk: int) -> Fulfilment:
    fulfilment = fulfilment_for_supplier(
        supplier=request.portal.supplier, fulfilment_id=pk  # type: ignore[attr-defined]
    )
    if fulfilment is None:
        raise Http404(_("No such order."))
    return fulfilment


def _history(fulfilment: Fulfilment) -> list[Any]:
    return list(
        fulfilment.order.events.filter(
            Q(fulfilment=fulfilment) | Q(fulfilment__isnull=True, kind__in=ORDER_LEVEL_EVENTS)
        ).select_related("actor").order_by("id")
    )


def can_ship(fulfilment: Fulfilment) -> bool:
    return (
        fulfilment.order.status in PAID_STATUSES
        and fulfilment.status in SHIPPABLE_FULFILMENT_STATUSES
    )


def _render_detail(
    request: HttpRequest, fulfilment: Fulfilment, *, ship_form: ShipForm | None = None,
    confirm_errors: list[str] | None = None, status: int = 200, invoice_errors: list[str] | None = None,
) -> HttpResponse:
    order = fulfilment.order
    return render(
        request,
        "frontend/portal/orders_detail.html",
        {
            "portal": request.portal,  # type: ignore[attr-defined]
            "fulfilment": fulfilment,
            "order": order,
            "lines": list(fulfilment.lines.all()),
            "history": _history(fulfilment),
            "can_confirm": order.status in PAID_STATUSES and fulfilment.status == FulfilmentStatus.PENDING,
            "can_ship": can_ship(fulfilment),
            "unpaid": order.status in UNPAID,
            "ship_form": ship_form or ShipForm(),
            "confirm_errors": confirm_errors or [],
            "invoice_errors": invoice_errors or [],
            "carriers": CARRIERS,
            "once": once_token(),
        },
        status=status,
    )


@require_safe
@portal_view
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _own_fulfilment(request, pk))


@require_POST
@portal_view(fulfilment=True)
def order_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    fulfilment = _own_fulfilment(request, pk)
    if not once_claim(request):
        return redirect("frontend:portal:order_detail", pk=fulfilment.pk)
    try:
        fulfilment_confirm(actor=request_user(request), fulfilment=fulfilment)
    except ValidationError as exc:
        return _render_detail(request, _own_fulfilment(request, pk), confirm_errors=exc.messages, status=400)
    messages.success(request, _("Order confirmed. Ship it when it is packed."))
    return redirect("frontend:portal:order_detail", pk=fulfilment.pk)


@require_POST
@portal_view(fulfilment=True)
def order_ship(request: HttpRequest, pk: int) -> HttpResponse:
    fulfilment = _own_fulfilment(request, pk)
    form = ShipForm(request.POST)
    if form.is_valid():
        if not once_claim(request):
            return redirect("frontend:portal:order_detail", pk=fulfilment.pk)
        try:
            fulfilment_ship(
                actor=request_user(request), fulfilment=fulfilment,
                carrier=form.cleaned_data["carrier"].strip(),
                tracking_number=form.cleaned_data["tracking_number"].strip(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Marked as shipped. The buyer has been told."))
            return redirect("frontend:portal:order_detail", pk=fulfilment.pk)
    return _render_detail(request, _own_fulfilment(request, pk), ship_form=form, status=400)

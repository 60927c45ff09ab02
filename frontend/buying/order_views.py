"""The organization's orders: list, detail with the timeline and the member's actions,
and the printable order sheet. Every order is read through ``order_for_member``: another
organization's order is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from frontend.buying.access import apply_errors, buyer_view, member_order_or_404
from frontend.buying.forms import AcceptForm, InvoiceDetailsForm, OrderFilterForm, ReasonForm
from orders.models import Fulfilment, FulfilmentStatus, Order, OrderStatus, PaymentMethod
from orders.selectors.orders import orders_for_organization
from orders.selectors.uncovered import order_counted_in
from orders.services.fulfilment import fulfilment_accept
from orders.services.fulfilment import order_accept as order_accept_service
from orders.services.lifecycle import order_approve as order_approve_service
from orders.services.lifecycle import order_cancel as order_cancel_service
from orders.services.lifecycle import order_reject as order_reject_service
from shop.accounts.http import request_user
from shop.accounts.selectors import APPROVING_ROLES, membership_for

ORDERS_PER_PAGE = 20
S = OrderStatus
FS = FulfilmentStatus


@require_safe
@buyer_view
def order_list(request: HttpRequest) -> HttpResponse:
    return _order_list(request, approvals=False)


@require_safe
@buyer_view
def approval_queue(request: HttpRequest) -> HttpResponse:
    """待我审批: the organization's orders waiting for an approver (approvers only)."""
    if request.buyer.role not in APPROVING_ROLES:  # type: ignore[attr-defined]
        raise PermissionDenied
    return _order_list(request, approvals=True)


def _order_list(request: HttpRequest, *, approvals: bool) -> HttpResponse:
    form = OrderFilterForm(request.GET)
    filters: dict = {}
    code = 200
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    else:
        code = 400
    if approvals:
        filters["status"] = S.PENDING_APPROVAL
    status_filter = filters.get("status", "")
    organization = request.buyer.organization  # type: ignore[attr-defined]
    qs = orders_for_organization(organization=organization, **filters).prefetch_related(
        Prefetch("fulfilments", queryset=Fulfilment.objects.select_related("supplier").order_by("id"))
    )
    page = Paginator(qs, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "frontend/buying/orders.html",
        {
            "buyer": request.buyer, "form": form, "page": page, "orders": list(page.object_list),  # type: ignore[attr-defined]
            "page_range": list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
            "status_filter": status_filter, "filtered": bool(filters), "approvals": approvals,
        },
        status=code,
    )


def _actions(request: HttpRequest, order: Order, fulfilments: list[Fulfilment]) -> dict[str, object]:
    """What this member may do with the order now (the services check again)."""
    user = request.user
    membership = membership_for(user=user, organization_id=order.organization_id)
    role = membership.role if membership else None
    approver = role in APPROVING_ROLES
    shipped_any = any(f.status in (FS.SHIPPED, FS.ACCEPTED) for f in fulfilments)
    may_cancel = user.is_staff or approver or (membership is not None and order.placed_by_id == user.pk)
    return {
        "membership": membership,
        "can_approve": approver and order.status == S.PENDING_APPROVAL,
        "can_cancel": may_cancel and (
            order.status in (S.PENDING_APPROVAL, S.AWAITING_PAYMENT) or (order.status == S.PAID and not shipped_any)
        ),
        "can_pay": membership is not None and order.status == S.AWAITING_PAYMENT,
        "acceptable": [f for f in fulfilments if f.status == FS.SHIPPED] if membership is not None and order.status in (S.PAID, S.SHIPPED) else [],
    }


def _timeline(order: Order, fulfilments: list[Fulfilment]) -> list[dict[str, object]]:
    by_id = {f.pk: f for f in fulfilments}
    return [
        {"event": e, "supplier": by_id[e.fulfilment_id].supplier if e.fulfilment_id in by_id else None}
        for e in order.events.all()
    ]


def _render_detail(request: HttpRequest, order: Order, *, template: str = "frontend/buying/order_detail.html",
                   forms: dict[str, object] | None = None, status: int = 200) -> HttpResponse:
    fulfilments = list(order.fulfilments.all())
    actions = _actions(request, order, fulfilments)
    forms = forms or {}
    action_error = str(forms.get("error", ""))
    accept = forms.get("accept")
    accept_failed_pk = None
    if isinstance(accept, AcceptForm) and accept.errors:
        raw = str(accept.data.get("accept-fulfilment", ""))
        accept_failed_pk = int(raw) if raw.isdigit() and len(raw) < 10 else None
        if accept_failed_pk not in {f.pk for f in actions["acceptable"]}:  # type: ignore[attr-defined]
            action_error = " ".join(str(m) for errors in accept.errors.values() for m in errors)
    method = order.payment_method
    context = {
        "order": order,
        "fulfilments": fulfilments,
        "line_count": sum(len(f.lines.all()) for f in fulfilments),
        "timeline": _timeline(order, fulfilments),
        "reject_form": forms.get("reject") or ReasonForm(prefix="reject"),
        "cancel_form": forms.get("cancel") or ReasonForm(prefix="cancel"),
        "accept_form": forms.get("accept") or AcceptForm(prefix="accept"),
        "invoice_form": forms.get("invoice") or InvoiceDetailsForm.for_order(order),
        "invoice_editable": order.status != S.CANCELLED and not any(f.invoice_status == "issued" for f in fulfilments),
        "action_error": action_error,
        "accept_failed_pk": accept_failed_pk,
        "payment_method_label": PaymentMethod(method).label if method in PaymentMethod.values else method,
        # None: nothing recorded yet (not paid). One query.
        "counted_in": order_counted_in(order_ids=[order.pk]).get(order.pk) if order.paid_at else None,
        **actions,
    }
    return render(request, template, context, status=status)


@require_safe
@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, member_order_or_404(request, pk))


@require_safe
@login_required
def order_print(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, member_order_or_404(request, pk), template="frontend/buying/order_print.html")


def _refused(request: HttpRequest, order: Order, exc: ValidationError, form=None, name: str = "") -> HttpResponse:
    """The order page again with the service's message (400). The order is read again:
    the action may have changed nothing, but the page must show the order as it is now."""
    order = member_order_or_404(request, order.pk)
    forms: dict[str, object] = {}
    if form is not None and name:
        apply_errors(form, exc)
        forms[name] = form
        if not hasattr(exc, "error_dict"):
            forms["error"] = " ".join(exc.messages)
    else:
        forms["error"] = " ".join(exc.messages)
    return _render_detail(request, order, forms=forms, status=400)


@require_POST
@login_required
def order_approve(request: HttpRequest, pk: int) -> HttpResponse:
    order = member_order_or_404(request, pk)
    try:
        order_approve_service(actor=request_user(request), order=order)
    except ValidationError as exc:
        return _refused(request, order, exc)
    messages.success(request, _("Order approved. The purchaser can pay it now."))
    return redirect("frontend:order", pk=order.pk)


def _reason_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    order = member_order_or_404(request, pk)
    form = ReasonForm(request.POST, prefix=name)
    if not form.is_valid():
        return _render_detail(request, order, forms={name: form}, status=400)
    service = order_reject_service if name == "reject" else order_cancel_service
    try:
        service(actor=request_user(request), order=order, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _refused(request, order, exc, form, name)
    if name == "reject":
        messages.success(request, _("Order rejected; its stock is back on sale."))
    else:
        messages.success(request, _("Order cancelled."))
    return redirect("frontend:order", pk=order.pk)


@require_POST
@login_required
def order_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, "reject")


@require_POST
@login_required
def order_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(request, pk, "cancel")


@require_POST
@login_required
def order_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept delivery (验收) of one shipped part (``fulfilment``) or of every shipped part."""
    order = member_order_or_404(request, pk)
    form = AcceptForm(request.POST, prefix="accept")
    if not form.is_valid():
        return _render_detail(request, order, forms={"accept": form}, status=400)
    data = form.cleaned_data
    try:
        part = next((f for f in order.fulfilments.all() if str(f.pk) == data["fulfilment"]), None)
        if data["fulfilment"] and part is None:
            raise ValidationError(_("This part of the order does not exist."), code="not_found")
        if part is not None:
            fulfilment_accept(actor=request_user(request), fulfilment=part, rating=data["rating"], comment=data["comment"])
        else:
            order_accept_service(actor=request_user(request), order=order, rating=data["rating"], comment=data["comment"])
    except ValidationError as exc:
        return _refused(request, order, exc, form, "accept")
    messages.success(request, _("Delivery accepted. Thank you for your rating."))
    return redirect("frontend:order", pk=order.pk)

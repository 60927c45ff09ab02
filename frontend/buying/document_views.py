"""The order's PDF documents: 采购合同, 送货单 (per supplier part) and 验收单.

Readers and what they see come from ``document_scope``: the buyer organization's members
and staff get the whole order, a supplier only its own part; anyone else a 404. The PDF is
built on request (a few milliseconds) and sent as a download with the private-file headers.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from frontend.buying.access import apply_errors, member_order_or_404
from frontend.buying.forms import InvoiceDetailsForm
from frontend.buying.order_views import _render_detail as render_order_detail
from orders.documents.pdf import acceptance_pdf, contract_pdf, delivery_note_pdf
from orders.selectors.documents import DocumentScope, document_scope
from orders.services.invoices import order_invoice_update
from shop.accounts.http import request_user
from shop.common.serving import SANDBOX_POLICY, private_file_response


def _scope_or_404(request: HttpRequest, pk: int) -> DocumentScope:
    scope = document_scope(user=request.user, order_id=pk)
    if scope is None:
        raise Http404("No such order.")
    return scope


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request, pk)
    return _pdf(contract_pdf(scope), f"contract-{scope.order.number}.pdf")


@require_safe
@login_required
def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request, pk)
    return _pdf(acceptance_pdf(scope), f"acceptance-{scope.order.number}.pdf")


@require_safe
@login_required
def delivery_note(request: HttpRequest, pk: int, part: int) -> HttpResponse:
    scope = _scope_or_404(request, pk)
    found = next((f for f in scope.fulfilments if f.pk == part), None)
    if found is None:
        raise Http404("No such part of the order.")
    return _pdf(delivery_note_pdf(scope, found), f"delivery-note-{scope.order.number}-{found.pk}.pdf")


@require_safe
@login_required
def invoice(request: HttpRequest, pk: int, part: int) -> HttpResponseBase:
    """The supplier's electronic invoice for one part: the buyer, staff and that supplier."""
    scope = _scope_or_404(request, pk)
    found = next((f for f in scope.fulfilments if f.pk == part), None)
    if found is None or not found.invoice_file:
        raise Http404("No invoice.")
    return private_file_response(found.invoice_file, f"invoice-{scope.order.number}-{found.pk}")


@require_POST
@login_required
def invoice_details(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer changes the order's invoice details (until an invoice is issued)."""
    order = member_order_or_404(request, pk)
    form = InvoiceDetailsForm(request.POST, prefix="invoice")
    if form.is_valid():
        try:
            order_invoice_update(actor=request_user(request), order=order, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Invoice details saved."))
            return redirect("frontend:order", pk=order.pk)
    return render_order_detail(request, member_order_or_404(request, pk), forms={"invoice": form}, status=400)

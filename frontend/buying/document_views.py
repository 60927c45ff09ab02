"""The order's PDF documents: 采购合同, 送货单 (per supplier part) and 验收单.

Readers and what they see come from ``document_scope``: the buyer organization's members
and staff get the whole order, a supplier only its own part; anyone else a 404. Only then is
the rendering looked up in the cache (``orders.documents.cache``: keyed by kind, object and a
version that changes with the order and its parts) and drawn on a miss. Responses carry an
ETag (the version) and Last-Modified; a conditional GET that still matches gets a 304 with
no drawing. ``Cache-Control: private, no-cache``: the browser may keep the file but asks
again every time, so a reader who lost access gets a 404, not a stale copy.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.shortcuts import redirect
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from frontend.buying.access import apply_errors, member_order_or_404
from frontend.buying.forms import InvoiceDetailsForm
from frontend.buying.order_views import _render_detail as render_order_detail
from orders.documents.cache import (
    document_rendering,
    etag_of,
    not_modified,
    order_document_version,
)
from orders.documents.pdf import acceptance_pdf, contract_pdf, delivery_note_pdf
from orders.models import Fulfilment
from orders.selectors.documents import DocumentScope, document_scope
from orders.services.invoices import order_invoice_update
from shop.accounts.http import request_user
from shop.common.serving import SANDBOX_POLICY, private_file_response


def _scope_or_404(request: HttpRequest, pk: int) -> DocumentScope:
    scope = document_scope(user=request.user, order_id=pk)
    if scope is None:
        raise Http404("No such order.")
    return scope


def _validators(response: HttpResponse, etag: str, last_modified: datetime | None) -> HttpResponse:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


def document_response(
    request: HttpRequest, *, kind: str, object_id: int, version: str, render: Callable[[], bytes],
    filename: str, content_type: str = "application/pdf",
) -> HttpResponse:
    """A document download for a reader whose permission was already checked: 304 when the
    browser's copy is this version, else the cached rendering (drawn on a miss)."""
    etag = etag_of(version, kind=kind)
    if get_conditional_response(request, etag=etag) is not None:  # If-None-Match: no cache read
        not_modified(kind=kind)
        return _validators(HttpResponseNotModified(), etag, None)
    rendering = document_rendering(kind=kind, object_id=object_id, version=version, render=render)
    seconds = int(rendering.last_modified.timestamp())  # stored in whole seconds
    if get_conditional_response(request, etag=etag, last_modified=seconds) is not None:
        not_modified(kind=kind)
        return _validators(HttpResponseNotModified(), etag, rendering.last_modified)
    response = HttpResponse(rendering.content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = SANDBOX_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return _validators(response, etag, rendering.last_modified)


def _order_document(request: HttpRequest, scope: DocumentScope, kind: str, render: Callable[[], bytes],
                    filename: str, part: Fulfilment | None = None) -> HttpResponse:
    version = order_document_version(kind=kind, scope=scope, part=part)
    object_id = part.pk if part is not None else scope.order.pk
    return document_response(request, kind=kind, object_id=object_id, version=version, render=render,
                             filename=filename)


@require_safe
@login_required
def contract(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request, pk)
    return _order_document(request, scope, "contract", lambda: contract_pdf(scope),
                           f"contract-{scope.order.number}.pdf")


@require_safe
@login_required
def acceptance(request: HttpRequest, pk: int) -> HttpResponse:
    scope = _scope_or_404(request, pk)
    return _order_document(request, scope, "acceptance", lambda: acceptance_pdf(scope),
                           f"acceptance-{scope.order.number}.pdf")


@require_safe
@login_required
def delivery_note(request: HttpRequest, pk: int, part: int) -> HttpResponse:
    scope = _scope_or_404(request, pk)
    found = next((f for f in scope.fulfilments if f.pk == part), None)
    if found is None:
        raise Http404("No such part of the order.")
    return _order_document(request, scope, "delivery_note", lambda: delivery_note_pdf(scope, found),
                           f"delivery-note-{scope.order.number}-{found.pk}.pdf", part=found)


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

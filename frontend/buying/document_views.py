"""The order's PDF documents: 采购合同, 送货单 (per supplier part) and 验收单.

Readers and what they see come from ``document_scope``: the buyer organization's members
and staff get the whole order, a supplier only its own part; anyone else a 404. The PDF is
built on request (a few milliseconds) and sent as a download with the private-file headers.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from orders.documents.pdf import acceptance_pdf, contract_pdf, delivery_note_pdf
from orders.selectors.documents import DocumentScope, document_scope
from shop.common.serving import SANDBOX_POLICY


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

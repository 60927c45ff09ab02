"""Supplier portal: 结算 (settlement). The supplier's balances, its statements (never
another supplier's: ids are looked up through the member's supplier, else 404), XLSX and
PDF downloads, and confirm/object, which call the settlement services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from frontend.buying.document_views import document_response
from frontend.portal.access import portal_view
from orders.documents.cache import statement_document_version
from orders.selectors.settlement import (
    statement_for_supplier,
    statements_for_supplier,
    supplier_balance,
)
from orders.services.settlement import statement_confirm, statement_object
from orders.settlement_documents import statement_pdf, statement_xlsx
from shop.accounts.http import request_user

STATEMENTS_SHOWN = 36


@require_safe
@portal_view
def settlement(request: HttpRequest) -> HttpResponse:
    supplier = request.portal.supplier  # type: ignore[attr-defined]
    return render(request, "frontend/portal/settlement.html", {
        "portal": request.portal, "here": "settlement",  # type: ignore[attr-defined]
        "balance": supplier_balance(supplier_id=supplier.pk),
        "statements": list(statements_for_supplier(supplier_id=supplier.pk)[:STATEMENTS_SHOWN]),
    })


def _own(request: HttpRequest, pk: int):
    statement = statement_for_supplier(supplier_id=request.portal.supplier.pk, pk=pk)  # type: ignore[attr-defined]
    if statement is None:
        raise Http404
    return statement


@require_safe
@portal_view
def settlement_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    statement = _own(request, pk)
    statement = type(statement).objects.select_related("supplier").prefetch_related("lines").get(pk=statement.pk)
    if fmt == "xlsx":
        draw, ctype = statement_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        draw, ctype = statement_pdf, "application/pdf"
    else:
        raise Http404
    kind = f"statement_{fmt}"
    return document_response(
        request, kind=kind, object_id=statement.pk,
        version=statement_document_version(kind=kind, statement=statement),
        render=lambda: draw(statement), filename=f"{statement.number}.{fmt}", content_type=ctype,
    )


@require_POST
@portal_view(fulfilment=True)
def settlement_answer(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _own(request, pk)
    try:
        if request.POST.get("answer") == "object":
            statement_object(actor=request_user(request), statement_id=statement.pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("Your objection was sent to the platform."))
        else:
            statement_confirm(actor=request_user(request), statement_id=statement.pk)
            messages.success(request, _("Statement confirmed."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:portal:settlement")
    return redirect("frontend:portal:settlement")

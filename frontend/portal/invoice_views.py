"""The supplier uploads the electronic invoice (PDF) for its part of an order."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.portal.access import portal_view
from frontend.portal.order_views import _own_fulfilment, _render_detail
from orders.services.invoices import fulfilment_invoice_upload
from shop.accounts.http import request_user


@require_POST
@portal_view(fulfilment=True)
def invoice_upload(request: HttpRequest, pk: int) -> HttpResponse:
    fulfilment = _own_fulfilment(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _render_detail(request, fulfilment, invoice_errors=[_("Choose the PDF file of the invoice.")], status=400)
    try:
        fulfilment_invoice_upload(actor=request_user(request), fulfilment=fulfilment, upload=upload)
    except ValidationError as exc:
        return _render_detail(request, _own_fulfilment(request, pk), invoice_errors=exc.messages, status=400)
    messages.success(request, _("Invoice uploaded. The buyer can download it now."))
    return redirect("frontend:portal:order_detail", pk=fulfilment.pk)

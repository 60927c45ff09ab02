"""Serving a supplier's documents (business licence, certificates) to those allowed only:
staff, the county's coordinators and the supplier's own members.

The files are stored under random names and linked only from here; an anonymous visitor
is sent to the login page and anybody else gets a 404 (the document's existence is not
revealed).
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.views.decorators.http import require_safe

from shop.common.serving import private_file_response
from suppliers.models import Certification, Supplier
from suppliers.selectors import can_read_supplier_documents


@require_safe
def supplier_licence(request: HttpRequest, pk: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    supplier = Supplier.objects.filter(pk=pk).only("pk", "county_id", "license_document").first()
    if supplier is None or not can_read_supplier_documents(user=request.user, supplier=supplier):
        raise Http404
    return private_file_response(supplier.license_document, f"licence-{supplier.pk}")


@require_safe
def certification_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cert = Certification.objects.select_related("supplier").filter(pk=pk).first()
    if cert is None or not can_read_supplier_documents(user=request.user, supplier=cert.supplier):
        raise Http404
    return private_file_response(cert.document, f"certificate-{cert.pk}")

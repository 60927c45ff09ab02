"""Serving a supplier's documents (business licence, certificates) to those allowed only:
staff, the county's coordinators and the supplier's own members.

The files are stored under random names and linked only from here; an anonymous visitor
is sent to the login page and anybody else gets a 404 (the document's existence is not
revealed).
"""

from django.contrib.auth.views import redirect_to_login
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from shop.common.documents import content_type_for
from suppliers.models import Certification, Supplier
from suppliers.selectors import can_read_supplier_documents


def _serve(file: FieldFile, download_name: str) -> FileResponse:
    if not file or not file.storage.exists(file.name):
        raise Http404
    extension = "." + file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    response = FileResponse(
        file.storage.open(file.name, "rb"), content_type=content_type_for(file.name),
        as_attachment=False, filename=f"{download_name}{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if response["Content-Type"].startswith("image/"):
        # Images were re-encoded on upload; PDFs are kept as sent, and a CSP would stop
        # the browser's PDF viewer, so they rely on nosniff and the exact content type.
        response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_safe
def supplier_licence(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    supplier = Supplier.objects.filter(pk=pk).only("pk", "county_id", "license_document").first()
    if supplier is None or not can_read_supplier_documents(user=request.user, supplier=supplier):
        raise Http404
    return _serve(supplier.license_document, f"licence-{supplier.pk}")


@require_safe
def certification_document(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    cert = Certification.objects.select_related("supplier").filter(pk=pk).first()
    if cert is None or not can_read_supplier_documents(user=request.user, supplier=cert.supplier):
        raise Http404
    return _serve(cert.document, f"certificate-{cert.pk}")

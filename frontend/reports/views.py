"""/reports/: staff export everything; an organization's administrator exports only that
organization's entries and breakdown. Small exports are answered at once; large ones
(more than ``orders.services.reports.DIRECT_EXPORT_MAX_ROWS`` rows) are prepared by a Celery task and downloaded
from /reports/<id>/download/ by their requester only (404 for anybody else)."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from frontend.account.acting import acting_membership
from frontend.reports.forms import ReportForm
from orders.models import Campaign, ReportExportStatus
from orders.reports import report_row_estimate
from orders.reports.build import CONTENT_TYPES
from orders.selectors.reports import (
    report_export_for_requester,
    report_exports_for,
    report_organizations_for,
    report_params_clean,
)
from orders.services.reports import (
    report_direct_export_max_rows,
    report_export_build,
    report_export_create,
)
from shop.accounts.http import request_user
from shop.accounts.models import BuyerOrganization
from shop.common.serving import private_file_response


def _scope(request: HttpRequest) -> BuyerOrganization | None:
    """None for staff (everything); else the administered organization the user acts for
    (or the first one). Anybody else: 403."""
    if request.user.is_staff:
        return None
    organizations = report_organizations_for(user=request.user)
    if not organizations:
        raise PermissionDenied
    acting = acting_membership(request)
    for organization in organizations:
        if acting is not None and organization.pk == acting.organization_id:
            return organization
    return organizations[0]


def _attachment(content: bytes, *, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reports_home(request: HttpRequest) -> HttpResponse:
    organization = _scope(request)
    campaigns = list(Campaign.objects.order_by("-start_date", "-id"))
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, campaigns=campaigns)
        form.is_valid()
        data = form.cleaned_data
        try:
            campaign, params = report_params_clean(
                campaign=data.get("campaign"), period_type=data.get("period_type"), month=data.get("month"),
                start=data.get("start"), end=data.get("end"), table=data.get("table"), fmt=data.get("fmt"),
                language=data.get("language") or translation.get_language(),
            )
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            status = 400
        else:
            rows = report_row_estimate(campaign=campaign, params=params, organization=organization)
            large = rows > report_direct_export_max_rows()
            created = report_export_create(
                user=request_user(request), campaign=campaign, params=params, organization=organization, queue=large
            )
            if large:
                messages.info(request, _("The report has %(rows)s rows: it is being prepared. Download it below when it is ready.") % {"rows": rows})
                return redirect("frontend:reports_home")
            export = report_export_build(export_id=created.pk)
            if export is None or export.status != ReportExportStatus.DONE:
                messages.error(request, _("The report could not be prepared. Please try again."))
                return redirect("frontend:reports_home")
            with export.file.open("rb") as handle:
                content = handle.read()
            return _attachment(content, file_name=export.file_name, content_type=CONTENT_TYPES[export.params["fmt"]])
    else:
        lang = "en" if (translation.get_language() or "").startswith("en") else "zh-hans"
        form = ReportForm(campaigns=campaigns, initial={"language": lang})
    exports = report_exports_for(user=request_user(request))
    return render(request, "frontend/reports/home.html", {
        "form": form, "organization": organization, "exports": exports,
        "preparing": any(e.status in (ReportExportStatus.PENDING, ReportExportStatus.RUNNING) for e in exports),
        "max_rows": report_direct_export_max_rows(),
    }, status=status)


@login_required
def reports_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    export = report_export_for_requester(user=request_user(request), export_id=pk)
    if export is None:
        raise Http404
    if export.status != ReportExportStatus.DONE or not export.file:
        messages.info(request, _("This report is not ready yet."))
        return redirect("frontend:reports_home")
    return private_file_response(
        export.file, export.file_name,
        content_type=mimetypes.guess_type(export.file_name)[0] or "application/octet-stream",
    )

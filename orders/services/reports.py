"""Report exports: small ones are built in the request, large ones by a Celery task.

Every export is recorded as a ``ReportExport`` (who asked, for which organization, the
parameters, the file), so the requester finds it again on /reports/ and nobody else can
download it."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from orders.errors import OrderErrorCode
from orders.models import Campaign, ReportExport, ReportExportStatus
from orders.reports import report_build
from orders.reports.build import report_title
from orders.selectors.reports import ReportParams, report_may_export
from shop.accounts.models import BuyerOrganization, User
from shop.common.outbox import enqueue_on_commit

logger = logging.getLogger(__name__)
E = OrderErrorCode
# Above this many rows an export runs as a Celery task and is downloaded when ready.
DIRECT_EXPORT_MAX_ROWS = 5_000


def report_direct_export_max_rows() -> int:
    """The largest export built in the request (read when called, so tests may lower it)."""
    return DIRECT_EXPORT_MAX_ROWS


def report_export_create(
    *, user: User, campaign: Campaign, params: ReportParams, organization: BuyerOrganization | None,
    queue: bool,
) -> ReportExport:
    """Record an export. ``queue``: build it in a Celery task once the row is committed
    (the task takes the id); otherwise the caller builds it now with ``report_export_build``."""
    if not report_may_export(user=user, organization=organization):
        raise ValidationError({"organization": ValidationError(
            _("You may not export this organization's reports."), code=E.PERMISSION_DENIED.value)})
    with transaction.atomic():
        export = ReportExport.objects.create(
            requested_by=user, organization=organization, params=params.to_json(),
            title=report_title(campaign=campaign, params=params, organization=organization)[:200],
        )
        if queue:
            enqueue_on_commit("orders.report_tasks.report_export_run", export.pk)
    return export


def report_export_build(*, export_id: int) -> ReportExport | None:
    """Build the export's file. Idempotent: an export that is already done is returned as
    it is (a retried task does nothing). The row is claimed with a conditional UPDATE, so
    the file is built outside any transaction; a failure marks the export failed with the
    reason and is not raised (the page shows it; nothing is half-written)."""
    export = ReportExport.objects.filter(pk=export_id).select_related("organization").first()
    if export is None or export.status == ReportExportStatus.DONE:
        return export
    ReportExport.objects.filter(pk=export_id).exclude(status=ReportExportStatus.DONE).update(
        status=ReportExportStatus.RUNNING, error="")
    try:
        params = ReportParams.from_json(export.params)
        campaign = Campaign.objects.get(pk=params.campaign_id)
        built = report_build(campaign=campaign, params=params, organization=export.organization)
    except Exception as exc:  # a broken export must not break the worker or the page
        logger.exception("report export %s failed", export_id)
        ReportExport.objects.filter(pk=export_id).exclude(status=ReportExportStatus.DONE).update(
            status=ReportExportStatus.FAILED, error=str(exc)[:1000], finished_at=timezone.now())
        export.refresh_from_db()
        return export
    with transaction.atomic():
        locked = ReportExport.objects.select_for_update().get(pk=export_id)
        if locked.status == ReportExportStatus.DONE:  # another worker finished first
            return locked
        stored = f"{get_random_string(24)}.{params.fmt}"  # unguessable: media may be public
        locked.file.save(stored, ContentFile(built.content), save=False)
        locked.file_name = built.file_name
        locked.rows = built.rows
        locked.status = ReportExportStatus.DONE
        locked.finished_at = timezone.now()
        locked.save(update_fields=["file", "file_name", "rows", "status", "finished_at"])
    return locked

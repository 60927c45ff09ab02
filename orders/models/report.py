"""Report exports (XLSX/CSV) of the ledger and its breakdowns.

Every export is recorded: small ones are built in the request, large ones by a Celery task
(``orders.report_tasks.report_export_run``). The file is downloaded only by its requester."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shop.common.storage import private_storage


class ReportExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Preparing")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class ReportExport(models.Model):
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE,
        related_name="report_exports",
    )
    # The scope: an organization admin's export covers only that organization; null = staff (everything).
    organization = models.ForeignKey(
        "accounts.BuyerOrganization", verbose_name=_("organization"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="report_exports",
    )
    params = models.JSONField(_("parameters"), default=dict)
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportExportStatus.choices,
        default=ReportExportStatus.PENDING, db_index=True,
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True, storage=private_storage)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    rows = models.IntegerField(_("rows"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["requested_by", "-created_at"], name="report_export_user_idx")]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

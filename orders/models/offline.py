"""Purchases made outside the shop (fairs, counters, the ¥10,900,000 bought before the
platform). Maker–checker: one staff member records, a second approves before it counts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.ledger import FundingChannel
from shop.common.money import format_yuan
from shop.common.storage import private_storage


class OfflineRecordStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second staff member")
    APPROVED = "approved", _("Approved: counted")
    REJECTED = "rejected", _("Rejected: not counted")


class OfflineRecord(models.Model):
    campaign = models.ForeignKey(
        "orders.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="offline_records"
    )
    organization = models.ForeignKey(
        "accounts.BuyerOrganization", verbose_name=_("buyer organization"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="offline_records",
    )
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "county"},
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier (if known)"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="offline_records",
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    occurred_on = models.DateField(_("date of purchase"))
    funding_channel = models.CharField(
        _("funding channel"), max_length=16, choices=FundingChannel.choices, default=FundingChannel.OTHER
    )
    description = models.CharField(_("description"), max_length=255)
    status = models.CharField(
        _("status"), max_length=16, choices=OfflineRecordStatus.choices,
        default=OfflineRecordStatus.PENDING, db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("offline purchase record")
        verbose_name_plural = _("offline purchase records")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="offline_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.description} {format_yuan(self.amount_fen)}"


class OfflineEvidence(models.Model):
    record = models.ForeignKey(
        OfflineRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to="offline-evidence/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("original name"), max_length=255, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name or self.file.name or ""

"""Staff screens for offline purchase records (maker–checker).

- the list: status, campaign, county, amount in yuan, maker, checker and the number of
  evidence files, in a constant number of queries;
- the add page: one staff member records a purchase with its evidence; every field is
  validated by ``offline_record_create`` (the form only collects the input, so all problems
  are reported at once, as a 400 page);
- the record page is read-only: the evidence (served by a staff-only view, media is not
  public), and "Approve" / "Reject with reason" buttons that call ``offline_record_approve``
  / ``offline_record_reject``. The maker is told that a second staff member must approve;
  amounts are never edited after creation and records are never deleted (a wrong record is
  rejected and entered again).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminDateWidget, AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orders.admin_forms import add_service_errors
from orders.models import FundingChannel, OfflineEvidence, OfflineRecord, OfflineRecordStatus
from orders.services.offline import (
    offline_record_approve,
    offline_record_create,
    offline_record_reject,
)
from shop.accounts.http import request_user
from shop.accounts.models import BuyerOrganization
from shop.common.money import format_yuan
from shop.common.serving import private_file_response
from shop.regions.models import Region
from suppliers.models import Supplier

MAX_EVIDENCE_FILES = 10
RECORD_TEMPLATE = "admin/orders/offline_record.html"
FORM_TEMPLATE = "admin/orders/offline_form.html"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files; their content is checked by the service (``normalize_document``)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list:
        files = [f for f in (data if isinstance(data, (list, tuple)) else [data]) if f]
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > MAX_EVIDENCE_FILES:
            raise ValidationError(
                _("Attach at most %(n)s files.") % {"n": MAX_EVIDENCE_FILES}, code="too_many_files"
            )
        return files


class OfflineRecordForm(forms.Form):
    """Plain text fields for what the service validates, so that every problem (amount,
    date, county, campaign…) is reported at once by the service."""

    county = forms.CharField(label=gettext_lazy("County"), required=False)
    amount = forms.CharField(
        label=gettext_lazy("Amount (CNY)"), required=False, max_length=40,
        help_text=gettext_lazy("In yuan, e.g. 1234.50."),
    )
    occurred_on = forms.CharField(
        label=gettext_lazy("Date of purchase"), required=False, max_length=10, widget=AdminDateWidget,
        help_text=gettext_lazy("The date decides the campaign it counts toward."),
    )
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Buyer organization"), required=False, queryset=BuyerOrganization.objects.all(),
    )
    supplier = forms.ModelChoiceField(
        label=gettext_lazy("Supplier (if known)"), required=False, queryset=Supplier.objects.all(),
    )
    funding_channel = forms.CharField(
        label=gettext_lazy("Funding channel"), required=False, initial=FundingChannel.OTHER,
        widget=forms.Select(choices=FundingChannel.choices),
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), required=False, max_length=1000,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=gettext_lazy("E.g. the fair or counter and what was bought."),
    )
    evidence = EvidenceField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy("Receipts, invoices or lists: PDF files or JPEG, PNG or WebP images; several allowed."),
        error_messages={"required": gettext_lazy("Attach at least one file as evidence.")},
    )

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level="county").order_by("code").values_list("code", "name")
        self.fields["county"].widget = forms.Select(choices=[("", "---------"), *counties])
        for name in ("organization", "supplier"):
            model_field = OfflineRecord._meta.get_field(name)
            field = self.fields[name]
            field.widget = AutocompleteSelect(model_field, admin_site)
            field.widget.choices = field.choices  # type: ignore[attr-defined]  # a ChoiceField
        self.fields["occurred_on"].initial = timezone.localdate().isoformat()


def _record_url(site: admin.AdminSite, name: str, *args: Any) -> str:
    return reverse(f"admin:orders_offlinerecord_{name}", args=args, current_app=site.name)


@admin.register(OfflineRecord)
class OfflineRecordAdmin(admin.ModelAdmin):
    list_display = (
        "id", "occurred_on", "description", "campaign", "county", "organization", "amount", "status",
        "created_by", "reviewed_by", "evidence_count",
    )
    list_display_links = ("id", "description")
    list_filter = (
        "status", "campaign", ("county", admin.RelatedOnlyFieldListFilter), "funding_channel",
    )
    list_select_related = ("campaign", "county", "organization", "created_by", "reviewed_by")
    search_fields = ("description", "organization__name", "supplier__legal_name")
    date_hierarchy = "occurred_on"
    ordering = ("-id",)
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[OfflineRecord]:
        return super().get_queryset(request).annotate(evidence_total=Count("evidence"))

    @admin.display(description=gettext_lazy("amount"), ordering="amount_fen")
    def amount(self, obj: OfflineRecord) -> str:
        return format_yuan(obj.amount_fen)

    @admin.display(description=gettext_lazy("evidence files"), ordering="evidence_total")
    def evidence_count(self, obj: OfflineRecord) -> int:
        return obj.evidence_total  # type: ignore[attr-defined]  # get_queryset() annotates it

    def has_delete_permission(self, request: HttpRequest, obj: OfflineRecord | None = None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/approve/", wrap(require_POST(self.approve_view)), name="orders_offlinerecord_approve"),
            path("<path:object_id>/reject/", wrap(require_POST(self.reject_view)), name="orders_offlinerecord_reject"),
            path(
                "<path:object_id>/evidence/<int:evidence_id>/", wrap(self.evidence_view),
                name="orders_offlinerecord_evidence",
            ),
            *super().get_urls(),
        ]

    # --- adding (the maker's step) ------------------------------------------------------

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        bound = request.method == "POST"
        form = OfflineRecordForm(
            request.POST if bound else None, request.FILES if bound else None, admin_site=self.admin_site,
        )
        if bound:
            form.is_valid()
            data = form.cleaned_data
            complete = not form.errors
            try:
                # With other problems on the form, the service still reports its own field
                # errors, but gets an empty stand-in for the files, which it always refuses:
                # nothing is written until the whole form is right.
                record = offline_record_create(
                    actor=request_user(request), county_code=data.get("county", ""), amount=data.get("amount", ""),
                    occurred_on=data.get("occurred_on", ""), description=data.get("description", ""),
                    organization_id=getattr(data.get("organization"), "pk", None),
                    supplier_id=getattr(data.get("supplier"), "pk", None),
                    funding_channel=data.get("funding_channel") or "",
                    evidence=data["evidence"] if complete else [ContentFile(b"", name="")],
                )
            except ValidationError as exc:
                if not complete and hasattr(exc, "error_dict"):
                    exc = ValidationError({k: v for k, v in exc.error_dict.items() if k != "evidence"})
                add_service_errors(form, exc)
            else:
                self.log_addition(request, record, [{"added": {}}])
                self.message_user(request, _(
                    "Offline record %(id)s saved (%(amount)s). It counts only after a second staff "
                    "member approves it."
                ) % {"id": record.pk, "amount": format_yuan(record.amount_fen)}, messages.SUCCESS)
                return HttpResponseRedirect(_record_url(self.admin_site, "change", record.pk))
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "form": form,
            "title": _("Record an offline purchase"), "media": self.media + form.media,
            "cancel_url": _record_url(self.admin_site, "changelist"),
        }
        return TemplateResponse(request, FORM_TEMPLATE, context, status=400 if bound else 200)

    # --- the read-only record page and the checker's step ----------------------------------

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None,
    ) -> HttpResponse:
        if request.method != "GET":
            return HttpResponse(status=405, headers={"Allow": "GET"})
        record = self._record(request, object_id)
        return self._record_page(request, record)

    def _record(self, request: HttpRequest, object_id: str) -> OfflineRecord:
        record = (
            self.get_queryset(request)  # type: ignore[misc]  # None matches no record
            .select_related("campaign", "county", "organization", "supplier", "created_by", "reviewed_by")
            .filter(pk=_int(unquote(object_id))).first()
        )
        if record is None:
            raise Http404
        if not self.has_view_or_change_permission(request, record):
            raise PermissionDenied
        return record

    def _record_page(
        self, request: HttpRequest, record: OfflineRecord, *, status: int = 200,
        error: str = "", reason_error: str = "", reason: str = "",
    ) -> TemplateResponse:
        evidence = [
            (item, _record_url(self.admin_site, "evidence", record.pk, item.pk))
            for item in record.evidence.order_by("pk")
        ]
        pending = record.status == OfflineRecordStatus.PENDING
        can_review = pending and self.has_change_permission(request, record)
        entry = getattr(record, "ledger_entry", None) if record.status == OfflineRecordStatus.APPROVED else None
        context = {
            **self.admin_site.each_context(request), "opts": self.opts, "original": record,
            "title": _("Offline purchase record %(id)s") % {"id": record.pk},
            "summary": [
                (_("Status"), record.get_status_display()),
                (_("Campaign"), record.campaign),
                (_("County"), record.county.name),
                (_("Buyer organization"), record.organization or "-"),
                (_("Supplier"), record.supplier or "-"),
                (_("Amount"), format_yuan(record.amount_fen)),
                (_("Date of purchase"), record.occurred_on.isoformat()),
                (_("Funding channel"), record.get_funding_channel_display()),
                (_("Description"), record.description),
                (_("Recorded by"), _person(record.created_by)),
                (_("Recorded at"), timezone.localtime(record.created_at).strftime("%Y-%m-%d %H:%M")),
                (_("Reviewed by"), _person(record.reviewed_by)),
                (_("Reviewed at"), timezone.localtime(record.reviewed_at).strftime("%Y-%m-%d %H:%M")
                 if record.reviewed_at else "-"),
                *([(_("Reason"), record.review_reason)] if record.review_reason else []),
                *([(_("Ledger entry"), format_html(
                    '<a href="{}">#{}</a>',
                    reverse("admin:orders_ledgerentry_change", args=[entry.pk], current_app=self.admin_site.name),
                    entry.seq or entry.pk,
                ))] if entry else []),
            ],
            "evidence": evidence,
            "pending": pending,
            "can_review": can_review,
            "is_maker": pending and record.created_by_id == request.user.pk,
            "approve_url": _record_url(self.admin_site, "approve", record.pk),
            "reject_url": _record_url(self.admin_site, "reject", record.pk),
            "changelist_url": _record_url(self.admin_site, "changelist"),
            "error": error, "reason_error": reason_error, "reason": reason,
        }
        return TemplateResponse(request, RECORD_TEMPLATE, context, status=status)

    def _review(self, request: HttpRequest, object_id: str) -> OfflineRecord:
        record = self._record(request, object_id)
        if not self.has_change_permission(request, record):
            raise PermissionDenied
        return record

    def approve_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self._review(request, object_id)
        try:
            approved = offline_record_approve(actor=request_user(request), record=record)
        except ValidationError as exc:
            return self._record_page(request, record, status=400, error=" ".join(exc.messages))
        self.log_change(request, approved, _("Approved"))
        self.message_user(request, _("Record %(id)s approved: %(amount)s now counts toward the campaign.") % {
            "id": approved.pk, "amount": format_yuan(approved.amount_fen),
        }, messages.SUCCESS)
        return HttpResponseRedirect(_record_url(self.admin_site, "change", record.pk))

    def reject_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        record = self._review(request, object_id)
        reason = request.POST.get("reason", "")
        try:
            rejected = offline_record_reject(actor=request_user(request), record=record, reason=reason)
        except ValidationError as exc:
            field = exc.error_dict.get("reason") if hasattr(exc, "error_dict") else None
            message = " ".join(m for e in field for m in e.messages) if field else ""
            return self._record_page(
                request, record, status=400, reason=reason[:255],
                reason_error=message, error="" if field else " ".join(exc.messages),
            )
        self.log_change(request, rejected, _("Rejected: %(reason)s") % {"reason": rejected.review_reason})
        self.message_user(request, _("Record %(id)s rejected; it will never count.") % {"id": rejected.pk},
                          messages.WARNING)
        return HttpResponseRedirect(_record_url(self.admin_site, "change", record.pk))

    def evidence_view(self, request: HttpRequest, object_id: str, evidence_id: int) -> HttpResponseBase:
        """Staff only (``admin_view`` sends anybody else to the login page): media is not
        public in production, and evidence files are only linked from here."""
        record = self._record(request, object_id)
        item = OfflineEvidence.objects.filter(pk=evidence_id, record=record).first()
        if item is None:
            raise Http404
        return private_file_response(item.file, f"evidence-{record.pk}-{item.pk}")


def _int(value: str) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def _person(user: Any) -> str:
    if user is None:
        return "-"
    return getattr(user, "display_name", "") or user.get_username()

"""Staff screens for campaigns and the procurement ledger (the tally)."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.admin_takeover import CampaignTakeoverMixin, uncovered_message
from orders.models import Campaign, LedgerEntry, OfflineRecord
from shop.common.money import fen_to_yuan, format_yuan, yuan_to_fen
from shop.regions.models import Region


class CampaignForm(forms.ModelForm):
    """Staff enter the target in yuan; the model stores integer fen."""

    target_yuan = forms.DecimalField(
        label=gettext_lazy("target (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=gettext_lazy("In yuan, e.g. 30000000 for ¥30,000,000."),
    )

    class Meta:
        model = Campaign
        fields = ("name", "slug", "description", "target_yuan", "start_date", "end_date", "counties", "is_active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["target_yuan"] = fen_to_yuan(self.instance.target_fen)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what super().clean() returned (typed Optional)
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must not be before the start date."))
        elif start and end and cleaned.get("counties") is not None:
            self._check_overlap(start, end, cleaned["counties"])
            if self.instance.pk:
                self._check_counted(start, end, cleaned["counties"])
        target = cleaned.get("target_yuan")
        if target is not None:
            self.instance.target_fen = yuan_to_fen(target)
        return cleaned

    def _check_overlap(self, start: date, end: date, counties: Any) -> None:
        """A purchase belongs to the campaign covering its date and county: two campaigns
        covering the same county on the same day would make that ambiguous."""
        other = (
            Campaign.objects.filter(start_date__lte=end, end_date__gte=start, counties__in=counties)
            .exclude(pk=self.instance.pk).order_by("start_date").first()
        )
        if other is not None:
            self.add_error("counties", _(
                "Campaign “%(name)s” (%(start)s to %(end)s) already covers one of these counties in this period."
            ) % {"name": other.name, "start": other.start_date, "end": other.end_date})

    def _check_counted(self, start: date, end: date, counties: Any) -> None:
        """Amounts already counted (or recorded offline) must stay inside the campaign: its
        dates and counties can grow but not drop them."""
        campaign = self.instance
        span = LedgerEntry.objects.filter(campaign=campaign).aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
        offline = OfflineRecord.objects.filter(campaign=campaign).aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
        days = [timezone.localdate(v) for v in (span["first"], span["last"]) if v]
        days += [v for v in (offline["first"], offline["last"]) if v]
        if days and start > min(days):
            self.add_error("start_date", _(
                "Purchases from %(date)s already count toward this campaign; the start date cannot be later."
            ) % {"date": min(days)})
        if days and end < max(days):
            self.add_error("end_date", _(
                "Purchases from %(date)s already count toward this campaign; the end date cannot be earlier."
            ) % {"date": max(days)})
        kept = {c.pk for c in counties}
        used = set(LedgerEntry.objects.filter(campaign=campaign).values_list("county_id", flat=True).distinct())
        used |= set(OfflineRecord.objects.filter(campaign=campaign).values_list("county_id", flat=True).distinct())
        dropped = Region.objects.filter(pk__in=used - kept).order_by("pk").values_list("name", flat=True)
        if dropped:
            self.add_error("counties", _(
                "Purchases in %(counties)s already count toward this campaign; keep these counties."
            ) % {"counties": "、".join(dropped)})


@admin.register(Campaign)
class CampaignAdmin(CampaignTakeoverMixin, admin.ModelAdmin):  # type: ignore[misc]  # list vs sequence of actions
    form = CampaignForm
    list_display = ("name", "target", "start_date", "end_date", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("counties",)
    fields = ("name", "slug", "description", "target_yuan", "start_date", "end_date", "counties", "is_active")

    @admin.display(description=gettext_lazy("target"), ordering="target_fen")
    def target(self, obj: Campaign) -> str:
        return format_yuan(obj.target_fen)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """Append-only: entries are written by the order, refund and offline-record services
    and corrected only by a new entry, so staff may look but not add, change or delete."""

    list_display = (
        "id", "occurred_at", "campaign", "kind", "amount", "county", "organization", "supplier",
        "buyer_type", "funding_channel",
    )
    list_filter = (
        "campaign", "kind", ("county", admin.RelatedOnlyFieldListFilter), "buyer_type",
        "funding_channel", ("organization", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("campaign", "county", "organization", "supplier")
    search_fields = ("note", "organization__name", "supplier__legal_name", "supplier__short_name")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "-id")

    @admin.display(description=gettext_lazy("amount"), ordering="amount_fen")
    def amount(self, obj: LedgerEntry) -> str:
        return format_yuan(obj.amount_fen)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        notice = uncovered_message() if request.method == "GET" else ""
        if notice:
            self.message_user(request, notice, messages.WARNING)
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: LedgerEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: LedgerEntry | None = None) -> bool:
        return False


# Orders, payments, bank receipts and refunds live in their own modules; importing them
# registers their screens.
from orders import admin_invoices, admin_offline, admin_orders, admin_payments, admin_settlement  # noqa: E402, F401

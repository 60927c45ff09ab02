"""The campaign's staff action "take over the payments outside every campaign": a
confirmation page showing what would move, then ``campaign_take_over_uncovered`` (which
appends compensating entry pairs and an audit event). Mixed into ``CampaignAdmin``."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orders.models import Campaign
from orders.selectors.uncovered import uncovered_summary
from orders.services.takeover import campaign_take_over_uncovered, takeover_preview
from shop.accounts.http import request_user
from shop.common.money import format_yuan

PERMISSION = "orders.change_campaign"


class TakeoverForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=255,
        help_text=gettext_lazy("Kept in the audit trail, e.g. “2021 campaign created after the new year's first orders”."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I have checked the dates and counties: count these payments in this campaign"),
    )


def uncovered_message() -> str:
    uncovered = uncovered_summary()
    if not uncovered:
        return ""
    return _("%(amount)s in %(n)s payments outside every campaign (recorded, counted in no tally).") % {
        "amount": format_yuan(uncovered.amount_fen), "n": uncovered.payments,
    }


class CampaignTakeoverMixin:
    """Admin URLs, change-form link, changelist action and notice for the takeover."""

    actions = ["take_over_uncovered"]

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/take-over/", wrap(self.takeover_view), name="orders_campaign_takeover"),
            *super().get_urls(),
        ]

    def _takeover_url(self, campaign: Campaign) -> str:
        return reverse("admin:orders_campaign_takeover", args=[campaign.pk], current_app=self.admin_site.name)  # type: ignore[attr-defined]

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        context = dict(extra_context or {})
        if request.user.has_perm(PERMISSION) and object_id and unquote(object_id).isdigit():
            context["takeover_url"] = reverse(
                "admin:orders_campaign_takeover", args=[unquote(object_id)], current_app=self.admin_site.name)  # type: ignore[attr-defined]
        return super().change_view(request, object_id, form_url, context)  # type: ignore[misc]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        notice = uncovered_message() if request.method == "GET" else ""
        if notice:
            self.message_user(request, notice, messages.WARNING)  # type: ignore[attr-defined]
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    @staticmethod
    def _permitted(request: HttpRequest) -> bool:
        return request.user.has_perm(PERMISSION)

    def take_over_uncovered(self, request: HttpRequest, queryset: QuerySet[Campaign]) -> HttpResponse | None:
        campaigns = list(queryset[:2])
        if len(campaigns) != 1:
            self.message_user(request, _("Choose exactly one campaign to take the payments over."), messages.ERROR)  # type: ignore[attr-defined]
            return None
        return HttpResponseRedirect(self._takeover_url(campaigns[0]))

    take_over_uncovered.short_description = gettext_lazy("Take over payments outside every campaign…")  # type: ignore[attr-defined]
    take_over_uncovered.allowed_permissions = ("change",)  # type: ignore[attr-defined]

    def takeover_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        campaign = self.get_object(request, unquote(object_id))  # type: ignore[attr-defined]
        if campaign is None:
            raise Http404
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        change_url = reverse("admin:orders_campaign_change", args=[campaign.pk], current_app=self.admin_site.name)  # type: ignore[attr-defined]
        form = TakeoverForm(request.POST if request.method == "POST" else None)
        if form.is_bound and form.is_valid():
            moved = campaign_take_over_uncovered(actor=request_user(request), campaign=campaign, reason=form.cleaned_data["reason"])
            if moved.payments or moved.refunds:
                self.message_user(request, _(  # type: ignore[attr-defined]
                    "“%(campaign)s” took over %(payments)s payments and %(refunds)s refunds: %(amount)s."
                ) % {"campaign": campaign.name, "payments": moved.payments, "refunds": moved.refunds,
                     "amount": format_yuan(moved.amount_fen)}, messages.SUCCESS)
            else:
                self.message_user(request, _("Nothing to take over: another staff member did it first."), messages.WARNING)  # type: ignore[attr-defined]
            return HttpResponseRedirect(change_url)
        preview = takeover_preview(campaign=campaign)
        context = {
            **self.admin_site.each_context(request),  # type: ignore[attr-defined]
            "title": _("Take over payments outside every campaign into “%(name)s”") % {"name": campaign.name},
            "opts": self.opts,  # type: ignore[attr-defined]
            "original": campaign,
            "form": form,
            "cancel_url": change_url,
            "submit_label": _("Take over"),
            "intro": _("Payments made while no campaign covered their day and county were recorded outside every "
                       "campaign. Those within this campaign's dates and counties move into it: the ledger keeps "
                       "the original entries and gains a compensating pair for each (out of “outside every "
                       "campaign”, into this campaign). This is recorded in the audit trail and cannot be repeated."),
            "summary": [
                (_("Campaign dates"), f"{campaign.start_date} – {campaign.end_date}"),
                (_("Counties"), "、".join(r.name for r in campaign.counties.order_by("code"))),
                (_("Payments to take over"), preview.payments),
                (_("Refunds of those payments"), preview.refunds),
                (_("Net amount the campaign gains"), format_yuan(preview.amount_fen)),
                (_("Outside every campaign in all"), uncovered_message() or _("nothing")),
            ],
            "blocked": None if (preview.payments or preview.refunds) else _(
                "No payment outside every campaign falls within this campaign's dates and counties."),
        }
        return TemplateResponse(request, "admin/orders/staff_form.html", context, status=400 if form.is_bound else 200)

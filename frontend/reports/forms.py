"""The export form. Fields are parsed as text and checked by
``orders.selectors.reports.report_params_clean`` (one message per bad field)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models import Campaign

PERIOD_CHOICES = [
    ("campaign", _("Whole campaign")), ("month", _("A month")), ("range", _("A date range")),
]
FORMAT_CHOICES = [("xlsx", "XLSX (Excel)"), ("csv", "CSV")]
TABLE_CHOICES = [
    ("ledger", pgettext_lazy("report", "Ledger")),
    ("breakdowns", _("All breakdowns (XLSX, one sheet each)")),
    ("county", pgettext_lazy("report", "By county")),
    ("buyer_type", pgettext_lazy("report", "By buyer type")),
    ("organization", pgettext_lazy("report", "By organization")),
    ("supplier", pgettext_lazy("report", "By supplier")),
    ("category", pgettext_lazy("report", "By category")),
    ("channel", pgettext_lazy("report", "By funding channel")),
    ("month", pgettext_lazy("report", "By month")),
]
LANGUAGE_CHOICES = [("zh-hans", "中文"), ("en", "English")]


class ReportForm(forms.Form):
    campaign = forms.CharField(label=_("Campaign"), required=False, widget=forms.Select)
    period_type = forms.CharField(
        label=_("Period"), required=False, widget=forms.RadioSelect(choices=PERIOD_CHOICES), initial="campaign"
    )
    month = forms.CharField(
        label=_("Month"), required=False, max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2020-06"}),
    )
    start = forms.CharField(
        label=_("From"), required=False, max_length=10, widget=forms.TextInput(attrs={"type": "date"})
    )
    end = forms.CharField(
        label=_("To"), required=False, max_length=10, widget=forms.TextInput(attrs={"type": "date"})
    )
    table = forms.CharField(
        label=_("Table"), required=False, widget=forms.Select(choices=TABLE_CHOICES), initial="ledger"
    )
    fmt = forms.CharField(
        label=_("Format"), required=False, widget=forms.RadioSelect(choices=FORMAT_CHOICES), initial="xlsx"
    )
    language = forms.CharField(
        label=_("Language of the file"), required=False, widget=forms.RadioSelect(choices=LANGUAGE_CHOICES),
    )

    def __init__(self, *args, campaigns: list[Campaign], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].widget.choices = [(c.slug, c.name) for c in campaigns]
        if campaigns and not self.is_bound:
            self.initial.setdefault("campaign", campaigns[0].slug)

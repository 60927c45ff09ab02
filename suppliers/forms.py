"""Forms of the supplier application, the county review and the team.

They check what a browser can get wrong and build the services' arguments; the services
validate again (``supplier_apply`` refuses exactly what these refuse and more), so the
GraphQL API and the pages share one set of rules.
"""

import operator
from functools import reduce
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.signing import BadSignature, TimestampSigner
from django.db.models import Q
from django.forms import fields_for_model, formset_factory
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from shop.regions.models import Region, RegionLevel
from suppliers.models import CertificationKind, Supplier
from suppliers.services.applications import (
    MAX_CERTIFICATIONS,
    CertificationData,
    SupplierApplicationData,
)
from suppliers.validators import validate_credit_code

SUPPLIER_FIELDS = [
    "legal_name", "short_name", "credit_code", "supplier_type", "address", "description",
    "contact_name", "contact_phone", "contact_email", "bank_name", "bank_account_name",
    "bank_account_number", "linkage_mechanism", "linkage_description", "poor_households",
]
REQUIRED_HERE = ("bank_name", "bank_account_name", "bank_account_number")
FIELD_ORDER = [
    "legal_name", "short_name", "supplier_type", "credit_code", "description", "county", "township",
    "village", "address", "contact_name", "contact_phone", "contact_email", "bank_name",
    "bank_account_name", "bank_account_number", "linkage_mechanism", "poor_households",
    "linkage_description", "license_document", "applicant_email", "password1", "password2",
]
_TOKEN_SALT = "suppliers.application-form"


class RegionSelect(forms.Select):
    """A select whose options carry their parent's code (``data-parent``), so a small
    script can show only the townships of the chosen county; without the script the
    options stay grouped by parent."""

    def __init__(self, *args: Any, parents: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parents = parents or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        parent = self.parents.get(str(value))
        if parent:
            option["attrs"]["data-parent"] = parent
        return option


def _region_choices() -> tuple[list, list, list, dict[str, str]]:
    """County, township (grouped by county) and village (grouped by township) choices of
    the supply counties, and each township's and village's parent code. Two queries."""
    counties = list(Region.objects.supply_counties().order_by("code"))
    codes = [c.code for c in counties]
    in_counties = reduce(operator.or_, (Q(code__startswith=code) for code in codes), Q(pk__in=[]))
    rows = list(
        Region.objects.filter(in_counties, level__in=[RegionLevel.TOWNSHIP, RegionLevel.VILLAGE])
        .order_by("code").values_list("code", "name", "level", "parent_id")
    )
    names = {c.code: c.name for c in counties}
    names.update({code: name for code, name, _level, _parent in rows})
    townships: dict[str, list] = {c: [] for c in codes}
    villages: dict[str, list] = {}
    parents: dict[str, str] = {}
    for code, name, level, parent in rows:
        parents[code] = parent
        if level == RegionLevel.TOWNSHIP and parent in townships:
            townships[parent].append((code, name))
        elif level == RegionLevel.VILLAGE:
            villages.setdefault(parent, []).append((code, name))
    county_choices = [("", _("Choose a county"))] + [(c.code, c.name) for c in counties]
    township_choices = [("", _("Choose a township"))] + [
        (names[c], townships[c]) for c in codes if townships[c]
    ]
    village_choices = [("", _("Choose a village (optional)"))] + [
        (f"{names.get(parents.get(t, ''), '')} · {names[t]}", options)
        for t, options in villages.items() if t in names
    ]
    return county_choices, township_choices, village_choices, parents


class SupplierApplicationForm(forms.Form):
    """The application (供应商入驻申请). ``user``: the logged-in applicant, else the form
    asks for the e-mail and password of a new account."""

    county = forms.ChoiceField(label=_("County"))
    township = forms.ChoiceField(label=_("Township"))
    village = forms.ChoiceField(label=_("Village"), required=False)
    license_document = forms.FileField(
        label=_("Business licence"), help_text=_("A PDF file or a photo (JPEG, PNG or WebP), at most 10 MB."),
    )
    applicant_email = forms.EmailField(label=_("Your e-mail address"), required=False)
    password1 = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if getattr(user, "is_authenticated", False) else None
        model_fields = fields_for_model(Supplier, fields=SUPPLIER_FIELDS)
        for name in REQUIRED_HERE:
            model_fields[name].required = True
        model_fields["credit_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "class": "uppercase"}
        )
        model_fields["contact_phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})
        model_fields["poor_households"].widget.attrs.update({"min": 0})
        for name in ("description", "linkage_description"):
            model_fields[name].widget.attrs.update({"rows": 3})
        self.fields.update(model_fields)
        counties, townships, villages, parents = _region_choices()
        self.fields["county"].choices = counties  # type: ignore[attr-defined]  # ChoiceFields
        self.fields["township"].choices = townships  # type: ignore[attr-defined]
        self.fields["village"].choices = villages  # type: ignore[attr-defined]
        self.fields["township"].widget = RegionSelect(choices=townships, parents=parents)
        self.fields["village"].widget = RegionSelect(choices=villages, parents=parents)
        self.region_parents = parents
        if self.user is not None:
            for name in ("applicant_email", "password1", "password2"):
                del self.fields[name]
        else:
            self.fields["applicant_email"].required = True
            self.fields["password1"].required = True
            self.fields["password2"].required = True
            self.fields["applicant_email"].widget.attrs.update({"autocomplete": "email"})
        self.order_fields(FIELD_ORDER)  # the error summary lists problems in page order
        if not self.is_bound:
            self.initial.setdefault("form_token", TimestampSigner(salt=_TOKEN_SALT).sign(get_random_string(24)))

    def clean_credit_code(self) -> str:
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        validate_credit_code(code)
        return code

    def clean_form_token(self) -> str:
        """A random value signed by us: lets the view recognise the same form posted twice."""
        raw = self.cleaned_data.get("form_token") or ""
        try:
            return TimestampSigner(salt=_TOKEN_SALT).unsign(raw, max_age=2 * 24 * 3600)
        except BadSignature:
            return ""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        county, township, village = data.get("county"), data.get("township"), data.get("village")
        if county and township and self.region_parents.get(township) != county:
            self.add_error("township", _("Choose a township of the chosen county."))
        elif township and village and self.region_parents.get(village) != township:
            self.add_error("village", _("Choose a village of the chosen township."))
        if self.user is None:
            p1, p2 = data.get("password1"), data.get("password2")
            if p1 and p2 and p1 != p2:
                self.add_error("password2", _("The two passwords do not match."))
            elif p1 and data.get("applicant_email"):
                try:
                    password_validation.validate_password(p1)
                except forms.ValidationError as exc:
                    self.add_error("password1", exc)
        return data

    def application_data(self) -> SupplierApplicationData:
        d = self.cleaned_data
        return SupplierApplicationData(
            legal_name=d["legal_name"], short_name=d.get("short_name", ""), credit_code=d["credit_code"],
            supplier_type=d["supplier_type"], county_code=d["county"], township_code=d["township"],
            village_code=d.get("village", ""), address=d.get("address", ""),
            description=d.get("description", ""), contact_name=d["contact_name"],
            contact_phone=d["contact_phone"], contact_email=d.get("contact_email", ""),
            bank_name=d["bank_name"], bank_account_name=d["bank_account_name"],
            bank_account_number=d["bank_account_number"], linkage_mechanism=d["linkage_mechanism"],
            linkage_description=d.get("linkage_description", ""),
            poor_households=d.get("poor_households") or 0,
        )


class _DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *CertificationKind.choices])
    number = forms.CharField(label=_("Certificate number"), max_length=64)
    issuer = forms.CharField(label=_("Issued by"), max_length=128, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=_DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=_DateInput())
    document = forms.FileField(label=_("Document (PDF or image)"), required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end of validity is before its start."))
        return data

    def certification_data(self) -> CertificationData:
        d = self.cleaned_data
        return CertificationData(
            kind=d["kind"], number=d["number"], issuer=d.get("issuer", ""),
            valid_from=d.get("valid_from"), valid_until=d.get("valid_until"), document=d.get("document"),
        )


CertificationFormSet = formset_factory(
    CertificationForm, extra=MAX_CERTIFICATIONS, max_num=MAX_CERTIFICATIONS,
    absolute_max=MAX_CERTIFICATIONS, validate_max=True,
)


def filled_certifications(formset: Any) -> list[tuple[int, CertificationForm]]:
    """The rows the applicant filled in (empty rows are ignored), with their index."""
    return [
        (i, form) for i, form in enumerate(formset.forms)
        if form.has_changed() and getattr(form, "cleaned_data", None)
    ]


class RecommendForm(forms.Form):
    reason = forms.CharField(
        label=_("Comment for the platform (optional)"), max_length=255, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the rejection"), max_length=255,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason is recorded and shown to the applicant."),
        error_messages={"required": _("Give a reason.")},
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class InvitationSignupForm(forms.Form):
    """A new account for an invited person; the e-mail must be the invited one."""

    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


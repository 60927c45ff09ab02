"""Forms of the buyer-account pages. They check shapes; the services decide (and check
again): a form error and a service error end up on the same field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils.translation import gettext_lazy as _

from shop.accounts.models import MemberRole, OrganizationType
from shop.accounts.services import AddressData, group_choices
from shop.accounts.throttle import reset_mail_allowed


def _text(label: Any, max_length: int, required: bool = True, **attrs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           widget=forms.TextInput(attrs=attrs))


class AddressFieldsMixin:
    """The four fields of a delivery address, named ``<prefix>label`` etc."""

    def address_data(self, prefix: str = "") -> AddressData:
        data = self.cleaned_data  # type: ignore[attr-defined]
        return AddressData(
            label=data.get(f"{prefix}label", ""), recipient=data.get(f"{prefix}recipient", ""),
            phone=data.get(f"{prefix}phone", ""), address=data.get(f"{prefix}address", ""),
        )


class RegistrationForm(AddressFieldsMixin, forms.Form):
    name = _text(_("Name of the organization"), 128, autocomplete="organization")
    org_type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    parent = forms.ModelChoiceField(
        label=_("Street or department it belongs to"), queryset=group_choices(), required=False,
        empty_label=_("— none —"),
        help_text=_("Communities choose their street; district units their department."),
    )
    invoice_title = _text(_("Invoice title (抬头)"), 128)
    tax_number = _text(
        _("Tax number (税号)"), 24, spellcheck="false", autocapitalize="characters",
    )
    contact_phone = _text(_("Contact phone of the organization"), 20, autocomplete="tel", inputmode="tel")
    address_label = _text(_("First delivery place (e.g. canteen)"), 64)
    address_recipient = _text(_("Recipient"), 64)
    address_phone = _text(_("Recipient's phone"), 20, inputmode="tel")
    address_address = _text(_("Delivery address"), 255)
    display_name = _text(_("Your name"), 64, autocomplete="name")
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = _text(_("Your mobile phone"), 20, autocomplete="tel", inputmode="tel")
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    ACCOUNT_FIELDS = ("display_name", "email", "phone", "password1", "password2")

    def __init__(self, *args: Any, with_account: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tax_number"].help_text = _("15 to 20 digits or capital letters; a unified social credit code has 18.")
        if not with_account:
            for name in self.ACCOUNT_FIELDS:
                del self.fields[name]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        parent = d.get("parent")
        kwargs: dict[str, Any] = {
            "name": d["name"], "org_type": d["org_type"], "parent_id": parent.pk if parent else None,
            "invoice_title": d["invoice_title"], "tax_number": d["tax_number"],
            "contact_phone": d["contact_phone"], "address": self.address_data("address_"),
        }
        if "email" in self.fields:
            kwargs.update(email=d["email"], display_name=d["display_name"], phone=d["phone"],
                          password=d["password1"])
        return kwargs


class InvoiceForm(forms.Form):
    invoice_title = _text(_("Invoice title (抬头)"), 128)
    tax_number = _text(_("Tax number (税号)"), 24, spellcheck="false")
    contact_phone = _text(_("Contact phone of the organization"), 20, inputmode="tel")


class AddressForm(AddressFieldsMixin, forms.Form):
    label = _text(_("Label (e.g. canteen)"), 64)
    recipient = _text(_("Recipient"), 64)
    phone = _text(_("Phone"), 20, inputmode="tel")
    address = _text(_("Address"), 255)
    is_default = forms.BooleanField(label=_("Default delivery address"), required=False)


class MemberInviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.PURCHASER)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)


class InvitationSignupForm(forms.Form):
    """A new account for an invited person; the e-mail must be the invited one."""

    display_name = _text(_("Your name"), 64, autocomplete="name")
    email = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not too common."),
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class ShopPasswordResetForm(PasswordResetForm):
    """Django's form, with Chinese e-mail templates and a cap on mails per address."""

    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def get_users(self, email: str):
        if not reset_mail_allowed(email):
            return iter(())
        return super().get_users(email)

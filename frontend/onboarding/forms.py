"""The login form: e-mail address (any letter case) or mobile phone, and password."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """One message for every failure, so the form never tells whether an account exists."""

    username = forms.CharField(
        label=_("E-mail or mobile phone"), max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "spellcheck": "false"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address (or mobile phone) and the password do not match. "
            "Check them and try again."
        ),
        "inactive": _(
            "The e-mail address (or mobile phone) and the password do not match. "
            "Check them and try again."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # AuthenticationForm caps the field at the username's length (150); e-mails are longer.
        self.fields["username"].max_length = 254  # type: ignore[attr-defined]  # a CharField
        self.fields["username"].widget.attrs["maxlength"] = 254

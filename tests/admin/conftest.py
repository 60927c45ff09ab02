"""Fixtures and helpers for the staff screens: a superuser client speaking English (so that
messages can be asserted by their msgid) and a builder of admin change-form POST data."""

from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def superuser(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def staff(superuser) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(superuser)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _field_value(bound_field) -> Any:
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def _add_form(data: dict[str, Any], form) -> None:
    for name, field in form.fields.items():
        if field.disabled or field.widget.__class__.__name__ in ("ClearableFileInput", "AdminFileWidget"):
            continue
        bound = form[name]
        value = _field_value(bound)
        if value is None:
            continue
        if bound.field.widget.__class__.__name__ == "AdminSplitDateTime":
            data[f"{bound.html_name}_0"], data[f"{bound.html_name}_1"] = (value.split(" ") + [""])[:2]
            continue
        data[bound.html_name] = value


def change_form_data(response) -> dict[str, Any]:
    """The POST data a browser would send back for an admin add/change page, unchanged."""
    data: dict[str, Any] = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form[name].html_name] = formset.management_form[name].value()
        for form in formset.forms:
            _add_form(data, form)
    return data

"""Helpers for admin actions that call a service once per selected row.

A row whose service call raises ``ValidationError`` (an invalid transition, a missing
reason) gets its own error message and is left unchanged: each service owns its
transaction, so a failure rolls back only that row.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin, helpers
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REASON_TEMPLATE = "admin/status_reason.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=gettext_lazy("The reason is recorded and shown to the supplier."),
        error_messages={"required": gettext_lazy("Give a reason.")},
    )


def validation_error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def apply_per_row(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    action: Callable[[Any], Model],
    done_message: Callable[[int], str],
    log_message: str,
) -> int:
    """Run ``action`` on each row; report successes in one message, failures one by one."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            changed = action(obj)
        except ValidationError as exc:
            modeladmin.message_user(
                request,
                _("%(object)s: %(error)s") % {"object": obj, "error": validation_error_text(exc)},
                messages.ERROR,
            )
            continue
        done += 1
        modeladmin.log_change(request, changed, log_message)
    if done:
        modeladmin.message_user(request, done_message(done), messages.SUCCESS)
    return done


def reason_action(
    modeladmin: ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    action: Callable[[Any, str], Model],
    done_message: Callable[[int], str],
    log_message: str,
) -> TemplateResponse | None:
    """An action that first asks for a reason on an intermediate page.

    The page posts back to the changelist with the same action and selection plus
    ``apply``; an empty reason re-renders the page with the field error and changes nothing.
    """
    if "apply" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            apply_per_row(
                modeladmin, request, queryset,
                action=lambda obj: action(obj, reason),
                done_message=done_message,
                log_message=f"{log_message}: {reason}",
            )
            return None
    else:
        form = ReasonForm()
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": list(queryset.order_by("pk")),
        "opts": opts,
        "app_label": opts.app_label,
        "action_name": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    # A refused reason is a client error (400); the first display is a plain 200.
    return TemplateResponse(request, REASON_TEMPLATE, context, status=400 if form.is_bound else 200)

"""Template helpers for the supplier portal's forms."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def widget(field: Any, options: str = "") -> SafeString:
    """The field's widget, described by its help text and error message (for screen
    readers) and marked invalid when it has errors. ``"nohelp"``: the page does not show
    the help text next to this widget."""
    ids = []
    if field.help_text and "nohelp" not in options:
        ids.append(f"{field.auto_id}_helptext")
    attrs: dict[str, str] = {}
    if field.errors:
        ids.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return field.as_widget(attrs=attrs)


@register.filter
def status_class(status: str) -> str:
    """A badge class for a product status."""
    return {
        "approved": "badge",
        "submitted": "badge badge-info",
        "rejected": "badge badge-danger",
        "draft": "badge badge-muted",
        "archived": "badge badge-muted",
    }.get(status, "badge badge-muted")

"""Staff screens for the audit trail.

``AuditEventAdmin`` is the read-only list of every recorded change. ``AuditedModelAdmin`` is
the base of the admins whose objects have a trail: their change page gets an "Audit trail"
section (the latest events, one query) and a "history of changes" page with all of them;
saves made in the admin's change form are recorded as ``<entity>.create`` / ``.update``.
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shop.common import outbox_admin  # noqa: F401  (the outbox screen registers itself)
from shop.common.audit import audit_events_for, audit_record, diff, snapshot
from shop.common.models import AuditEvent

ACTION_LABELS: dict[str, Any] = {
    "supplier.apply": gettext_lazy("supplier applied"),
    "supplier.recommend": gettext_lazy("supplier recommended by the county"),
    "supplier.approve": gettext_lazy("supplier approved"),
    "supplier.reject": gettext_lazy("supplier rejected"),
    "supplier.suspend": gettext_lazy("supplier suspended"),
    "supplier.reinstate": gettext_lazy("supplier reinstated"),
    "supplier.create": gettext_lazy("supplier created"),
    "supplier.update": gettext_lazy("supplier changed"),
    "product.create": gettext_lazy("product created"),
    "product.update": gettext_lazy("product changed"),
    "product.submit": gettext_lazy("product submitted for review"),
    "product.approve": gettext_lazy("product approved"),
    "product.reject": gettext_lazy("product rejected"),
    "product.archive": gettext_lazy("product archived"),
    "product.unpublish": gettext_lazy("product unpublished"),
    "product.restore": gettext_lazy("product restored from the archive"),
    "variant.create": gettext_lazy("variant added"),
    "variant.update": gettext_lazy("variant changed"),
    "variant.delete": gettext_lazy("variant deleted"),
    "variant.archive": gettext_lazy("variant archived"),
    "variant.price_accept": gettext_lazy("price accepted by staff"),
    "stock.update": gettext_lazy("stock changed"),
    "image.add": gettext_lazy("image added"),
    "image.delete": gettext_lazy("image deleted"),
    "image.reorder": gettext_lazy("images reordered"),
    "image.update": gettext_lazy("image text changed"),
}
VALUE_MAX_CHARS = 80


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return f"{label} ({action})" if label else action


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return Truncator(str(value)).chars(VALUE_MAX_CHARS)


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]  # a field, not a reverse relation
        except FieldDoesNotExist:
            pass
    return name


def change_lines(event: AuditEvent) -> list[tuple[str, str, str]]:
    """``(field label, old, new)`` per changed field. The model comes from the (selected)
    content type, so this needs no query."""
    model = event.content_type.model_class()
    return [
        (_field_label(model, name), _value_text(pair[0]), _value_text(pair[1]))
        for name, pair in (event.changes or {}).items()
        if isinstance(pair, (list, tuple)) and len(pair) == 2
    ]


def render_changes(event: AuditEvent) -> SafeString:
    """One line per field: ``field: old → new``."""
    return format_html_join(
        mark_safe("<br>"), "{}: {} → {}", change_lines(event)
    )


def actor_text(event: AuditEvent) -> str:
    user = event.actor
    if user is None:
        return _("system")
    return getattr(user, "display_name", "") or user.get_username()


def object_admin_url(event: AuditEvent) -> str:
    ct = event.content_type
    try:
        return reverse(f"admin:{ct.app_label}_{ct.model}_change", args=[event.object_id])
    except NoReverseMatch:
        return ""


class ContentTypeFilter(admin.SimpleListFilter):
    """The kinds of objects that have events (one query)."""

    title = gettext_lazy("kind of object")
    parameter_name = "content_type"

    def lookups(self, request, model_admin):
        used = model_admin.get_queryset(request).order_by().values("content_type")
        types = ContentType.objects.filter(pk__in=used)
        return sorted(((str(ct.pk), str(ct)) for ct in types), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[AuditEvent]) -> models.QuerySet[AuditEvent]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(content_type_id=int(value))
        return queryset


class ActionFilter(admin.SimpleListFilter):
    title = gettext_lazy("action")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        actions = model_admin.get_queryset(request).order_by("action").values_list("action", flat=True).distinct()
        return [(a, action_label(a)) for a in actions]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet[AuditEvent]) -> models.QuerySet[AuditEvent]:
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only and written by services only."""

    list_display = ("created_at", "who", "what", "object_link", "changes_text", "reason")
    list_filter = (ActionFilter, ContentTypeFilter)
    list_select_related = ("actor", "content_type")
    search_fields = ("object_repr",)
    date_hierarchy = "created_at"
    actions = None
    fields = ("created_at", "who", "what", "content_type", "object_id", "object_link", "changes_text", "reason")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    @admin.display(description=gettext_lazy("who"), ordering="actor__username")
    def who(self, event: AuditEvent) -> str:
        return actor_text(event)

    @admin.display(description=gettext_lazy("action"), ordering="action")
    def what(self, event: AuditEvent) -> str:
        return action_label(event.action)

    @admin.display(description=gettext_lazy("object"), ordering="object_repr")
    def object_link(self, event: AuditEvent) -> str:
        url = object_admin_url(event)
        model = event.content_type.model_class()
        kind = str(model._meta.verbose_name) if model else ""
        if url:
            return format_html('{} <a href="{}">{}</a>', kind, url, event.object_repr)
        return format_html("{} {}", kind, event.object_repr)

    @admin.display(description=gettext_lazy("changes"))
    def changes_text(self, event: AuditEvent) -> SafeString:
        return render_changes(event)


class AuditedModelAdmin(admin.ModelAdmin):
    """A ModelAdmin whose change page shows the object's audit trail and whose form saves
    are recorded. Override ``audit_events`` to include related objects' events."""

    audit_panel_limit = 20
    audit_history_per_page = 100
    # Action prefix for saves made through the change form; None: the model name.
    audit_entity: str | None = None

    def audit_events(self, obj: models.Model) -> models.QuerySet[AuditEvent]:
        return audit_events_for(obj)

    def _audit_events(self, obj: models.Model) -> models.QuerySet[AuditEvent]:
        return self.audit_events(obj).select_related("actor", "content_type").order_by("-created_at", "-id")

    # --- the section on the change page ------------------------------------------------------

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return (*fields, "audit_trail") if obj is not None and "audit_trail" not in fields else fields

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None):
        fieldsets = [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f != "audit_trail")})
            for name, opts in super().get_fieldsets(request, obj)
        ]
        if obj is not None:
            fieldsets.append((gettext_lazy("Audit trail"), {"fields": ("audit_trail",)}))
        return fieldsets

    @admin.display(description=gettext_lazy("Latest changes"))
    def audit_trail(self, obj: models.Model) -> str:
        events = list(self._audit_events(obj)[: self.audit_panel_limit + 1])
        return render_to_string(
            "admin/common/audit_trail.html",
            {
                "rows": [self._row(e) for e in events[: self.audit_panel_limit]],
                "more": len(events) > self.audit_panel_limit,
                "history_url": self._history_url(obj),
            },
        )

    def _row(self, event: AuditEvent) -> dict[str, Any]:
        return {
            "event": event,
            "who": actor_text(event),
            "what": action_label(event.action),
            "changes": change_lines(event),
        }

    def _history_url(self, obj: models.Model) -> str:
        info = (self.opts.app_label, self.opts.model_name)
        return reverse(f"admin:{info[0]}_{info[1]}_audit", args=[obj.pk], current_app=self.admin_site.name)

    # --- the full history page ---------------------------------------------------------------

    def get_urls(self):
        info = (self.opts.app_label, self.opts.model_name)
        return [
            path(
                "<path:object_id>/audit/",
                self.admin_site.admin_view(self.audit_history_view),
                name=f"{info[0]}_{info[1]}_audit",
            ),
            *super().get_urls(),
        ]

    def audit_history_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = Paginator(self._audit_events(obj), self.audit_history_per_page)
        page = paginator.get_page(request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of changes: %(object)s") % {"object": obj},
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "object": obj,
            "page": page,
            "rows": [self._row(e) for e in page.object_list],
        }
        return TemplateResponse(request, "admin/common/audit_history.html", context)

    # --- saves through the change form -------------------------------------------------------

    def _audited_fields(self, form) -> list[str]:
        names = []
        for name in form.changed_data:
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if getattr(field, "concrete", False) and not field.many_to_many:
                names.append(name)
        return names

    def save_model(self, request: HttpRequest, obj: models.Model, form, change: bool) -> None:
        fields = self._audited_fields(form)
        before = None
        if change:
            # Locked like the services lock it (the admin's view runs in a transaction), so an
            # edit here and a service's change of the same row do not interleave.
            locked = type(obj)._base_manager.select_for_update().get(pk=obj.pk)
            before = snapshot(locked, fields) if fields else None
        super().save_model(request, obj, form, change)
        entity = self.audit_entity or self.opts.model_name
        if before is not None:
            changes = diff(before, obj)
            if changes:
                audit_record(actor=request.user, instance=obj, action=f"{entity}.update", changes=changes)
        elif not change:
            after = snapshot(obj, fields)
            audit_record(
                actor=request.user, instance=obj, action=f"{entity}.create",
                changes={name: [None, value] for name, value in after.items()},
            )

    def _m2m_fields(self, form) -> list[str]:
        names = []
        for name in form.changed_data:
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.many_to_many and not field.auto_created:
                names.append(name)
        return names

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        """Many-to-many changes (certifications, paired villages…) are audited too: ids before
        and after, as the services record them."""
        obj = form.instance
        names = self._m2m_fields(form) if change else []
        before = {name: sorted(getattr(obj, name).values_list("pk", flat=True)) for name in names}
        super().save_related(request, form, formsets, change)
        changes = {}
        for name in names:
            after = sorted(getattr(obj, name).values_list("pk", flat=True))
            if after != before[name]:
                changes[name] = [", ".join(map(str, before[name])), ", ".join(map(str, after))]
        if changes:
            entity = self.audit_entity or self.opts.model_name
            audit_record(actor=request.user, instance=obj, action=f"{entity}.update", changes=changes)


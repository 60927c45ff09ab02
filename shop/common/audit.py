"""Recording changes. Services call these inside their own transaction, so an audit row
exists exactly when the change it describes was committed."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from shop.common.models import AuditEvent


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (str, int, bool, float)) or value is None:
        return value
    return str(value)


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of ``fields`` (foreign keys by id), for a later ``diff``."""
    values = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        values[name] = _jsonable(getattr(instance, attname))
    return values


def diff(before: dict[str, Any], instance: models.Model) -> dict[str, list[Any]]:
    after = snapshot(instance, before.keys())
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def audit_record(
    *, actor: Any, instance: models.Model, action: str,
    changes: dict[str, list[Any]] | None = None, reason: str = "",
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        action=action,
        changes={k: [_jsonable(v[0]), _jsonable(v[1])] for k, v in (changes or {}).items()},
        reason=(reason or "")[:255],
    )


def audit_events_for(instance: models.Model) -> models.QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
    ).select_related("actor")

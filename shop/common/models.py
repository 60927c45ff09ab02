"""The audit trail: who changed what, when, from which value to which."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """Append-only. ``changes`` maps a field name to ``[old, new]`` (JSON-safe values)."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=64)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"


class OutboxMessage(models.Model):
    """A Celery task queued by a committed transaction (the transactional outbox).

    The row is written in the caller's transaction, so it exists exactly when the change
    that wants the task was committed. It is published right after commit, or later by the
    relay when the broker was unreachable then (see ``shop.common.outbox``). ``claimed_until``
    is the lease of the process that is publishing it; ``sent_at`` is set once the broker
    accepted the message."""

    task = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    queue = models.CharField(_("queue"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["created_at", "id"]
        indexes = [
            # The relay's scan: the pending rows only, oldest first.
            models.Index(
                fields=["created_at"], name="common_outbox_pending",
                condition=models.Q(sent_at__isnull=True),
            ),
            models.Index(fields=["sent_at"], name="common_outbox_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"


class EffectClaim(models.Model):
    """An outside effect (an e-mail…) that a task has made or is making, by key: a task that
    is delivered twice finds the key taken and does not make it again (``shop.common.effects``)."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)  # pruning

    class Meta:
        verbose_name = _("effect claim")
        verbose_name_plural = _("effect claims")

    def __str__(self) -> str:
        return self.key

"""Staff screen of the outbox: the tasks queued by committed changes, pending ones first
(``sent`` empty). Read-only: rows are written by ``enqueue_on_commit`` and the relay."""

from django.contrib import admin
from django.db.models import F
from django.http import HttpRequest

from shop.common.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "task", "queue", "created_at", "sent_at", "attempts", "last_error")
    list_filter = ("queue", "task")
    search_fields = ("task",)
    ordering = (F("sent_at").desc(nulls_first=True), "-created_at")  # pending first
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

"""Suppliers' e-mails are claimed in ``common.EffectClaim`` (``shop.common.effects``) instead
of their own ``NotificationLog`` table: the e-mails already sent become claims under the keys
``suppliers.notifications.notification_key`` makes (a task retried after the deploy does not
send them again), then the table goes."""

from django.db import migrations

KEY_LENGTH = 200  # common.EffectClaim.key; effect_once cuts its keys there too


def logs_to_claims(apps, schema_editor):
    NotificationLog = apps.get_model("suppliers", "NotificationLog")
    EffectClaim = apps.get_model("common", "EffectClaim")
    for log in NotificationLog.objects.order_by("pk").iterator():
        key = f"supplier-mail:{log.supplier_id}:{log.event}:{log.audit_event_id}:{log.recipient}"[:KEY_LENGTH]
        claim, created = EffectClaim.objects.get_or_create(key=key)
        if created:  # keep when it was sent, for pruning (auto_now_add set it to now)
            EffectClaim.objects.filter(pk=claim.pk).update(created_at=log.sent_at)


def claims_to_logs(apps, schema_editor):
    NotificationLog = apps.get_model("suppliers", "NotificationLog")
    EffectClaim = apps.get_model("common", "EffectClaim")
    Supplier = apps.get_model("suppliers", "Supplier")
    AuditEvent = apps.get_model("common", "AuditEvent")
    for claim in EffectClaim.objects.filter(key__startswith="supplier-mail:").iterator():
        _prefix, supplier_id, event, audit_event_id, recipient = claim.key.split(":", 4)
        if Supplier.objects.filter(pk=supplier_id).exists() and AuditEvent.objects.filter(pk=audit_event_id).exists():
            NotificationLog.objects.get_or_create(
                supplier_id=supplier_id, event=event, audit_event_id=audit_event_id, recipient=recipient,
            )


class Migration(migrations.Migration):

    dependencies = [
        ("suppliers", "0004_private_storage"),
        ("common", "0003_effectclaim_created_index"),
    ]

    operations = [
        migrations.RunPython(logs_to_claims, claims_to_logs),
        migrations.DeleteModel(name="NotificationLog"),
    ]

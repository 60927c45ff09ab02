"""Order e-mails and the once-a-day staff alerts are claimed in ``common.EffectClaim``
(``shop.common.effects``) instead of their own tables (``OrderNotification``, ``LedgerAlert``):
what was already sent becomes claims under the keys ``orders.services.notifications.notification_key``
and ``orders.coverage_alerts.alert_key`` make (a task retried after the deploy, or a rerun on
a day an alert went out, does not send again), then the tables go."""

from django.db import migrations

KEY_LENGTH = 200  # common.EffectClaim.key; effect_once cuts its keys there too


def alerts_to_claims(apps, schema_editor):
    LedgerAlert = apps.get_model("orders", "LedgerAlert")
    EffectClaim = apps.get_model("common", "EffectClaim")
    for alert in LedgerAlert.objects.order_by("pk").iterator():
        key = f"ledger-alert:{alert.kind}:{alert.day.isoformat()}:{alert.recipient}"[:KEY_LENGTH]
        claim, created = EffectClaim.objects.get_or_create(key=key)
        if created:  # keep when it was sent, for pruning (auto_now_add set it to now)
            EffectClaim.objects.filter(pk=claim.pk).update(created_at=alert.sent_at)


def claims_to_alerts(apps, schema_editor):
    LedgerAlert = apps.get_model("orders", "LedgerAlert")
    EffectClaim = apps.get_model("common", "EffectClaim")
    for claim in EffectClaim.objects.filter(key__startswith="ledger-alert:").iterator():
        _prefix, kind, day, recipient = claim.key.split(":", 3)
        LedgerAlert.objects.get_or_create(kind=kind, day=day, recipient=recipient)


def order_mails_to_claims(apps, schema_editor):
    OrderNotification = apps.get_model("orders", "OrderNotification")
    EffectClaim = apps.get_model("common", "EffectClaim")
    for row in OrderNotification.objects.order_by("pk").iterator():
        key = f"order-mail:{row.event_id}:{row.recipient.strip().lower()}"[:KEY_LENGTH]
        claim, created = EffectClaim.objects.get_or_create(key=key)
        if created:
            EffectClaim.objects.filter(pk=claim.pk).update(created_at=row.sent_at)


def claims_to_order_mails(apps, schema_editor):
    OrderNotification = apps.get_model("orders", "OrderNotification")
    OrderEvent = apps.get_model("orders", "OrderEvent")
    EffectClaim = apps.get_model("common", "EffectClaim")
    for claim in EffectClaim.objects.filter(key__startswith="order-mail:").iterator():
        _prefix, event_id, recipient = claim.key.split(":", 2)
        if OrderEvent.objects.filter(pk=event_id).exists():
            OrderNotification.objects.get_or_create(event_id=event_id, recipient=recipient)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0012_product_stats_backfill"),
        ("common", "0003_effectclaim_created_index"),
    ]

    operations = [
        migrations.RunPython(alerts_to_claims, claims_to_alerts),
        migrations.RunPython(order_mails_to_claims, claims_to_order_mails),
        migrations.DeleteModel(name="LedgerAlert"),
        migrations.DeleteModel(name="OrderNotification"),
    ]

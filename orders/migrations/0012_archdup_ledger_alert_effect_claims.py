"""The once-a-day staff alerts are claimed in ``common.EffectClaim`` (``shop.common.effects``)
instead of their own ``LedgerAlert`` table: the alerts already sent become claims under the
same keys as ``orders.coverage_alerts.alert_key`` makes (a deploy on a day an alert went out
does not send it again), then the table goes."""

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


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0011_settlement"),
        ("common", "0003_effectclaim_created_index"),
    ]

    operations = [
        migrations.RunPython(alerts_to_claims, claims_to_alerts),
        migrations.DeleteModel(name="LedgerAlert"),
    ]

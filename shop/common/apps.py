from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "shop.common"
    label = "common"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # In ready() on purpose (Django's AppConfig pattern): apps.py is imported while the
        # app registry is being populated, before the modules it wires up may be.
        from shop.common.observability import connect_celery_metrics

        connect_celery_metrics()  # task counters for /metrics (not domain flow)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "shop.common"
    label = "common"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from shop.common.observability import connect_celery_metrics

        connect_celery_metrics()  # task counters for /metrics (not domain flow)

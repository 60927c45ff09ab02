"""Celery task for large report exports (registered through ``orders.tasks``).
``orders.services.reports`` queues it by name, so it may import that module at the top."""

from celery import shared_task

from orders.services.reports import report_export_build


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def report_export_run(export_id: int) -> int:
    """Build export ``export_id``; safe to retry (a finished export is left as it is).
    Returns the number of rows written (0 when it failed)."""
    export = report_export_build(export_id=export_id)
    return (export.rows or 0) if export else 0

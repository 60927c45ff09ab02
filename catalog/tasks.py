"""Celery tasks of the catalog. They take ids and call a service, so they are safe to retry."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import OperationalError

from catalog.models import ProductImage
from catalog.services.images import product_image_make_thumbnails
from catalog.services.search import supplier_search_refresh as refresh_supplier_products
from suppliers.models import Supplier

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    # A missing original will not come back by retrying (FileNotFoundError is an OSError).
    dont_autoretry_for=(FileNotFoundError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def make_thumbnails(self, image_id: int) -> dict[str, str] | None:
    """Write the WebP thumbnails of one product image and record their names.

    Idempotent: thumbnail names derive from the original's name, so a re-run overwrites the
    same files and stores the same mapping. A deleted image is a no-op.
    """
    image = ProductImage.objects.filter(pk=image_id).first()
    if image is None:
        return None
    try:
        image = product_image_make_thumbnails(image=image)
    except (FileNotFoundError, ValidationError) as exc:
        logger.warning("No thumbnails for product image %s: %s", image_id, exc)
        return None
    return dict(image.thumbnails)


@shared_task(
    name="catalog.tasks.supplier_search_refresh",  # queued by this name from suppliers.services
    bind=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    max_retries=5,
    acks_late=True,
)
def supplier_search_refresh(self, supplier_id: int) -> int:
    """Rewrite the search text of a renamed supplier's products and its suggestion term.
    Idempotent (it recomputes from the current names); a deleted supplier is a no-op."""
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        return 0
    return refresh_supplier_products(supplier=supplier)

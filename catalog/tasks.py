"""Celery tasks of the catalog. They take ids and call a service, so they are safe to retry."""

import logging

from celery import shared_task
from django.core.exceptions import ValidationError

from catalog.models import ProductImage
from catalog.services.images import product_image_make_thumbnails

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

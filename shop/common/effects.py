"""Effect-once for tasks that may be delivered twice (a lost acknowledgement, a worker killed
after sending, the outbox relay's lease running out).

``with effect_once(key) as first:`` claims ``key`` in the database (a unique row) before the
effect is made; ``first`` is False when an earlier run already claimed it. When the block
raises, the claim is given back, so the retry makes the effect. Like every claim taken before
the effect, a process killed between the claim and the effect leaves it unmade: at most once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shop.common.models import EffectClaim


@contextmanager
def effect_once(key: str) -> Iterator[bool]:
    try:
        with transaction.atomic():
            claim = EffectClaim.objects.create(key=key[:200])
    except IntegrityError:
        yield False
        return
    try:
        yield True
    except BaseException:
        EffectClaim.objects.filter(pk=claim.pk).delete()
        raise


def effect_claims_prune(*, keep: timedelta | None = None, limit: int = 5000) -> int:
    """Delete claims older than ``keep`` (``EFFECT_CLAIM_KEEP_DAYS``, far longer than any
    redelivery: the outbox keeps sent rows ``OUTBOX_KEEP_DAYS`` and Celery redelivers within
    its visibility timeout; once-a-day keys name their day). Returns how many were deleted."""
    keep = keep if keep is not None else timedelta(days=settings.EFFECT_CLAIM_KEEP_DAYS)
    old = EffectClaim.objects.filter(created_at__lt=timezone.now() - keep).order_by("created_at")
    ids = list(old.values_list("pk", flat=True)[:limit])
    return EffectClaim.objects.filter(pk__in=ids).delete()[0] if ids else 0


__all__ = ["effect_claims_prune", "effect_once"]

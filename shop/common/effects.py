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

from django.db import IntegrityError, transaction

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


__all__ = ["effect_once"]

"""The listing version (issue 15): one number in the shared cache that moves whenever what the
public catalog shows changes — a product, its variants, prices and stock, images, supplier,
certifications, category, sales and ratings. The rendered catalog and product pages that
``frontend.page_cache`` keeps are keyed by it, so a change shows on the next request on every
host, and the old entries are never read again (they expire on their own).

The services call ``listings_changed()`` where they write listing data, inside their
transaction: the version moves at once (so nothing rendered from now on is taken for current
by a later reader) and again when the transaction commits (so a page rendered meanwhile, from
the rows as they were before the commit, is not served after it). Writes outside the services
(the Django admin goes through ``ListingAdminMixin``; raw SQL does not) are bounded by the
entries' lifetime, ``LISTING_PAGE_CACHE_SECONDS``.

A lost version key (a cache flush, an eviction) starts again from the clock in microseconds,
above any value the old key reached, so an old entry can never match a new version.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction

KEY = "listing-version"
log = logging.getLogger(__name__)


def _fresh() -> int:
    return time.time_ns() // 1000


def listing_version() -> int:
    """The current version (one cache read)."""
    version = cache.get(KEY)
    if version is None:
        cache.add(KEY, _fresh(), timeout=None)
        version = cache.get(KEY)
    return int(version) if version is not None else _fresh()


def _bump() -> None:
    """Never fails the write it follows: with the cache down there are no kept pages either
    (a blip that loses only this bump leaves pages at most their lifetime old; it is logged)."""
    try:
        try:
            cache.incr(KEY)
        except ValueError:  # no key yet, or it was evicted: start above every earlier value
            cache.add(KEY, _fresh(), timeout=None)
    except Exception:  # noqa: BLE001
        log.warning("listing version not moved (cache unavailable)", exc_info=True)


def listings_changed() -> None:
    """What the catalog shows changed (or will, when the current transaction commits)."""
    _bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump)

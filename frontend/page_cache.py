"""Rendered parts of the public catalog and product pages, kept in the shared cache (issue 15).

Only what is the same for every visitor is kept: the catalog's filters and results, and a
product page's body for visitors who are not signed in (a buyer's page has its cart form).
The header (account menu, the language form's CSRF token) and any flash messages are
rendered on every request around the kept part.

A key holds the page kind, the language, the local date (certificates turn "expired" at
midnight), the listing version (``shop.common.listing_version``: every listing change moves
it, so an entry is never read after a change) and the request's own parts. Entries live
``LISTING_PAGE_CACHE_SECONDS`` (0: nothing is kept). A cache that does not answer costs a
render, never an error.
"""

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from shop.common.listing_version import listing_version

log = logging.getLogger(__name__)


class PagePart:
    """One kept part: ``get()`` it, else render it and ``put()`` it."""

    def __init__(self, kind: str, *parts: object) -> None:
        self.seconds = settings.LISTING_PAGE_CACHE_SECONDS
        self.key: str | None = None
        if self.seconds <= 0:
            return
        try:
            version = listing_version()
        except Exception:  # noqa: BLE001 - the cache is down: render, as without it
            log.warning("page cache: no listing version; rendering %s", kind, exc_info=True)
            return
        raw = "\x1f".join(
            [kind, get_language() or "", timezone.localdate().isoformat(), str(version), *map(str, parts)]
        )
        self.key = f"page:{kind}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"

    def get(self) -> Any:
        if self.key is None:
            return None
        try:
            return cache.get(self.key)
        except Exception:  # noqa: BLE001
            log.warning("page cache: read failed", exc_info=True)
            return None

    def put(self, value: Any) -> None:
        if self.key is None:
            return
        try:
            cache.set(self.key, value, timeout=self.seconds)
        except Exception:  # noqa: BLE001
            log.warning("page cache: write failed", exc_info=True)


class KeptCountPaginator(Paginator):
    """A paginator whose total (the ``COUNT`` over every matching product) is kept under
    ``part``: paging through a list, or coming back to it, counts once per listing version.
    A number is small, so every filter's count is kept, search text and prices included."""

    def __init__(self, object_list: Any, per_page: int, *, part: PagePart) -> None:
        super().__init__(object_list, per_page)
        self._part = part

    @cached_property
    def count(self) -> int:
        kept = self._part.get()
        if kept is None:
            kept = Paginator.count.func(self)  # type: ignore[attr-defined]  # the COUNT
            self._part.put(kept)
        return int(kept)

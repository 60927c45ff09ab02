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

Product cards (``product_cards``, the ``{% product_cards %}`` tag of every product grid) are
kept one by one under the digest of what each shows, not under the listing version: a page
drawn after an order, a search or a price filter (never kept whole) reuses every card whose
product did not change.
"""

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
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


CARD_TEMPLATE = "frontend/includes/product_card.html"


def _card_inputs(product: Any) -> tuple[object, ...]:
    """Everything a product card shows (``CARD_TEMPLATE``), as plain values: a card is kept
    under the digest of these, so a change to any of them (a sale, stock, a price, a rename,
    a new photo) is a new key, and a change to another product costs this one nothing."""
    images = getattr(product, "ordered_images", None) or []
    image = images[0] if images else None
    category, county, township = product.category, product.county, product.township
    return (
        product.pk, product.slug, product.name, product.name_en,
        category and (category.name, category.name_en),
        county and (county.name, county.name_en), township and township.name,
        str(product.min_price), product.in_stock,
        product.sales_units, product.rating_sum, product.rating_count,
        image and (image.image.name, image.width, image.height, sorted((image.thumbnails or {}).items())),
    )


def _template_digest() -> str:
    """The card templates' own source, so a release (or, in development, an edit: the
    template loader reloads it) that changes them never serves old cards. Microseconds."""
    sources = [get_template(name).template.source  # type: ignore[attr-defined]
               for name in (CARD_TEMPLATE, "frontend/includes/product_stats.html")]
    return hashlib.sha256("\x1f".join(sources).encode()).hexdigest()[:12]


def product_cards(products: Iterable[Any]) -> str:
    """The ``<li>`` cards of a product grid. Each card's HTML is kept in the shared cache
    under its language and the digest of what it shows (``_card_inputs``): a catalog search,
    a price filter or a page rendered after an order (none of them kept whole) draws only the
    cards it has not drawn before. One cache read and at most one write per grid; a cache
    that does not answer costs the rendering, never an error."""
    products = list(products)
    template = get_template(CARD_TEMPLATE)
    seconds = settings.LISTING_PAGE_CACHE_SECONDS
    keys: list[str | None] = [None] * len(products)
    kept: dict[str, str] = {}
    if seconds > 0 and products:
        prefix = f"card:{get_language() or ''}:{_template_digest()}:"
        keys = [prefix + hashlib.sha256(repr(_card_inputs(p)).encode()).hexdigest()[:32] for p in products]
        try:
            kept = cache.get_many(keys)
        except Exception:  # noqa: BLE001
            log.warning("card cache: read failed", exc_info=True)
    drawn: dict[str, str] = {}
    cards = []
    for product, key in zip(products, keys, strict=True):
        html = kept.get(key) if key else None
        if html is None:
            html = template.render({"product": product})
            if key:
                drawn[key] = html
        cards.append(f"<li>{html}</li>")
    if drawn:
        try:
            cache.set_many(drawn, timeout=seconds)
        except Exception:  # noqa: BLE001
            log.warning("card cache: write failed", exc_info=True)
    return mark_safe("".join(cards))  # noqa: S308 - each card is rendered by the template engine

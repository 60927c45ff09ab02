"""Rendered documents (contract, delivery note, 验收单, settlement statement) kept in the
shared cache, so a repeated download does not draw the PDF again.

The key is ``kind + object id + version``. The version is a digest of every stored value the
document is drawn from: the order (or statement) row, the buyer organization, each visible
supplier part with its supplier and lines, plus ``LAYOUT_VERSION``. Any change to the order or
a part gives a new version, hence a new key and a new rendering; old renderings simply expire.
A supplier's contract holds only its own part, and the part ids are in the digest, so two
readers with different scopes never share a rendering.

The version doubles as the strong ETag (the PDFs are drawn with reportlab's ``invariant``
mode, so the same inputs give the same bytes); Last-Modified is when that version was first
rendered. Callers check permissions first (``orders.selectors.documents.document_scope``)
and only then come here: the cache is never reached by someone who may not read the order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.utils import timezone
from prometheus_client import Counter

from orders.models import Fulfilment, SettlementStatement
from orders.selectors.documents import DocumentScope

# Bump when the drawing code or its wording changes: every cached rendering is then stale.
LAYOUT_VERSION = "2026-12-03.2"
CACHE_SECONDS = getattr(settings, "DOCUMENT_CACHE_SECONDS", 7 * 24 * 3600)

RENDERS = Counter("shop_documents_rendered_total", "Documents drawn (cache misses), by kind", ["kind"])
SERVED = Counter("shop_documents_served_total", "Document downloads, by kind and outcome", ["kind", "outcome"])


@dataclass(frozen=True)
class Rendering:
    content: bytes
    etag: str  # quoted, as sent in the header
    last_modified: datetime


def _row(obj: models.Model | None) -> list[tuple[str, str]]:
    if obj is None:
        return []
    return [(f.attname, repr(f.value_from_object(obj))) for f in obj._meta.concrete_fields]


def _digest(kind: str, rows: Iterable[object]) -> str:
    h = hashlib.sha256(f"{LAYOUT_VERSION}|{kind}".encode())
    for row in rows:
        h.update(b"\x1e")
        h.update(repr(row).encode())
    return h.hexdigest()[:32]


def _part_rows(part: Fulfilment) -> list[object]:
    return [_row(part), _row(part.supplier), *(_row(line) for line in part.lines.all())]


def order_document_version(*, kind: str, scope: DocumentScope, part: Fulfilment | None = None) -> str:
    """The version of an order document for this reader's scope (no query: the scope is
    loaded with its parts, suppliers and lines)."""
    order = scope.order
    parts = [part] if part is not None else scope.fulfilments
    rows: list[object] = [_row(order), _row(order.organization), [p.pk for p in parts]]
    for p in parts:
        rows += _part_rows(p)
    return _digest(kind, rows)


def statement_document_version(*, kind: str, statement: SettlementStatement) -> str:
    """The version of a settlement statement (its lines and supplier prefetched)."""
    return _digest(kind, [_row(statement), _row(statement.supplier), *(_row(line) for line in statement.lines.all())])


def etag_of(version: str, *, kind: str = "") -> str:
    """Strong for the PDFs (same inputs, same bytes); weak for XLSX, whose files carry the
    time they were written."""
    return f'W/"{version}"' if kind.endswith("xlsx") else f'"{version}"'


def document_rendering(*, kind: str, object_id: int, version: str, render: Callable[[], bytes]) -> Rendering:
    """The cached rendering of this version, or ``render()`` stored for the next reader."""
    key = f"documents:{kind}:{object_id}:{version}"
    entry = cache.get(key)
    if entry is None:
        RENDERS.labels(kind=kind).inc()
        entry = {"content": render(), "at": timezone.now().replace(microsecond=0)}
        cache.set(key, entry, CACHE_SECONDS)
        SERVED.labels(kind=kind, outcome="rendered").inc()
    else:
        SERVED.labels(kind=kind, outcome="cached").inc()
    return Rendering(content=entry["content"], etag=etag_of(version, kind=kind), last_modified=entry["at"])


def not_modified(*, kind: str) -> None:
    SERVED.labels(kind=kind, outcome="not_modified").inc()

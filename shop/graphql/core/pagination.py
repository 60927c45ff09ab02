"""Relay connections over querysets, with validated arguments.

Cursors are opaque offsets (the same format graphene uses). Unlike graphene's defaults,
a bad cursor, a negative or oversized ``first``/``last`` is an error with a clear
message instead of being ignored or capped silently.
"""

import binascii
from base64 import b64decode, b64encode
from collections.abc import Callable
from typing import Any

import graphene
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shop.graphql.core.errors import ApiErrorCode, api_error

CURSOR_PREFIX = "arrayconnection:"
DEFAULT_PAGE_SIZE = 20


def max_page_size() -> int:
    return int(getattr(settings, "GRAPHQL_MAX_PAGE_SIZE", 100))


def offset_to_cursor(offset: int) -> str:
    return b64encode(f"{CURSOR_PREFIX}{offset}".encode()).decode()


def cursor_to_offset(cursor: str, *, field: str) -> int:
    try:
        text = b64decode(cursor.encode("ascii"), validate=True).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    number = text[len(CURSOR_PREFIX):] if text.startswith(CURSOR_PREFIX) else ""
    if not number.isdigit() or len(number) > 12:
        raise api_error(
            _("Invalid cursor: use a cursor returned by this connection."),
            code=ApiErrorCode.INVALID_CURSOR, field=field,
        )
    return int(number)


def check_page_size(value: int | None, *, field: str) -> None:
    limit = max_page_size()
    if value is None:
        return
    if value < 0:
        raise api_error(
            _("“%(field)s” must not be negative.") % {"field": field},
            code=ApiErrorCode.INVALID_ARGUMENT, field=field,
        )
    if value > limit:
        raise api_error(
            _("“%(field)s” is %(value)d but at most %(limit)d items can be requested at once.")
            % {"field": field, "value": value, "limit": limit},
            code=ApiErrorCode.PAGE_SIZE_TOO_LARGE, field=field,
        )


class CountableConnection(graphene.relay.Connection):
    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Number of items in the whole connection.")

    @staticmethod
    def resolve_total_count(root: Any, info: graphene.ResolveInfo) -> int:
        length = root.length  # a number, or the count to run when totalCount is asked for
        return length() if callable(length) else length


def paginate(
    queryset: QuerySet,
    connection_type: type[CountableConnection],
    *,
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
) -> CountableConnection:
    """One page query; slicing follows the Relay cursor specification. Paging forwards
    (``first``/``after``) reads one row more than the page to tell whether another page
    follows, and runs the ``COUNT`` only when ``totalCount`` is selected; paging backwards
    counts first (issue 15)."""
    check_page_size(first, field="first")
    check_page_size(last, field="last")
    if first is not None and last is not None:
        raise api_error(
            _("Use either “first” or “last”, not both."),
            code=ApiErrorCode.INVALID_ARGUMENT, field="last",
        )
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    after_offset = cursor_to_offset(after, field="after") if after is not None else None
    before_offset = cursor_to_offset(before, field="before") if before is not None else None
    lower = after_offset + 1 if after_offset is not None else 0

    length: int | Callable[[], int]
    if first is not None and before_offset is None:
        start = lower
        rows = list(queryset[start:start + first + 1])
        nodes, has_next_page = rows[:first], len(rows) > first
        length = queryset.count  # the same statements on every page, the last one included
    else:
        length = queryset.count()
        upper = min(before_offset, length) if before_offset is not None else length
        start, end = min(lower, length), max(min(lower, length), upper)
        if first is not None:
            end = min(end, start + first)
        if last is not None:
            start = max(start, end - last)
        nodes = list(queryset[start:end]) if end > start else []
        has_next_page = first is not None and end < upper

    edge_type = connection_type.Edge
    edges = [edge_type(node=node, cursor=offset_to_cursor(start + i)) for i, node in enumerate(nodes)]
    page_info = graphene.relay.PageInfo(
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=last is not None and start > lower,
        has_next_page=has_next_page,
    )
    connection = connection_type(edges=edges, page_info=page_info)
    connection.length = length
    return connection

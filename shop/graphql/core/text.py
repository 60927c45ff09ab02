"""Text that no argument may carry: C0 control characters other than tab, line feed and
carriage return (NUL, which PostgreSQL cannot store, among them) and lone UTF-16
surrogates (which no database or response can encode).

``invalid_text_paths`` finds them anywhere in a field's coerced arguments (strings, input
objects, lists). ``shop.graphql.text_guard`` applies it to every field of the schema that
takes text, and ``BaseMutation`` turns it into ``errors { field code message }``.
"""

import re
from typing import Any

from django.utils.translation import gettext as _

# \t \n \r stay allowed: multi-line text from a form arrives with CRLF line ends.
INVALID_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")


def invalid_text_paths(value: Any, path: str = "") -> list[str]:
    """Dotted paths (``filter.county``, ``lines.0.note``) of the strings holding an invalid
    character; walked with a stack, so deeply nested input cannot exhaust the recursion limit."""
    found: list[str] = []
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if INVALID_TEXT.search(item):
                found.append(where)
        elif isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in item.items())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return sorted(found)


def invalid_text_message() -> str:
    return _("Remove the control characters or invalid Unicode from this text.")

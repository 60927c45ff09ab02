"""Pinyin and initials for search: ``shanyang`` and ``sy`` find 山羊, ``duan`` finds 都安.

Chinese has no spaces between words, so search matches substrings of a precomputed text
(``Product.search_text``). For every Chinese name we store its pinyin with the syllables
joined (``shanyang``) and its initials (``sy``), in one reading: pypinyin's phrase-aware one
(expanding every heteronym only added noise such as 族 → sou/cou). Place names whose local reading differs from pypinyin's default are fixed in
``PLACE_READINGS``.

``catalog/migrations/0006_search.py`` repeats this logic (migrations must not import
application code): change both together.
"""

from functools import cache
from typing import TYPE_CHECKING

from shop.common.lazy import lazy_module

if TYPE_CHECKING:
    import pypinyin
else:
    # Its dictionaries take about 56 MB, which a worker that only serves the catalog never
    # needs (issue 15): the module's code runs when a name is first converted.
    pypinyin = lazy_module("pypinyin")

# Local readings pypinyin gets wrong by default (都安 is Dū'ān, not Dōu'ān).
PLACE_READINGS: dict[str, list[list[str]]] = {
    "都安": [["dū"], ["ān"]],
}
SEPARATOR = "|"


@cache
def _pypinyin():
    """pypinyin with the local readings loaded (once per process)."""
    pypinyin.load_phrases_dict(PLACE_READINGS)
    return pypinyin


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def pinyin_forms(text: str) -> list[str]:
    """The joined pinyin and the initials of ``text`` (lower case, no spaces); empty for
    text without Chinese characters. Uses pypinyin's phrase-aware reading of each word."""
    text = (text or "").strip().lower()
    if not _has_han(text):
        return []
    pypinyin = _pypinyin()
    syllables = [s.replace(" ", "") for s in pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL) if s.strip()]
    return ["".join(syllables), "".join(s[:1] for s in syllables)]


def name_forms(*names: str) -> list[str]:
    """Each name in lower case followed by its pinyin forms, without duplicates."""
    forms: list[str] = []
    for name in names:
        name = (name or "").strip().lower()
        if not name:
            continue
        for form in [name, *pinyin_forms(name)]:
            if form and form not in forms:
                forms.append(form)
    return forms


def join_forms(forms: list[str]) -> str:
    """``|a|b|c|``: a term matches whole forms with ``|term|`` and prefixes with ``|term``;
    the separator also stops a match from running across two fields."""
    clean = [f.replace(SEPARATOR, " ") for f in forms if f]
    return SEPARATOR + SEPARATOR.join(clean) + SEPARATOR if clean else ""

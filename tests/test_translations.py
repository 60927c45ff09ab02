"""Chinese first: every UI string has a Simplified Chinese translation, kept current."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
SOURCES = ["manage.py", "bench", "shop", "catalog", "suppliers", "orders", "frontend", "locale"]
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")


def test_the_chinese_catalog_is_complete():
    po = polib.pofile(str(PO))
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"


def test_translations_keep_their_placeholders():
    po = polib.pofile(str(PO))
    wrong = []
    for entry in po.translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append((entry.msgid, text))
    assert not wrong, wrong[:5]


def test_no_string_in_the_code_is_missing_from_the_catalog(tmp_path):
    """Runs makemessages on a copy of the sources and compares the message ids."""
    for name in SOURCES:
        src = ROOT / name
        dst = tmp_path / name
        if src.is_dir():
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy2(src, dst)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shop.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    fresh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / PO.relative_to(ROOT)))}
    committed = {(e.msgctxt, e.msgid) for e in polib.pofile(str(PO)) if not e.obsolete}
    new = sorted(m for _, m in fresh - committed)
    assert not new, f"run `make messages-update` and translate: {new[:10]}"

"""Debian's Chromium under Playwright's sync API, for every browser test.

Playwright's sync API runs an event loop in the test's thread. While it runs, asgiref keeps
Django's database connections in context-local storage instead of the thread's, so a
connection the test opens next to Playwright (a ``force_login``, an ORM assertion) is not the
one Django closes before the test database is dropped: left open, it made the teardown fail
with "database … is being accessed by other users" on PostgreSQL. ``chromium()`` closes those
connections before it leaves Playwright's loop."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Any]:
    """A launched headless Chromium (a Playwright ``Browser``), closed afterwards."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (make test does, through "
            "scripts/bootstrap-system test) to run the browser tests."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()  # the connections opened inside Playwright's loop (see above)

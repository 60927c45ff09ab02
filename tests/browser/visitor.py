"""One person's browser on the live server, for the flows in headless Chromium
(tests/browser/test_supplier_onboarding_flow.py, tests/browser/test_order_flow.py):
``Visitor``, the ``visitors`` fixture that opens one per person, and ``zh`` for the
Chinese text the pages show."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.browser.chromium import chromium
from tests.browser.test_walk import ARTIFACTS


def zh(message: Any, plural: str = "", number: int = 0, **params: Any) -> str:
    """A message (or a lazy label) as the pages show it in Chinese, from the same catalogue."""
    from django.utils import translation

    with translation.override("zh-hans"):
        if plural:
            text = translation.ngettext(message, plural, number)
        else:
            text = translation.gettext(message) if isinstance(message, str) else str(message)
    return text % params if params else text


@dataclass
class Visitor:
    """One person's browser context and page on the live server."""

    page: Any
    base_url: str
    name: str
    secure: bool
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None and response.status == 200, (path, response and response.status)
        return response

    def submit(self, selector: str) -> str:
        """Click a form's submit button, wait for the page it leads to (a 200 after a
        redirect) and return that page's HTML as the server sent it.

        With production settings (PostgreSQL runs) every request says it came over https
        (X-Forwarded-Proto), so the CSRF check wants an https Origin, which the browser does
        not send to this http server: the post gets one as an extra header. Chromium refuses
        that forged header on the requests of the page the post leads to (its styles and
        images fail), so that page is loaded again without it; its one-time messages are
        then gone from the screen but are in the returned HTML."""
        before = len(self.failed)
        if self.secure:
            self.page.set_extra_http_headers({"Origin": self.base_url.replace("http:", "https:", 1)})
        try:
            with self.page.expect_navigation() as navigation:
                self.page.click(selector)
        finally:
            if self.secure:
                self.page.set_extra_http_headers({})
        response = navigation.value
        assert response is not None and response.status == 200, (selector, response and response.status)
        assert response.request.method == "GET", "the post did not redirect"
        html = response.text()
        if self.secure:
            refused = len(self.failed)
            self.goto(self.page.url.removeprefix(self.base_url))
            del self.failed[before:refused]  # what the forged Origin broke, not the page
        return html

    def login(self, path: str, username: str, password: str, button: str) -> None:
        self.goto(path)
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.submit(button)

    def shot(self, step: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"onboarding-{step}.png"), full_page=True)
        # After a full-page capture Chromium keeps reporting the scroll position it used for
        # the capture until the next resize, and a click aimed from it lands elsewhere (on a
        # long form: beside the submit button). A resize makes layout and scroll agree again.
        size = self.page.viewport_size
        self.page.set_viewport_size({**size, "height": size["height"] + 1})
        self.page.set_viewport_size(size)

    def assert_clean(self) -> None:
        assert not self.errors, (self.name, self.errors)
        assert not [url for url in self.failed if url.startswith(self.base_url)], (self.name, self.failed)


@pytest.fixture
def visitors(live_server) -> Iterator[Any]:
    """``visitors(name)`` opens a fresh browser context (no cookies) for one person."""
    from django.conf import settings as django_settings

    with chromium() as browser:

        def open_visitor(name: str) -> Visitor:
            # With DATABASE_URL set the settings are production's: HTTPS redirects unless the
            # request says, as the TLS-terminating proxy does, that it came over HTTPS.
            context = browser.new_context(
                locale="zh-CN", viewport={"width": 1280, "height": 900},
                extra_http_headers={"X-Forwarded-Proto": "https"},
            )
            page = context.new_page()
            visitor = Visitor(
                page=page, base_url=live_server.url, name=name,
                secure=bool(django_settings.SECURE_PROXY_SSL_HEADER),
            )
            page.on("pageerror", lambda exc: visitor.errors.append(str(exc)))
            # a script or style the Content-Security-Policy blocked is an error too
            page.on("console", lambda msg: visitor.errors.append(msg.text) if "Content Security Policy" in msg.text else None)
            # The favicon fetch is cancelled when the page navigates on quickly (a race in
            # Chromium, not a broken page); tests/frontend/test_rough_edges.py checks it is served.
            page.on("requestfailed", lambda request: None if request.url.endswith("/favicon.svg") else visitor.failed.append(request.url))
            return visitor

        yield open_visitor

"""A visitor walks the storefront in headless Chromium: home → county → product → trace.

Runs against pytest-django's live server with data from the factories (real images made
with Pillow). Debian's Chromium is required: ``make test`` installs it; without it the test
fails rather than being skipped.
"""

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from tests.browser.chromium import chromium

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The session-wide live server may start before any test has made a STATIC_ROOT.
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(autouse=True)
def _allow_orm_next_to_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django would refuse the ORM."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def served_media(settings, tmp_path):
    """The live server does not serve media by itself (DEBUG is off in tests)."""
    settings.ROOT_URLCONF = "tests.browser.urls"
    settings.STATIC_ROOT = tmp_path / "static"  # WhiteNoise warns when it is missing
    settings.STATIC_ROOT.mkdir()


def photo(color: tuple[int, int, int]) -> ContentFile:
    image = Image.new("RGB", (960, 720), color)
    draw = ImageDraw.Draw(image)
    for x in range(0, 960, 60):
        draw.ellipse((x, 420, x + 80, 500), fill=tuple(min(255, c + 60) for c in color))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def attach_photo(product, *, alt: str, color: tuple[int, int, int]) -> None:
    from catalog.services.images import product_image_add

    product_image_add(product=product, upload=photo(color), alt=alt)


@pytest.fixture
def shop_data(regions, served_media):
    from catalog.models import ProductVariant
    from catalog.services.listings import product_refresh_summary
    from shop.regions.models import Region
    from suppliers.models import CertificationKind
    from tests.factories import (
        DUAN,
        LONGCHUAN,
        CategoryFactory,
        CertificationFactory,
        ProductFactory,
        SupplierFactory,
        first_village,
    )

    yidu = Region.objects.get(code="441622102")
    supplier = SupplierFactory(
        legal_name="龙川县义都镇山茶油专业合作社", slug="yidu-oil", county_code=LONGCHUAN,
        township=yidu, village=first_village(yidu), poor_households=46,
        linkage_description="合作社按保底价收购贫困户的油茶籽。",
    )
    cert = CertificationFactory(supplier=supplier, kind=CertificationKind.GREEN, number="LB-44-20-01")
    oil_category = CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil")
    oil = ProductFactory(
        name="龙川山茶油", name_en="Longchuan camellia oil", slug="longchuan-camellia-oil",
        supplier=supplier, category=oil_category, with_variant=False, is_featured=True,
        shelf_life_days=540, storage="阴凉干燥处", poor_households=46,
    )
    ProductVariant.objects.create(
        product=oil, sku="LC-OIL-500", spec="500ml/瓶", unit="瓶", price=Decimal("98.00"),
        market_price=Decimal("110.00"), stock=120,
    )
    product_refresh_summary(product=oil)
    oil.certifications.add(cert)
    attach_photo(oil, alt="龙川山茶油 500ml 瓶装", color=(180, 140, 40))
    attach_photo(oil, alt="油茶果", color=(90, 120, 50))
    tea = ProductFactory(name="龙川桂林茶", slug="longchuan-tea", supplier=supplier, category=oil_category)
    attach_photo(tea, alt="桂林茶", color=(70, 120, 60))
    ProductFactory(name="都安山羊肉", slug="duan-goat", supplier=SupplierFactory(county_code=DUAN))
    return {"oil": oil}


@pytest.fixture
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


def focused(page) -> dict:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return {tag: e.tagName, id: e.id, cls: e.className, text: (e.textContent || '').trim(),"
        " href: e.getAttribute('href')}; }"
    )


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"walk-{name}.png"), full_page=True)


def open_page(browser):
    """A Chinese-speaking page, the script and CSP errors it reports and the requests that
    failed."""
    # With DATABASE_URL set the settings are production's: HTTPS redirects unless the request
    # says, as the TLS-terminating proxy in front of the shop does, that it came over HTTPS.
    # (The live server is session-wide, so its middleware keeps the settings it started with.)
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900},
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # a script or style the Content-Security-Policy blocked is an error too
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    failed: list[str] = []
    # a favicon fetch cancelled by a quick navigation is not a broken page (served: test_rough_edges)
    page.on("requestfailed", lambda request: None if request.url.endswith("/favicon.svg") else failed.append(request.url))
    return context, page, errors, failed


def see_the_home_page(page, live_server) -> None:
    """Home, in Chinese by default."""
    response = page.goto(f"{live_server.url}/")
    assert response is not None and response.status == 200
    assert page.get_attribute("html", "lang") == "zh-hans"
    assert page.get_by_role("navigation").first.get_by_role("link", name="龙川县").is_visible()
    assert page.get_by_text("龙川山茶油").first.is_visible()


def tab_to_the_skip_link(page) -> None:
    """Keyboard: the first Tab reaches the skip link, which becomes visible and moves focus to main."""
    page.keyboard.press("Tab")
    first = focused(page)
    assert "skip-link" in first["cls"] and first["href"] == "#main"
    assert page.locator(".skip-link").bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"


def tab_to_the_county(page, live_server) -> None:
    """Tab on through the header until the main navigation's link to the county, then Enter."""
    page.goto(f"{live_server.url}/")
    for _ in range(25):
        page.keyboard.press("Tab")
        if focused(page)["href"] == "/counties/longchuan/":
            break
    else:
        pytest.fail("Tab never reached the navigation link to 龙川县")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused link shows no focus ring"
    shot(page, "1-home")
    page.keyboard.press("Enter")
    page.wait_for_url("**/counties/longchuan/")


def see_the_county_and_open_the_product(page) -> None:
    assert page.locator("h1").inner_text().startswith("龙川县")
    assert page.get_by_text("义都镇").first.is_visible()
    assert page.get_by_role("link", name="龙川县义都镇山茶油专业合作社").is_visible()
    shot(page, "2-county")
    page.get_by_role("link", name="龙川山茶油").first.click()
    page.wait_for_url("**/products/longchuan-camellia-oil/")


def see_the_product_and_open_its_trace(page, oil) -> None:
    """Product page: name, variant, provenance, a real photo that loaded."""
    assert page.locator("h1").inner_text() == "龙川山茶油"
    assert page.get_by_role("cell", name="¥98.00").is_visible()
    assert page.get_by_role("rowheader", name="500ml/瓶").is_visible()
    main_photo = page.locator(".gallery-main img")
    assert main_photo.get_attribute("alt") == "龙川山茶油 500ml 瓶装"
    assert page.evaluate("() => document.querySelector('.gallery-main img').naturalWidth") > 0
    assert page.locator(".gallery-thumbs img").count() == 2
    shot(page, "3-product")
    page.locator(f'a.button[href="/trace/{oil.slug}/"]').click()
    page.wait_for_url("**/trace/longchuan-camellia-oil/")


def see_the_trace_page(page, live_server):
    """Trace page (溯源): provenance facts and a QR code pointing at this very page."""
    assert page.locator(".eyebrow").first.inner_text().count("溯源") == 1
    label = page.locator(".trace-label")
    label_text = label.inner_text()
    for fact in ("龙川山茶油", "广东省 龙川县 义都镇", "龙川县义都镇山茶油专业合作社", "LB-44-20-01", "46", "阴凉干燥处"):
        assert fact in label_text, fact
    assert label.locator("svg").is_visible()
    trace_url = f"{live_server.url}/trace/longchuan-camellia-oil/"
    assert trace_url in label_text
    qr = page.request.get(f"{trace_url}qr.svg")
    assert qr.status == 200 and qr.headers["content-type"].startswith("image/svg+xml")
    shot(page, "4-trace")
    return label


def print_the_trace_label(page, label) -> None:
    """Printed, the page is the packaging label without the site's header."""
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert label.is_visible()
    shot(page, "5-trace-print")


def test_walk_home_county_product_trace_in_chinese(live_server, shop_data, browser, settings):
    settings.SITE_URL = live_server.url
    context, page, errors, failed = open_page(browser)
    see_the_home_page(page, live_server)
    tab_to_the_skip_link(page)
    tab_to_the_county(page, live_server)
    see_the_county_and_open_the_product(page)
    see_the_product_and_open_its_trace(page, shop_data["oil"])
    label = see_the_trace_page(page, live_server)
    print_the_trace_label(page, label)
    assert not errors, errors
    assert not [url for url in failed if url.startswith(live_server.url)], failed
    context.close()

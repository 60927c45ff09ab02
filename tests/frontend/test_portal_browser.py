"""A supplier's team member works in the portal in headless Chromium: creates a listing with
a specification, uploads two photos at once, makes the second the main photo, corrects a
stock figure after a refused one, and submits the listing for review."""

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from catalog.models import Product, ProductStatus
from tests.browser.chromium import chromium
from tests.world import build_portal_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


@pytest.fixture(autouse=True)
def _allow_orm_next_to_playwright(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(regions, settings, tmp_path):
    settings.ROOT_URLCONF = "tests.browser.urls"  # serves media files
    return build_portal_world()


def photo(path: Path, color: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (800, 600), color)
    ImageDraw.Draw(image).ellipse((250, 150, 550, 450), fill=(240, 200, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def session_cookie(user, live_server) -> dict:
    from django.conf import settings as django_settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return {"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": live_server.url}


def submit(page, live_server, selector: str) -> None:
    """Click a form's button. Over (proxied) https the CSRF check wants the https Origin,
    which the browser would not send from this http test server: add it for the POST only,
    then load the page the POST redirected to again without it."""
    from django.conf import settings as django_settings

    secure = bool(django_settings.SECURE_PROXY_SSL_HEADER)
    if secure:
        page.set_extra_http_headers({"Origin": live_server.url.replace("http:", "https:", 1)})
    with page.expect_navigation() as navigation:
        page.click(selector)
    if secure:
        page.set_extra_http_headers({})
        if navigation.value.request.method == "GET":
            page.goto(page.url)


def open_portal_page(browser, user, live_server):
    """A Chinese-speaking browser page logged in as ``user``, and the list its script and
    CSP errors go to."""
    # With DATABASE_URL set the settings are production's: the request must say, as the
    # TLS-terminating proxy does, that it came over HTTPS (see ``submit`` for forms).
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900},
        extra_http_headers={"X-Forwarded-Proto": "https"},
    )
    context.add_cookies([session_cookie(user, live_server)])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    return page, errors


def create_the_listing(page, live_server, world) -> Product:
    """Fill in the new listing with a refused price first, then the right one."""
    response = page.goto(f"{live_server.url}/portal/products/new/")
    assert response.status == 200 and page.get_attribute("html", "lang") == "zh-hans"
    page.fill("#id_name", "龙川柿饼")
    page.select_option("#id_category", str(world["category"].pk))
    page.select_option("#id_township", world["township"].code)
    page.select_option("#id_village", world["village"].code)
    page.check(f"input[name=certifications][value='{world['cert'].pk}']")
    page.fill("#id_variants-0-spec", "500g/盒")
    page.fill("#id_variants-0-unit", "盒")
    page.fill("#id_variants-0-price", "0")  # refused, nothing saved
    page.fill("#id_variants-0-stock", "30")
    submit(page, live_server, "form.product-form button[type=submit]")
    assert page.locator("#id_variants-0-price_error").is_visible()
    assert not Product.objects.filter(name="龙川柿饼").exists()
    page.fill("#id_variants-0-price", "39.90")
    submit(page, live_server, "form.product-form button[type=submit]")
    product = Product.objects.get(name="龙川柿饼")
    assert page.url.endswith(f"/portal/products/{product.pk}/images/")
    return product


def upload_two_photos_and_make_the_second_main(page, live_server, product, tmp_path) -> None:
    page.set_input_files(
        "#id_photos", [str(photo(tmp_path / "a.jpg", (180, 90, 40))), str(photo(tmp_path / "b.jpg", (60, 120, 70)))]
    )
    submit(page, live_server, "form.upload-form button[type=submit]")
    assert page.locator(".photo").count() == 2
    first, second = product.images.order_by("position")
    submit(page, live_server, f"form[action$='/images/{second.pk}/main/'] button")
    assert list(product.images.order_by("position").values_list("pk", flat=True)) == [second.pk, first.pk]
    page.wait_for_function(  # the main photo's thumbnail is served and decoded
        "() => { const i = document.querySelector('.photo img');"
        " return i && i.complete && i.naturalWidth > 0; }",
        timeout=10_000,
    )


def correct_the_stock(page, live_server, product) -> None:
    """A fractional stock figure is refused; a whole one is saved."""
    page.goto(f"{live_server.url}/portal/stock/")
    variant = product.variants.get()
    page.fill(f"#stock-{variant.pk}", "2.5")
    submit(page, live_server, "form.stock-form button[type=submit]")
    assert page.locator(f"#stock-{variant.pk}-error").is_visible()
    page.fill(f"#stock-{variant.pk}", "45")
    submit(page, live_server, "form.stock-form button[type=submit]")
    variant.refresh_from_db()
    assert variant.stock == 45


def submit_for_review(page, live_server, product, tmp_path) -> None:
    page.goto(f"{live_server.url}/portal/products/{product.pk}/")
    submit(page, live_server, f"form[action$='/products/{product.pk}/submit/'] button")
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED
    assert page.locator(".title-with-status .badge").inner_text() == ProductStatus.SUBMITTED.label
    page.screenshot(path=str(tmp_path / "portal-submitted.png"), full_page=True)


def test_a_member_lists_a_product_with_photos_and_submits_it(live_server, world, tmp_path):
    with chromium() as browser:
        page, errors = open_portal_page(browser, world["colleague"], live_server)
        product = create_the_listing(page, live_server, world)
        upload_two_photos_and_make_the_second_main(page, live_server, product, tmp_path)
        correct_the_stock(page, live_server, product)
        submit_for_review(page, live_server, product, tmp_path)
        assert not errors

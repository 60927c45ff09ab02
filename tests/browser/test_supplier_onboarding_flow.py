"""From application to storefront in headless Chromium, through the real pages only.

A cooperative of 大化瑶族自治县 applies at /join/, the county's coordinator recommends it at
/coordinator/, staff approve it with the admin action, the supplier lists a product with two
photos in /portal/ and submits it, staff approve and publish it from the admin's review panel,
and the product is then found in the catalogue and the search, with its photos and its origin.
Each actor has a browser context of their own and logs in through the login pages.
"""

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw

# ``visitors``: one browser context per person (a fixture, imported to be registered here).
from tests.browser.visitor import visitors, zh  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DAHUA = "451229"
QIBAINONG = "451229211"  # 七百弄乡
NONGHE = "451229211201"  # 弄合村委会
LEGAL_NAME = "大化瑶族自治县七百弄乡瑶山土鸡养殖专业合作社"
PRODUCT_NAME = "大化七百弄瑶山跑山鸡蛋"
SEARCH_WORD = "跑山鸡蛋"  # no other product has it
APPLICANT_EMAIL = "yaoshan.coop@example.com"
PASSWORD = "Yaoshan-eggs-2024"
COORDINATOR_EMAIL = "coordinator@dahua.example.com"
STAFF_USERNAME = "platform-staff"


@pytest.fixture(autouse=True)
def _allow_orm_next_to_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; Django would refuse the ORM."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def world(regions, settings, tmp_path) -> dict[str, Any]:
    """A category, a coordinator of 大化, a staff superuser and another county's product."""
    from shop.regions.models import Region
    from suppliers.models import CountyCoordinator
    from tests.factories import CategoryFactory, ProductFactory, UserFactory

    settings.ROOT_URLCONF = "tests.browser.urls"  # serves media files
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    coordinator = UserFactory(username="dahua-coordinator", email=COORDINATOR_EMAIL)
    coordinator.set_password(PASSWORD)
    coordinator.save()
    CountyCoordinator.objects.create(user=coordinator, county=Region.objects.get(code=DAHUA))
    staff = UserFactory(username=STAFF_USERNAME, is_staff=True, is_superuser=True)
    staff.set_password(PASSWORD)
    staff.save()
    category = CategoryFactory(slug="meat-eggs", name="肉禽蛋", name_en="Meat, poultry and eggs")
    other = ProductFactory(name="龙川山茶油", slug="longchuan-camellia-oil")
    return {"coordinator": coordinator, "staff": staff, "category": category, "other": other}


def minimal_pdf() -> bytes:
    """A real one-page PDF with a correct cross-reference table."""
    content = b"BT /F1 18 Tf 72 770 Td (Business licence) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def photo(path: Path, fmt: str, color: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (900, 675), color)
    draw = ImageDraw.Draw(image)
    for x in range(60, 900, 160):
        draw.ellipse((x, 300, x + 90, 420), fill=(245, 235, 210))  # eggs
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    path.write_bytes(buffer.getvalue())
    return path


def apply_as_a_cooperative(visitor_for, credit_code: str, licence: Path):
    """1. An anonymous visitor applies as a cooperative of 大化."""
    from suppliers.models import Supplier, SupplierStatus

    applicant = visitor_for("applicant")
    applicant.goto("/join/")
    page = applicant.page
    assert page.get_attribute("html", "lang") == "zh-hans"
    page.fill("#id_legal_name", LEGAL_NAME)
    page.fill("#id_short_name", "瑶山土鸡社")
    page.select_option("#id_supplier_type", "cooperative")
    page.fill("#id_credit_code", credit_code.lower())  # the form accepts any letter case
    page.select_option("#id_county", DAHUA)
    assert page.is_enabled("#id_township")  # the script enables the townships of the county
    page.select_option("#id_township", label="七百弄乡")
    page.select_option("#id_village", label="弄合村委会")
    page.fill("#id_address", "七百弄乡弄合村 3 号")
    page.fill("#id_contact_name", "蓝美英")
    page.fill("#id_contact_phone", "13877812345")
    page.fill("#id_bank_name", "广西农村信用社大化支行")
    page.fill("#id_bank_account_name", LEGAL_NAME)
    page.fill("#id_bank_account_number", "6228480123456789019")
    page.select_option("#id_linkage_mechanism", "business")
    page.fill("#id_poor_households", "28")
    page.fill("#id_linkage_description", "合作社按保底价收购贫困户散养的土鸡蛋。")
    page.set_input_files("#id_license_document", str(licence))
    page.fill("#id_applicant_email", APPLICANT_EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    applicant.shot("1-join-form")
    html = applicant.submit("form.apply-form button[type=submit]")
    # The applicant logs in next (the answer does not tell whether the address had an account).
    assert page.url.endswith("/accounts/login/?next=/join/status/")
    assert APPLICANT_EMAIL in html
    applicant.login(
        "/accounts/login/?next=/join/status/", APPLICANT_EMAIL, PASSWORD,
        "form[action='/accounts/login/'] button[type=submit]",
    )
    assert page.url.endswith("/join/status/")
    assert page.locator("h1").inner_text() == LEGAL_NAME
    assert "大化瑶族自治县 · 七百弄乡 · 弄合村委会" in page.locator(".page-head").inner_text()
    assert page.locator(".pipeline-step.is-done").count() == 1
    assert page.locator(".pipeline-step.is-current").count() == 1
    applicant.shot("1-join-status")
    supplier = Supplier.objects.get(credit_code=credit_code)
    assert supplier.status == SupplierStatus.APPLIED
    assert (supplier.county_id, supplier.township_id, supplier.village_id) == (DAHUA, QIBAINONG, NONGHE)
    assert supplier.license_document.read().startswith(b"%PDF-")
    return applicant, supplier


def recommend_as_coordinator(visitor_for, supplier, credit_code: str):
    """2. The coordinator of 大化 logs in, opens the application and recommends it."""
    from suppliers.models import SupplierStatus

    coordinator = visitor_for("coordinator")
    coordinator.login(
        "/accounts/login/", COORDINATOR_EMAIL, PASSWORD, "form[action='/accounts/login/'] button[type=submit]"
    )
    assert coordinator.page.url.endswith("/coordinator/")
    coordinator.shot("2-coordinator-list")
    with coordinator.page.expect_navigation():
        coordinator.page.get_by_role("link", name=LEGAL_NAME).click()
    assert coordinator.page.url.endswith(f"/coordinator/{supplier.pk}/")
    assert credit_code in coordinator.page.locator(".review-layout").inner_text()
    coordinator.page.fill("#id_reason", "材料齐全，经县乡村振兴局核实。")
    html = coordinator.submit(f"form[action$='/coordinator/{supplier.pk}/recommend/'] button[type=submit]")
    assert zh("The application is recommended to the platform.") in html
    assert coordinator.page.locator(".page-head .badge").inner_text() == zh(SupplierStatus.RECOMMENDED.label)
    coordinator.shot("2-coordinator-recommended")
    supplier.refresh_from_db()
    assert supplier.status == SupplierStatus.RECOMMENDED
    return coordinator


def approve_the_supplier_as_staff(visitor_for, supplier):
    """3. Staff log in to the admin and approve the supplier with the list's action."""
    from suppliers.models import SupplierStatus

    staff = visitor_for("staff")
    staff.login("/admin/login/?next=/admin/", STAFF_USERNAME, PASSWORD, "#login-form input[type=submit]")
    assert staff.page.url.endswith("/admin/")
    staff.goto("/admin/suppliers/supplier/?status__exact=recommended")
    assert staff.page.locator("#result_list tbody tr").count() == 1
    staff.page.check(f"input[name=_selected_action][value='{supplier.pk}']")
    staff.page.select_option("select[name=action]", "approve")
    staff.shot("3-admin-approve-supplier")
    html = staff.submit("#changelist-form button[name=index]")
    assert zh("%(count)d supplier approved.", "%(count)d suppliers approved.", 1, count=1) in html
    staff.shot("3-admin-supplier-approved")
    supplier.refresh_from_db()
    assert supplier.status == SupplierStatus.APPROVED
    return staff


def list_and_submit_a_product(visitor_for, world, tmp_path):
    """4. The supplier logs in, lists a product with a specification, two photos, and submits it."""
    from catalog.models import Product, ProductStatus

    seller = visitor_for("seller")
    seller.login(
        "/accounts/login/", APPLICANT_EMAIL, PASSWORD, "form[action='/accounts/login/'] button[type=submit]"
    )
    page = seller.page
    assert page.url.endswith("/portal/")
    with page.expect_navigation():
        page.click("main a.button[href='/portal/products/new/']")
    page.fill("#id_name", PRODUCT_NAME)
    page.select_option("#id_category", str(world["category"].pk))
    page.fill("#id_summary", "瑶山散养跑山鸡所产土鸡蛋，当天拣选")
    page.select_option("#id_township", QIBAINONG)
    page.select_option("#id_village", NONGHE)
    page.fill("#id_poor_households", "28")
    page.fill("#id_shelf_life_days", "30")
    page.fill("#id_storage", "冷藏保存")
    page.fill("#id_variants-0-spec", "30枚/箱")
    page.fill("#id_variants-0-unit", "箱")
    page.fill("#id_variants-0-price", "59.90")
    page.fill("#id_variants-0-market_price", "55.00")
    page.fill("#id_variants-0-stock", "120")
    seller.shot("4-portal-new-product")
    html = seller.submit("form.product-form button[type=submit]")
    assert zh("Product saved as a draft. Now add photos, then submit it for review.") in html
    product = Product.objects.get(name=PRODUCT_NAME)
    assert page.url.endswith(f"/portal/products/{product.pk}/images/")
    page.set_input_files("#id_photos", [
        str(photo(tmp_path / "eggs-basket.jpg", "JPEG", (150, 95, 45))),
        str(photo(tmp_path / "hens-on-hill.png", "PNG", (70, 125, 60))),
    ])
    seller.submit("form.upload-form button[type=submit]")
    assert page.locator(".photo").count() == 2
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.photo img'))"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    seller.shot("4-portal-photos")
    with page.expect_navigation():
        page.click(f"main a.button[href='/portal/products/{product.pk}/']")
    html = seller.submit(f"form[action$='/products/{product.pk}/submit/'] button")
    assert zh("Submitted for review. Staff will check it soon.") in html
    product.refresh_from_db()
    assert product.status == ProductStatus.SUBMITTED
    assert page.locator(".title-with-status span").inner_text() == zh(ProductStatus.SUBMITTED.label)
    seller.shot("4-portal-submitted")
    return seller, product


def approve_and_publish_the_product(staff, product) -> None:
    """5. Staff find it in the review queue and approve and publish it from the review panel."""
    from catalog.models import ProductStatus

    staff.goto("/admin/catalog/product/?review=awaiting")
    with staff.page.expect_navigation():
        staff.page.locator("#result_list").get_by_role("link", name=PRODUCT_NAME).click()
    assert "/review/approve/" in staff.page.locator("#review-panel").inner_html()
    staff.shot("5-admin-product-review")
    html = staff.submit("#review-panel form[action$='/review/approve/'] input[type=submit]")
    assert zh("“%(product)s” approved and published.", product=PRODUCT_NAME) in html
    staff.shot("5-admin-product-approved")
    product.refresh_from_db()
    assert product.status == ProductStatus.APPROVED and product.is_published and product.is_visible


def find_it_as_a_buyer(visitor_for, product):
    """6. A buyer finds it in the catalogue and the search, and sees its photos and origin."""
    buyer = visitor_for("buyer")
    buyer.goto("/products/")
    cards = buyer.page.locator(".product-card")
    assert cards.filter(has_text=PRODUCT_NAME).count() == 1
    assert cards.filter(has_text="龙川山茶油").count() == 1
    buyer.shot("6-catalog")
    buyer.page.fill("#site-search-q", SEARCH_WORD)
    with buyer.page.expect_navigation():
        buyer.page.press("#site-search-q", "Enter")
    assert "q=" in buyer.page.url
    assert buyer.page.locator(".product-card").count() == 1
    assert cards.filter(has_text=PRODUCT_NAME).count() == 1
    buyer.goto(f"/products/?q={PRODUCT_NAME}")
    assert [t.strip() for t in buyer.page.locator(".product-card .card-title").all_inner_texts()] == [PRODUCT_NAME]
    buyer.shot("6-search")
    with buyer.page.expect_navigation():
        buyer.page.get_by_role("link", name=PRODUCT_NAME).click()
    assert buyer.page.url.endswith(f"/products/{product.slug}/")
    assert buyer.page.locator("h1").inner_text() == PRODUCT_NAME
    assert buyer.page.locator(".gallery-thumbs img").count() == 2
    buyer.page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.gallery img'))"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    origin = re.sub(r"\s+", " ", buyer.page.locator(".origin-chain").inner_text())
    assert re.search(r"大化瑶族自治县 ?→.*七百弄乡 ?→.*弄合村委会", origin), origin
    assert buyer.page.get_by_text("瑶山土鸡社").first.is_visible()  # the supplier's short name
    buyer.shot("6-product")
    return buyer


def check_the_database(world, supplier, product) -> None:
    """The database agrees with what the pages showed."""
    from django.contrib.contenttypes.models import ContentType

    from catalog.models import Product
    from shop.common.models import AuditEvent, EffectClaim
    from suppliers.models import SupplierStatus

    supplier.refresh_from_db()
    assert supplier.status == SupplierStatus.APPROVED
    assert Product.objects.visible().filter(pk=product.pk).exists()
    images = list(product.images.order_by("position"))
    assert len(images) == 2
    for image in images:
        assert image.thumbnails, image
        assert all(default_storage.exists(name) for name in image.thumbnails.values())
    owner = supplier.members.get().user
    assert owner.email == APPLICANT_EMAIL
    actors = {
        (event.action, event.actor_id)
        for obj in (supplier, product)
        for event in AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
    }
    for expected in [
        ("supplier.apply", owner.pk),
        ("supplier.recommend", world["coordinator"].pk),
        ("supplier.approve", world["staff"].pk),
        ("product.create", owner.pk),
        ("product.submit", owner.pk),
        ("product.approve", world["staff"].pk),
    ]:
        assert expected in actors, expected
    sent = {
        tuple(key.split(":", 4)[2::2])  # supplier-mail:<supplier>:<event>:<audit>:<recipient>
        for key in EffectClaim.objects.filter(key__startswith=f"supplier-mail:{supplier.pk}:").values_list("key", flat=True)
    }
    assert {
        ("applied", APPLICANT_EMAIL), ("applied", COORDINATOR_EMAIL),
        ("recommended", APPLICANT_EMAIL), ("approved", APPLICANT_EMAIL),
    } <= sent


def test_supplier_applies_is_admitted_lists_a_product_and_it_reaches_the_storefront(
    live_server, world, visitors, tmp_path, settings  # noqa: F811
):
    from suppliers.validators import make_credit_code

    settings.SITE_URL = live_server.url
    credit_code = make_credit_code(authority="9", org_type="3", division=DAHUA, serial="MA0000701")
    licence = tmp_path / "营业执照.pdf"
    licence.write_bytes(minimal_pdf())
    applicant, supplier = apply_as_a_cooperative(visitors, credit_code, licence)
    coordinator = recommend_as_coordinator(visitors, supplier, credit_code)
    staff = approve_the_supplier_as_staff(visitors, supplier)
    seller, product = list_and_submit_a_product(visitors, world, tmp_path)
    approve_and_publish_the_product(staff, product)
    buyer = find_it_as_a_buyer(visitors, product)
    check_the_database(world, supplier, product)
    for visitor in (applicant, coordinator, staff, seller, buyer):
        visitor.assert_clean()

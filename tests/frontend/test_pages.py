"""Every storefront page renders in Chinese by default and in English after a switch."""

import re

import pytest
from django.utils import timezone

from catalog.services.review import product_set_status
from suppliers.models import CertificationKind, SupplierStatus
from suppliers.services.status import supplier_suspend
from tests.factories import CampaignFactory, CertificationFactory, ProductFactory, SupplierFactory
from tests.frontend.conftest import switch_to_english
from tests.world_catalog import attach_image

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


PAGES = [
    "/",
    "/products/",
    "/products/longchuan-camellia-oil/",
    "/trace/longchuan-camellia-oil/",
    "/suppliers/yidu-oil/",
    "/counties/longchuan/",
]


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_in_chinese_by_default(client, products, url):
    response = client.get(url)
    assert response.status_code == 200
    assert html_lang(response) == "zh-hans"
    body = response.content.decode()
    assert "龙川" in body
    assert 'class="skip-link" href="#main"' in body and '<main id="main"' in body


@pytest.mark.parametrize("url", PAGES)
def test_page_renders_in_english_after_switching(client, products, url):
    switch_to_english(client)
    response = client.get(url)
    assert response.status_code == 200
    assert html_lang(response) == "en"
    assert "Skip to main content" in response.content.decode()


def test_english_uses_english_names_where_they_exist(client, products):
    switch_to_english(client)
    body = client.get("/").content.decode()
    assert "Longchuan camellia oil" in body
    assert ">Longchuan<" in body  # the county's English name in the navigation


def test_language_switch_form_posts_to_set_language(client, products):
    body = client.get("/products/?q=山羊").content.decode()
    assert 'action="/i18n/setlang/"' in body
    assert 'name="language" value="en"' in body
    # The switch returns to the same page.
    assert 'name="next" value="/products/?q=' in body


def test_every_image_has_alt_and_every_field_a_label(client, products):
    attach_image(products["oil"], alt="山茶油瓶装")
    attach_image(products["oil"])
    for url in PAGES:
        body = client.get(url).content.decode()
        for tag in re.findall(r"<img\b[^>]*>", body):
            assert " alt=" in tag, (url, tag)
        for field_id in re.findall(r'<(?:input|select)\b[^>]*\bid="([^"]+)"', body):
            assert f'for="{field_id}"' in body, (url, field_id)


def test_home_shows_campaign_progress_counties_and_featured(client, products, regions):
    from orders.models import EntryKind, LedgerEntry
    from orders.services.ledger import ledger_append

    campaign = CampaignFactory()
    ledger_append(entries=[LedgerEntry(
        campaign=campaign, kind=EntryKind.OFFLINE, amount_fen=1_090_000_000, county_id="441622",
        occurred_at=timezone.now(),
    )])
    body = client.get("/").content.decode()
    assert "¥10,900,000.00" in body and "¥30,000,000.00" in body
    assert 'aria-valuenow="36.3"' in body
    for name in ("龙川县", "都安瑶族自治县", "大化瑶族自治县"):
        assert name in body
    assert "/counties/longchuan/" in body and "/counties/duan/" in body and "/counties/dahua/" in body
    assert "龙川山茶油" in body  # featured
    assert "?category=grain-oil" in body


def test_home_without_campaign_still_renders(client, regions):
    response = client.get("/")
    assert response.status_code == 200
    assert "龙川县" in response.content.decode()


def test_product_page_shows_variants_provenance_and_certifications(client, products, suppliers):
    oil = products["oil"]
    valid = CertificationFactory(
        supplier=suppliers["longchuan"], kind=CertificationKind.GREEN, number="LB-2020-001",
        valid_until="2099-12-31",
    )
    old = CertificationFactory(
        supplier=suppliers["longchuan"], kind=CertificationKind.POVERTY_PRODUCT, number="FP-2019-7",
        valid_from="2019-01-01", valid_until="2020-01-01",
    )
    oil.certifications.add(valid, old)
    attach_image(oil, alt="山茶油瓶装")
    body = client.get("/products/longchuan-camellia-oil/").content.decode()
    assert "500ml/瓶" in body and "¥98.00" in body and "¥110.00" in body  # variant and market price
    assert "龙川县" in body and "义都镇" in body  # county → township
    assert "龙川县义都镇山茶油专业合作社" in body and "/suppliers/yidu-oil/" in body
    assert "LB-2020-001" in body and "FP-2019-7" in body
    assert body.count("cert-expired") == 1  # only the 2020 certificate is marked expired
    assert "540" in body and "阴凉干燥处" in body  # shelf life and storage
    assert "/trace/longchuan-camellia-oil/" in body
    assert 'alt="山茶油瓶装"' in body


def test_product_page_marks_out_of_stock_variant(client, products):
    body = client.get("/products/qibainong-chicken/").content.decode()
    assert "stock-out" in body and "¥168.00" in body


@pytest.mark.parametrize(
    "url",
    ["/products/no-such-thing/", "/trace/no-such-thing/", "/trace/no-such-thing/qr.svg",
     "/suppliers/nobody/", "/counties/atlantis/", "/counties/baoan/"],
)
def test_unknown_slug_is_a_404_page_in_chinese(client, products, url):
    response = client.get(url)
    assert response.status_code == 404
    if not url.endswith(".svg"):
        assert html_lang(response) == "zh-hans"
        assert 'class="error-code">404<' in response.content.decode()


def test_unpublished_and_unapproved_products_are_hidden(client, products, suppliers):
    ProductFactory(name="草稿茶油", slug="draft-oil", supplier=suppliers["longchuan"], status="draft")
    ProductFactory(name="下架茶油", slug="unpublished-oil", supplier=suppliers["longchuan"], is_published=False)
    listing = client.get("/products/").content.decode()
    assert "草稿茶油" not in listing and "下架茶油" not in listing
    assert client.get("/products/draft-oil/").status_code == 404
    assert client.get("/products/unpublished-oil/").status_code == 404
    assert client.get("/trace/draft-oil/").status_code == 404


def test_suspended_supplier_products_vanish(client, products, suppliers):
    assert "都安山羊肉" in client.get("/products/").content.decode()
    supplier_suspend(supplier=suppliers["duan"], reason="抽检不合格")
    assert "都安山羊肉" not in client.get("/products/").content.decode()
    assert "都安山羊肉" not in client.get("/").content.decode()
    assert "都安山羊肉" not in client.get("/counties/duan/").content.decode()
    assert client.get("/products/duan-goat-meat/").status_code == 404
    assert client.get("/trace/duan-goat-meat/").status_code == 404
    assert client.get("/suppliers/duan-goat/").status_code == 404


def test_product_sent_back_to_review_disappears(client, products):
    product_set_status(product=products["tea"], status="submitted")
    assert client.get("/products/longchuan-tea/").status_code == 404


@pytest.mark.parametrize("status", [SupplierStatus.APPLIED, SupplierStatus.RECOMMENDED, SupplierStatus.REJECTED])
def test_non_approved_supplier_page_is_404(client, regions, status):
    SupplierFactory(slug="pending-coop", status=status)
    assert client.get("/suppliers/pending-coop/").status_code == 404


def test_supplier_page_shows_public_facts_and_never_private_ones(client, products, suppliers):
    supplier = suppliers["longchuan"]
    supplier.linkage_description = "合作社收购贫困户的油茶籽"
    supplier.save(update_fields=["linkage_description"])
    CertificationFactory(supplier=supplier, kind=CertificationKind.GEOGRAPHICAL_INDICATION, number="AGI-LC-1")
    body = client.get("/suppliers/yidu-oil/").content.decode()
    assert "龙川县义都镇山茶油专业合作社" in body
    assert "义都镇" in body and "合作社收购贫困户的油茶籽" in body and "AGI-LC-1" in body
    assert "龙川山茶油" in body and "龙川桂林茶" not in body  # its products, not its neighbour's
    for secret in (
        supplier.bank_account_number, supplier.bank_name, supplier.contact_phone,
        supplier.contact_email, supplier.credit_code, supplier.contact_name,
    ):
        assert secret not in body


def test_county_page_lists_townships_with_counts_suppliers_and_products(client, products):
    body = client.get("/counties/dahua/").content.decode()
    assert "大化瑶族自治县" in body and "七百弄乡" in body
    assert re.search(r"七百弄乡</a>\s*<span class=\"count\">2 ", body), "七百弄乡 has two products"
    assert "大化县七百弄鸡养殖合作社" in body
    assert "七百弄鸡" in body and "七百弄山羊" in body
    assert "龙川山茶油" not in body
    assert "?county=dahua&amp;township=451229211" in body

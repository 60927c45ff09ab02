"""Issue 12's rough edges, as a visitor sees them: the registration link in the header, a
favicon, the account tab bar, a pending organization's status on a product page,
certificate names printed once, the coordinator's label for the applicant's description."""

import re

import pytest
from django.contrib.staticfiles import finders

from shop.accounts.models import MemberRole
from suppliers.models import CertificationKind
from tests.factories import (
    CertificationFactory,
    MembershipFactory,
    OrganizationFactory,
)
from tests.frontend.buying_world import count_queries, login, world_fixture  # noqa: F401
from tests.frontend.test_onboarding_coordinator import application, people, url  # noqa: F401

pytestmark = pytest.mark.django_db


def header(html: str) -> str:
    return html.split('<main id="main"', 1)[0]


def test_the_header_links_to_registration_and_the_page_has_a_favicon(client, regions):
    html = client.get("/").content.decode()
    assert 'href="/account/register/"' in header(html)
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon and icon.group(1).endswith("favicon.svg")
    assert finders.find("frontend/favicon.svg")


def test_account_tabs_are_a_tab_bar_with_the_current_tab_marked(client, world):
    login(client, world.admin_a)
    html = client.get("/account/members/").content.decode()
    tabs = html.split('<nav class="tabs"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/account/members/" aria-current="page"' in tabs
    assert finders.find("frontend/layout.css") and ".tabs ul { list-style: none; display: flex;" in open(
        finders.find("frontend/layout.css"), encoding="utf-8").read()


def test_a_pending_organizations_member_is_told_why_they_cannot_order(client, world, django_assert_max_num_queries):
    organization = OrganizationFactory(name="宝安区待审核社区", status="pending")
    member = MembershipFactory(organization=organization, role=MemberRole.PURCHASER).user
    client.force_login(member)
    product = world.variant_a.product
    html = client.get(f"/products/{product.slug}/").content.decode()
    assert "宝安区待审核社区 正在等待平台审核，审核通过后即可下单。" in html
    assert "采购单位入口" not in html
    # One query for the status, whatever the number of specifications.
    small = count_queries(client, f"/products/{product.slug}/")
    for i in range(3):
        product.variants.create(sku=f"EXTRA-{i}", spec=f"{i + 2}kg", unit="箱", price="10.00", stock=10)
    assert count_queries(client, f"/products/{product.slug}/") == small


def test_a_certificate_whose_title_repeats_its_kind_prints_its_name_once(client, world):
    supplier = world.supplier_a
    cert = CertificationFactory(supplier=supplier, kind=CertificationKind.GEOGRAPHICAL_INDICATION,
                                title="龙川山茶油 农产品地理标志", number="AGI-1")
    product = world.variant_a.product
    product.certifications.add(cert)
    html = client.get(f"/products/{product.slug}/").content.decode()
    listing = html.split('<ul class="cert-list">', 1)[1].split("</ul>", 1)[0]
    assert listing.count("地理标志") == 1 and "龙川山茶油 农产品地理标志" in listing


def test_the_coordinator_page_labels_the_applicants_description(client, people, application):  # noqa: F811
    application.description = "合作社收购贫困户的油茶籽。"
    application.save(update_fields=["description"])
    client.force_login(people["coordinator"])
    html = client.get(url(application)).content.decode()
    assert "<dt>申请单位简介</dt>" in html and "<dt>商品详情</dt>" not in html

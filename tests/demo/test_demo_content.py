"""What a visitor, a buyer, a supplier or staff sees in the seeded demo shop."""

from datetime import date

import pytest
from django.db.models import Sum
from django.utils import timezone
from PIL import Image

from catalog.models import Category, Product
from orders.integrity import ledger_verify, tally_reconcile
from orders.models import Campaign, EntryKind, LedgerEntry, OfflineRecord
from orders.selectors.campaigns import campaign_current
from orders.selectors.tally import leaderboard, tally_for_campaign
from orders.services.ledger import campaign_for
from shop.accounts.models import BuyerOrganization, MemberRole, Membership, OrganizationType, User
from shop.demo.data_buyers import DEMO_PASSWORD
from shop.regions.models import Region, RegionLevel
from suppliers.models import (
    CertificationKind,
    CountyCoordinator,
    Supplier,
    SupplierMember,
    SupplierRole,
    SupplierStatus,
    SupplierType,
)
from suppliers.validators import is_valid_credit_code

pytestmark = pytest.mark.django_db
COUNTIES = {"441622", "451228", "451229"}


def test_the_shop_has_the_promised_size(demo):
    suppliers = Supplier.objects.all()
    assert suppliers.count() >= 45
    for county in COUNTIES:
        assert suppliers.filter(county_id=county, status=SupplierStatus.APPROVED).count() >= 10
    assert set(suppliers.values_list("supplier_type", flat=True)) == set(SupplierType.values)
    assert Product.objects.count() >= 220
    assert Product.objects.visible().count() >= 150
    assert BuyerOrganization.objects.filter(is_pairing_entity=True).count() >= 192
    assert BuyerOrganization.objects.filter(org_type=OrganizationType.GOVERNMENT).count() == 30


def test_categories_form_a_two_level_tree_with_english_names(demo):
    roots = Category.objects.filter(parent__isnull=True)
    assert set(roots.values_list("name", flat=True)) == {
        "粮油", "肉禽蛋", "水产", "蔬菜", "水果", "茶叶", "干货特产", "加工食品"
    }
    for category in Category.objects.all():
        assert category.name_en and category.slug.isascii()
        assert category.parent is None or category.parent.parent is None
    for root in roots:
        assert root.children.exists()


def test_the_main_campaign_covers_this_year_and_counts_the_offline_purchases_to_the_fen(demo):
    today = timezone.localdate()
    campaign = campaign_current()
    assert campaign.name == f"{today.year}年消费帮扶" and campaign.slug == f"{today.year}-xiaofei-bangfu"
    assert campaign.target_fen == 3_000_000_000
    assert (campaign.start_date, campaign.end_date) == (date(today.year, 1, 1), date(today.year, 12, 31))
    assert campaign.is_active
    assert set(campaign.counties.values_list("code", flat=True)) == COUNTIES
    for county in COUNTIES:  # an order paid today in any of the three counties counts in it
        assert campaign_for(county_id=county, on=today) == campaign
    offline = LedgerEntry.objects.filter(campaign=campaign, kind=EntryKind.OFFLINE)
    assert offline.aggregate(total=Sum("amount_fen"))["total"] == 1_090_000_000
    assert set(offline.values_list("county_id", flat=True)) == COUNTIES
    # dated in the campaign, never in the future (mid-March, or today before then)
    assert {timezone.localdate(e.occurred_at) for e in offline} == {min(date(today.year, 3, 13), today)}
    # Entered by the operator, approved by a second person (maker–checker), chained and tallied.
    records = OfflineRecord.objects.filter(campaign=campaign)
    assert {(r.status, r.created_by.email, r.reviewed_by.email) for r in records} == {
        ("approved", "staff@demo.cn", "admin@demo.cn")
    }
    tally = tally_for_campaign(campaign=campaign)
    assert tally.total_fen >= 1_090_000_000
    # Spread over pairing entities, so the demo leaderboard ranks thirty of them.
    assert records.count() == 30 and all(r.organization.is_pairing_entity for r in records)
    board = leaderboard(campaign=campaign, first=100)
    assert board.total_count == 30 and sum(r.amount_fen for r in board.rows) == 1_090_000_000
    assert ledger_verify() == [] and tally_reconcile() == []


def test_the_2020_campaign_is_kept_as_history_apart_from_the_main_one(demo):
    history = Campaign.objects.get(slug="2020-xiaofei-fupin")
    assert history.name == "2020年消费扶贫" and history.target_fen == 3_000_000_000
    assert (history.start_date, history.end_date) == (date(2020, 1, 1), date(2020, 12, 31))
    assert set(history.counties.values_list("code", flat=True)) == COUNTIES
    assert not history.is_active  # history: not on the public pages
    assert campaign_current() != history
    current = campaign_current()
    assert history.end_date < current.start_date  # no day belongs to both
    assert campaign_for(county_id="451229", on=date(2020, 3, 13)) == history
    assert not LedgerEntry.objects.filter(campaign=history).exists()


def test_every_credit_code_is_valid_and_registered_in_the_suppliers_county(demo):
    for supplier in Supplier.objects.all():
        assert is_valid_credit_code(supplier.credit_code), supplier.credit_code
        assert supplier.credit_code[2:8] == supplier.county_id
    for org in BuyerOrganization.objects.all():
        assert is_valid_credit_code(org.tax_number), org.tax_number
        assert org.invoice_title


def test_origins_are_real_townships_and_villages_inside_the_county(demo):
    for product in Product.objects.select_related("township", "village", "supplier"):
        assert product.county_id == product.supplier.county_id
        assert product.township.level == RegionLevel.TOWNSHIP
        assert product.township.parent_id == product.county_id
        assert product.village.level == RegionLevel.VILLAGE
        assert product.village.parent_id == product.township_id
    for supplier in Supplier.objects.select_related("township", "village"):
        assert supplier.township.parent_id == supplier.county_id
        assert supplier.village.parent_id == supplier.township_id


def test_every_visible_product_has_a_picture_a_price_and_stock_summary(demo, settings):
    settings.MEDIA_ROOT = demo.media_root
    visible = Product.objects.visible().prefetch_related("images", "variants")
    for product in visible:
        images = list(product.images.all())
        assert images, product.slug
        variants = [v for v in product.variants.all() if v.is_active]
        assert 1 <= len(variants) <= 3
        assert product.min_price == min(v.price for v in variants) > 0
        assert product.total_stock == sum(v.stock for v in variants)
        assert product.name.lower() in product.search_text
    sample = visible.first().images.first()
    with sample.image.open("rb") as fh, Image.open(fh) as img:
        assert img.size == (800, 600)
        assert img.format == "JPEG"
    assert sample.thumbnails  # made by the eager thumbnail task after the seed committed


def test_prices_stay_in_the_realistic_ranges(demo):
    def prices(kind: str, spec: str) -> list:
        found = [v.price for p in Product.objects.filter(slug__regex=rf"^{kind}-[0-9]{{3}}$")
                 for v in p.variants.all() if v.spec == spec]
        assert found, kind
        return found

    assert all(60 <= price <= 130 for price in prices("camellia-oil", "500ml/瓶"))  # per 斤
    assert all(90 <= price <= 140 for price in prices("duan-goat", "2斤/袋"))  # ¥45–70 per 斤
    assert all(50 <= price <= 100 for price in prices("longchuan-rice", "10斤/袋"))  # ¥5–10 per 斤
    assert all(120 <= price <= 200 for price in prices("qibainong-chicken", "1只(约3斤)"))


def test_famous_produce_carries_its_certifications(demo):
    def certs_of(slug_prefix: str) -> set[tuple[str, int]]:
        product = Product.objects.filter(slug__startswith=slug_prefix).first()
        return {(c.kind, c.valid_from.year) for c in product.certifications.all()}

    assert ("gi", 2013) in certs_of("duan-goat-0")
    assert {("gi", 2017), ("szstandard", 2020)} <= certs_of("qibainong-chicken-")
    assert ("gi", 2018) in certs_of("qibainong-goat-")
    camellia = certs_of("camellia-oil-0")
    assert not any(kind == "gi" for kind, _ in camellia)  # not a GI before 2024
    kinds = set(Supplier.objects.values_list("certifications__kind", flat=True))
    assert {"green", "organic", "compliance", "poverty"} <= kinds
    assert set(CertificationKind.values) <= kinds


def test_the_admin_has_suppliers_to_act_on(demo):
    by_status = {s: Supplier.objects.filter(status=s).count() for s in SupplierStatus.values}
    assert by_status["approved"] > 0.8 * Supplier.objects.count()
    assert by_status["applied"] >= 1 and by_status["recommended"] >= 1
    assert by_status["suspended"] == 1
    suspended = Supplier.objects.get(status=SupplierStatus.SUSPENDED)
    assert suspended.status_reason
    assert suspended.products.exists()
    assert not Product.objects.visible().filter(supplier=suspended).exists()
    assert Product.objects.filter(status__in=["draft", "submitted"]).exists()
    assert Product.objects.visible().filter(is_featured=True).count() >= 8


def test_every_baoan_community_is_a_pairing_entity_under_its_street(demo):
    communities = BuyerOrganization.objects.filter(org_type=OrganizationType.COMMUNITY).select_related(
        "parent", "region"
    )
    assert communities.count() == Region.objects.filter(level=RegionLevel.COMMUNITY).count() == 140
    for org in communities:
        assert org.is_pairing_entity and org.name.endswith("社区")
        assert org.region.level == RegionLevel.COMMUNITY
        assert org.parent.is_group and org.parent.region_id == org.region.parent_id
    streets = BuyerOrganization.objects.filter(is_group=True, region__level=RegionLevel.STREET)
    assert streets.count() == 10
    assert all(name.endswith("街道办事处") for name in streets.values_list("name", flat=True))
    assert BuyerOrganization.objects.filter(name="宝民社区").exists()


def test_pairing_entities_pledge_and_pair_with_real_villages(demo):
    entities = BuyerOrganization.objects.filter(is_pairing_entity=True).prefetch_related(
        "paired_villages", "addresses"
    )
    types = set(entities.values_list("org_type", flat=True))
    assert types == {OrganizationType.COMMUNITY, OrganizationType.ENTERPRISE, OrganizationType.SOCIAL}
    for org in entities:
        assert org.annual_pledge > 0
        villages = list(org.paired_villages.all())
        assert 1 <= len(villages) <= 3
        assert all(v.level == RegionLevel.VILLAGE and v.code[:6] in COUNTIES for v in villages)
        assert any(a.is_default for a in org.addresses.all())
    canteens = BuyerOrganization.objects.filter(addresses__address__contains="食堂").distinct()
    assert canteens.count() >= 192


def test_demo_logins_work_with_the_documented_password(demo, client):
    for email in ("admin@demo.cn", "staff@demo.cn", "purchaser@demo.cn", "approver@demo.cn",
                  "orgadmin@demo.cn", "supplier@demo.cn", "coordinator.longchuan@demo.cn",
                  "coordinator.duan@demo.cn", "coordinator.dahua@demo.cn"):
        assert User.objects.get(email=email).check_password(DEMO_PASSWORD), email
    assert User.objects.get(email="admin@demo.cn").is_superuser
    staff = User.objects.get(email="staff@demo.cn")
    assert staff.is_staff and not staff.is_superuser
    assert staff.has_perm("suppliers.change_supplier")
    roles = dict(Membership.objects.filter(user__email__endswith="@demo.cn").values_list("user__email", "role"))
    assert roles == {"purchaser@demo.cn": MemberRole.PURCHASER, "approver@demo.cn": MemberRole.APPROVER,
                     "orgadmin@demo.cn": MemberRole.ADMIN}
    owner = SupplierMember.objects.get(user__email="supplier@demo.cn")
    assert owner.role == SupplierRole.OWNER and owner.supplier.status == SupplierStatus.APPROVED
    assert set(CountyCoordinator.objects.values_list("county_id", flat=True)) == COUNTIES
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200

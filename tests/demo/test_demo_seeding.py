"""The seed is deterministic, idempotent and scales for benchmarks."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from catalog.models import Product, ProductImage, ProductVariant
from orders.models import Campaign, LedgerEntry
from shop.accounts.models import BuyerOrganization, DeliveryAddress, Membership, User
from shop.demo.orders import seed_demo_orders
from shop.demo.plan import RegionIndex, demo_plan, plan_fingerprint
from shop.demo.services import demo_campaign_seed, demo_seed
from suppliers.models import Certification, Supplier

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
MODELS = (Supplier, Certification, Product, ProductVariant, ProductImage, BuyerOrganization,
          DeliveryAddress, Campaign, LedgerEntry, User, Membership)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_same_seed_gives_the_same_plan_and_another_seed_another(demo):
    regions = RegionIndex.from_db()
    first = demo_plan(seed=2020, regions=regions)
    assert plan_fingerprint(first) == plan_fingerprint(demo_plan(seed=2020, regions=regions))
    other = demo_plan(seed=7, regions=regions)
    assert plan_fingerprint(other) != plan_fingerprint(first)
    assert [p.variants[0].price for p in other.products] != [p.variants[0].price for p in first.products]


def test_the_plan_is_the_same_in_another_process_with_another_hash_seed(demo):
    """Nothing may depend on set or dict-of-hash order: a fresh interpreter with a different
    PYTHONHASHSEED, reading the regions from the CSV fixture, computes the same plan."""
    script = (
        "import django; django.setup();"
        "from shop.demo.plan import RegionIndex, demo_plan, plan_fingerprint;"
        "print(plan_fingerprint(demo_plan(seed=2020, regions=RegionIndex.from_csv())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "DJANGO_SETTINGS_MODULE": "shop.settings"}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True)
    assert out.stdout.strip().splitlines()[-1] == plan_fingerprint(demo_plan(seed=2020))


def test_the_database_holds_exactly_the_plan(demo):
    plan = demo_plan(seed=2020)
    planned_suppliers = sorted(
        (s.slug, s.legal_name, s.credit_code, s.status, s.township, s.village) for s in plan.suppliers
    )
    stored_suppliers = sorted(Supplier.objects.values_list(
        "slug", "legal_name", "credit_code", "status", "township_id", "village_id"))
    assert stored_suppliers == planned_suppliers

    def product_row(slug, name, status, published, featured, township, village, variants):
        shown = "approved" if status == "approved" and published else status
        return (slug, name, shown, featured, township, village, tuple(variants))

    planned = sorted(
        product_row(p.slug, p.name, p.status, p.status == "approved", p.is_featured, p.township,
                    p.village, [(v.sku, v.price, v.market_price, v.stock) for v in p.variants])
        for p in plan.products
    )
    stored = sorted(
        product_row(p.slug, p.name, p.status, p.is_published, p.is_featured, p.township_id,
                    p.village_id, [(v.sku, v.price, v.market_price, v.stock) for v in p.variants.all()])
        for p in Product.objects.prefetch_related("variants")
    )
    assert stored == planned
    stored_orgs = sorted(BuyerOrganization.objects.values_list("slug", "name", "tax_number", "annual_pledge"))
    assert stored_orgs == sorted((o.slug, o.name, o.tax_number, o.annual_pledge) for o in plan.organizations)


def test_seeding_again_adds_nothing(demo):
    before = counts()
    summary = demo_seed(seed=2020)
    assert counts() == before
    assert (summary.suppliers_created, summary.products_created, summary.organizations_created) == (0, 0, 0)


def test_if_empty_does_nothing_once_products_exist(demo):
    seed_demo_orders()  # the command completes the demo orders (their payments count in the tally)
    before = counts()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert counts() == before
    assert "already there" in out.getvalue()
    assert f"Campaign {timezone.localdate().year}年消费帮扶 covers this year" in out.getvalue()
    assert "admin@demo.cn" in out.getvalue() and "demo12345" in out.getvalue()


def test_scale_adds_exactly_n_visible_products_once(demo, settings):
    before = Product.objects.count()
    visible_before = Product.objects.visible().count()
    out = StringIO()
    call_command("seed_demo", "--scale", "30", stdout=out)
    assert Product.objects.count() == before + 30
    assert Product.objects.visible().count() == visible_before + 30
    assert "30 scale products created" in out.getvalue()
    scaled = Product.objects.filter(slug__startswith="scale-").prefetch_related("variants", "images")
    for product in scaled:
        prices = [v.price for v in product.variants.all()]
        assert product.min_price == min(prices) > 0
        assert product.total_stock == sum(v.stock for v in product.variants.all())
        assert product.search_text and product.images.count() == 1
    assert len({img.image.name for p in scaled for img in p.images.all()}) < 30  # shared files
    demo_seed(seed=2020, scale=30)
    assert Product.objects.count() == before + 30
    demo_seed(seed=2020, scale=35)
    assert Product.objects.count() == before + 35


@pytest.mark.parametrize(("today", "offline_on"), [
    (date(2025, 6, 1), date(2025, 3, 13)),
    (date(2025, 1, 1), date(2025, 1, 1)),  # before mid-March: dated today, never in the future
])
def test_each_year_gets_its_own_campaign_with_the_offline_records(demo, today, offline_on):
    """Seeding in another year (here a past one: an offline record cannot be dated in the
    future) adds that year's campaign beside the others, without overlapping them."""
    before = set(Campaign.objects.values_list("slug", flat=True))
    name, added = demo_campaign_seed(today=today)
    assert (name, added) == ("2025年消费帮扶", 30)
    campaign = Campaign.objects.get(slug="2025-xiaofei-bangfu")
    assert set(Campaign.objects.values_list("slug", flat=True)) == before | {campaign.slug}
    assert (campaign.start_date, campaign.end_date) == (date(2025, 1, 1), date(2025, 12, 31))
    offline = LedgerEntry.objects.filter(campaign=campaign)
    assert offline.aggregate(s=Sum("amount_fen"))["s"] == 1_090_000_000
    assert {timezone.localdate(e.occurred_at) for e in offline} == {offline_on}
    assert demo_campaign_seed(today=today) == ("2025年消费帮扶", 0)  # idempotent


def test_no_demo_campaign_where_another_campaign_covers_the_year(demo):
    """A campaign staff made for the counties in that year is left alone: no overlap."""
    other = Campaign.objects.create(name="2024 其他活动", slug="other-2024", target_fen=100,
                                    start_date=date(2024, 6, 1), end_date=date(2024, 6, 30))
    other.counties.set(["451228"])
    assert demo_campaign_seed(today=date(2024, 8, 1)) == ("", 0)
    assert not Campaign.objects.filter(slug="2024-xiaofei-bangfu").exists()

"""The demo shop in one call: ``demo_seed(seed=2020)``.

Deterministic (the plan depends only on the seed and the regions table; the main campaign
and its offline records on the current year) and idempotent (rows are looked up by slug or
credit code before they are created, so a second run adds nothing). See ``seed_catalog`` and ``seed_buyers`` for which writes go through services.
"""

import time
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from shop.common.listing_version import listings_changed
from shop.demo.plan import DemoPlan, demo_plan
from shop.demo.plan_rows import ProductPlan, RegionIndex
from shop.demo.scale import seed_scale
from shop.demo.seed_buyers import (
    DemoLogin,
    seed_campaigns,
    seed_offline_records,
    seed_organizations,
    seed_users,
)
from shop.demo.seed_catalog import seed_categories, seed_products, seed_suppliers
from shop.regions.services import regions_load


@dataclass
class DemoSummary:
    seed: int
    suppliers_created: int = 0
    products_created: int = 0
    organizations_created: int = 0
    scale_created: int = 0
    products_total: int = 0
    products_visible: int = 0
    seconds: float = 0.0
    logins: list[DemoLogin] = field(default_factory=list)
    campaign: str = ""  # the name of the main (current) campaign, "" when another one is in its way
    offline_records_created: int = 0


def limit_products(products: tuple[ProductPlan, ...], limit: int | None) -> tuple[ProductPlan, ...]:
    """The first ``limit`` products taking one per supplier in turn, so a small demo still
    spans every county and supplier; the plan's order is kept."""
    if limit is None or limit >= len(products):
        return products
    rank: dict[str, int] = {}
    order = []
    for index, product in enumerate(products):
        turn = rank.get(product.supplier, 0)
        rank[product.supplier] = turn + 1
        order.append((turn, index))
    keep = {index for _, index in sorted(order)[: max(0, limit)]}
    return tuple(p for i, p in enumerate(products) if i in keep)


def demo_campaign_seed(*, today: date | None = None) -> tuple[str, int]:
    """The campaigns: 2020 as history and the main one covering the current year (the
    shop's local date), with the ¥10.9M offline records in the main one. Needs the demo
    organizations and logins. Returns the main campaign's name ("" if another campaign
    already covers that year) and how many offline records were added."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _history, current = seed_campaigns(today=today)
        if current is None:
            return "", 0
        return current.name, seed_offline_records(current, today=today)


def demo_seed(*, seed: int = 2020, scale: int = 0, product_limit: int | None = None) -> DemoSummary:
    """Load the regions and build the demo shop; ``scale`` extra products for benchmarks;
    ``product_limit`` caps the planned products (for a small benchmark database)."""
    started = time.monotonic()
    summary = DemoSummary(seed=seed)
    regions_load()
    plan: DemoPlan = demo_plan(seed=seed, regions=RegionIndex.from_db())
    with transaction.atomic():
        categories = seed_categories()
        suppliers, summary.suppliers_created = seed_suppliers(plan.suppliers)
        summary.products_created = seed_products(
            limit_products(plan.products, product_limit), supplier_plans=plan.suppliers,
            suppliers=suppliers, categories=categories,
        )
        organizations, summary.organizations_created = seed_organizations(plan.organizations)
        summary.logins = seed_users(organizations=organizations, suppliers=suppliers)
        summary.campaign, summary.offline_records_created = demo_campaign_seed()
    summary.scale_created = seed_scale(
        seed=seed, count=scale, supplier_plans=plan.suppliers, categories=categories
    )
    listings_changed()  # rows written in bulk, around the services
    summary.products_total = Product.objects.count()
    summary.products_visible = Product.objects.visible().count()
    summary.seconds = time.monotonic() - started
    return summary

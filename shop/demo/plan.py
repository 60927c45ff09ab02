"""The demo plan: every row the demo will hold, computed in Python before touching the
database. Same seed and same regions table → equal plans (``plan_fingerprint`` proves it),
so the seeded data is deterministic whatever the order of the writes.

Each part draws from its own ``random.Random`` seeded with ``"<seed>:<part>"`` (string seeds
are hashed with SHA-512, independent of PYTHONHASHSEED), so adding a buyer does not change
the products.
"""

import hashlib
from dataclasses import astuple, dataclass

from shop.demo.plan_buyers import plan_organizations
from shop.demo.plan_catalog import plan_products, plan_suppliers
from shop.demo.plan_rows import OrgPlan, ProductPlan, RegionIndex, SupplierPlan


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    suppliers: tuple[SupplierPlan, ...]
    products: tuple[ProductPlan, ...]
    organizations: tuple[OrgPlan, ...]


def demo_plan(*, seed: int, regions: RegionIndex | None = None) -> DemoPlan:
    regions = regions or RegionIndex.from_db()
    suppliers = plan_suppliers(seed=seed, regions=regions)
    return DemoPlan(
        seed=seed,
        suppliers=suppliers,
        products=plan_products(seed=seed, regions=regions, suppliers=suppliers),
        organizations=plan_organizations(seed=seed, regions=regions),
    )


def plan_fingerprint(plan: DemoPlan) -> str:
    """SHA-256 over every planned value; equal fingerprints mean identical demo data."""
    digest = hashlib.sha256()
    for part in (plan.suppliers, plan.products, plan.organizations):
        for row in part:
            digest.update(repr(astuple(row)).encode())
    return digest.hexdigest()

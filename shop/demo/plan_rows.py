"""The rows of the demo plan (``shop.demo.plan``): regions, suppliers, products, buyer
organizations, and the helpers the planners (``plan_catalog``, ``plan_buyers``) share."""

import csv
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from shop.regions.models import Region, RegionLevel
from shop.regions.services import FIXTURE

_VILLAGE_SUFFIX = re.compile(r"(村民委员会|村委会)$")
_COMMUNITY_SUFFIX = re.compile(r"(居民委员会|居委会|居委)$")


def short_village(name: str, *, township: str = "") -> str:
    """红旗村民委员会 → 红旗村; 八仙社区居委会 → 八仙社区; strips a leading county/township."""
    for prefix in ("龙川县", township):
        if prefix and name.startswith(prefix) and len(name) > len(prefix) + 3:
            name = name[len(prefix):]
    if _VILLAGE_SUFFIX.search(name):
        return _VILLAGE_SUFFIX.sub("村", name)
    return _COMMUNITY_SUFFIX.sub("", name)


def short_township(name: str) -> str:
    """义都镇 → 义都; 七百弄乡 → 七百弄."""
    return name[:-1] if len(name) > 2 and name[-1] in "镇乡" else name


@dataclass(frozen=True)
class RegionIndex:
    """The parts of the regions table the demo needs, in code order."""

    names: dict[str, str]
    townships: dict[str, tuple[str, ...]]  # county → townships
    villages: dict[str, tuple[str, ...]]  # township → villages
    streets: tuple[str, ...]
    communities: dict[str, tuple[str, ...]]  # street → communities

    @classmethod
    def from_db(cls) -> "RegionIndex":
        return cls.from_rows(
            Region.objects.order_by("code").values_list("code", "name", "level", "parent_id")
        )

    @classmethod
    def from_csv(cls, path: Path = FIXTURE) -> "RegionIndex":
        """The same index straight from the fixture the regions table is loaded from."""
        with path.open(encoding="utf-8") as fh:
            rows = [(r["code"].strip(), r["name"].strip(), r["level"].strip(), r["parent_code"].strip())
                    for r in csv.DictReader(fh)]
        return cls.from_rows(sorted(rows))

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str, str | None]]) -> "RegionIndex":
        """Rows of (code, name, level, parent code) in code order."""
        names: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        levels: dict[str, list[str]] = {}
        for code, name, level, parent in rows:
            names[code] = name
            levels.setdefault(level, []).append(code)
            if parent:
                children.setdefault(parent, []).append(code)

        def kids(code: str) -> tuple[str, ...]:
            return tuple(children.get(code, ()))

        return cls(
            names=names,
            townships={c: kids(c) for c in levels.get(RegionLevel.COUNTY, [])},
            villages={t: kids(t) for t in levels.get(RegionLevel.TOWNSHIP, [])},
            streets=tuple(levels.get(RegionLevel.STREET, [])),
            communities={s: kids(s) for s in levels.get(RegionLevel.STREET, [])},
        )


@dataclass(frozen=True)
class CertPlan:
    kind: str
    title: str
    number: str
    issuer: str
    valid_from: date
    valid_until: date | None
    gi: str = ""  # the Kind.gi it certifies; empty: applies to all the supplier's products


@dataclass(frozen=True)
class SupplierPlan:
    slug: str
    legal_name: str
    short_name: str
    credit_code: str
    supplier_type: str
    county: str
    township: str
    village: str
    address: str
    description: str
    contact_name: str
    contact_phone: str
    contact_email: str
    bank_name: str
    bank_account_number: str
    linkage_mechanism: str
    linkage_description: str
    poor_households: int
    status: str
    status_reason: str
    kinds: tuple[str, ...]
    certs: tuple[CertPlan, ...]


@dataclass(frozen=True)
class VariantPlan:
    sku: str
    spec: str
    unit: str
    price: Decimal
    market_price: Decimal
    min_order_qty: int
    stock: int
    lead_time_days: int
    position: int


@dataclass(frozen=True)
class ProductPlan:
    slug: str
    kind: str
    supplier: str  # supplier slug
    category: str  # category slug
    name: str
    name_en: str
    summary: str
    description: str
    county: str
    township: str
    village: str
    shelf_life_days: int
    storage: str
    poor_households: int
    status: str  # draft, submitted or approved (approved products are published)
    is_featured: bool
    gi: str
    variants: tuple[VariantPlan, ...]

    @property
    def is_visible(self) -> bool:
        return self.status == "approved"


@dataclass(frozen=True)
class AddressPlan:
    label: str
    recipient: str
    phone: str
    address: str
    is_default: bool


@dataclass(frozen=True)
class OrgPlan:
    slug: str
    name: str
    org_type: str
    parent: str  # parent slug or ""
    is_group: bool
    region: str
    is_pairing_entity: bool
    paired_villages: tuple[str, ...]
    annual_pledge: Decimal
    approval_threshold: Decimal | None
    invoice_title: str
    tax_number: str
    contact_phone: str
    addresses: tuple[AddressPlan, ...] = field(default=())


def rng_for(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}:{part}")

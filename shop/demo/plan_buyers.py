"""Planning the buyer side: 30 government units and the 192 pairing entities of Bao'an."""

import random
from decimal import Decimal

from shop.demo.data import COUNTIES
from shop.demo.data_buyers import (
    DEPARTMENTS,
    ENTERPRISE_BRANDS,
    ENTERPRISE_LINES,
    N_ENTERPRISES,
    PLEDGE_YUAN,
    SOCIAL_ORGANIZATIONS,
    THRESHOLD_YUAN,
)
from shop.demo.data_suppliers import GIVEN_NAMES
from shop.demo.plan_catalog import mobile
from shop.demo.plan_rows import AddressPlan, OrgPlan, RegionIndex, rng_for, short_village
from suppliers.validators import make_credit_code

DISTRICT = "440306"
BAOAN_SURNAMES = ("陈", "李", "王", "张", "刘", "黄", "林", "吴", "郑", "周", "文", "潘")
# Unified social credit code prefixes: 11 government body, 12 public institution,
# 55 residents' committee, 51 social group, 53 foundation, 81 trade union, 91 enterprise.
TAX_PREFIX = {"street": "11", "department": "11", "unit": "12", "community": "55",
              "enterprise": "91", "social": "51"}


class _Builder:
    def __init__(self, rng: random.Random, regions: RegionIndex) -> None:
        self.rng = rng
        self.regions = regions
        self.rows: list[OrgPlan] = []
        self.villages = {c: [v for t in regions.townships[c] for v in regions.villages[t]] for c in COUNTIES}

    def pledge(self, group: str) -> Decimal:
        low, high = PLEDGE_YUAN[group]
        return Decimal(self.rng.randint(low // 1000, high // 1000) * 1000).quantize(Decimal("0.01"))

    def tax_number(self, group: str, name: str) -> str:
        serial = "".join(self.rng.choice("0123456789") for _ in range(9))
        prefix = "53" if name.endswith("基金会") else "81" if name.endswith("总工会") else TAX_PREFIX[group]
        return make_credit_code(authority=prefix[0], org_type=prefix[1], division=DISTRICT, serial=serial)

    def person(self) -> str:
        return self.rng.choice(BAOAN_SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def landline(self) -> str:
        return "0755-2" + "".join(self.rng.choice("0123456789") for _ in range(7))

    def paired(self) -> tuple[str, ...]:
        villages = self.villages[self.rng.choice(COUNTIES)]
        return tuple(sorted(self.rng.sample(villages, self.rng.randint(1, 3))))

    def add(self, *, slug: str, name: str, org_type: str, group: str, parent: str = "",
            is_group: bool = False, region: str = DISTRICT, pairing: bool = False,
            addresses: tuple[tuple[str, str], ...] = ()) -> OrgPlan:
        threshold = THRESHOLD_YUAN[org_type]
        row = OrgPlan(
            slug=slug, name=name, org_type=org_type, parent=parent, is_group=is_group,
            region=region, is_pairing_entity=pairing,
            paired_villages=self.paired() if pairing else (),
            annual_pledge=self.pledge(group),
            approval_threshold=None if threshold is None else Decimal(threshold).quantize(Decimal("0.01")),
            invoice_title=name, tax_number=self.tax_number(group, name), contact_phone=self.landline(),
            addresses=tuple(
                AddressPlan(label, self.person(), mobile(self.rng), address, i == 0)
                for i, (label, address) in enumerate(addresses)
            ),
        )
        self.rows.append(row)
        return row


def plan_organizations(*, seed: int, regions: RegionIndex) -> tuple[OrgPlan, ...]:
    b = _Builder(rng_for(seed, "buyers"), regions)
    names = regions.names
    street_slug: dict[str, str] = {}
    for street in regions.streets:
        name = f"{names[street]}办事处"
        street_slug[street] = b.add(
            slug=f"street-{street}", name=name, org_type="government", group="street",
            is_group=True, region=street,
            addresses=(("机关食堂", f"深圳市宝安区{names[street]}办事处机关食堂"),),
        ).slug
    for slug, name, units in DEPARTMENTS:
        b.add(slug=f"dept-{slug}", name=name, org_type="government", group="department",
              is_group=True, addresses=(("机关食堂", f"深圳市宝安区{name}机关食堂"),))
        for unit_slug, unit_name in units:
            b.add(slug=f"unit-{unit_slug}", name=unit_name, org_type="government", group="unit",
                  parent=f"dept-{slug}", addresses=(("食堂", f"深圳市宝安区{unit_name}食堂"),))
    short_names = [short_village(names[c]) for s in regions.streets for c in regions.communities[s]]
    for street in regions.streets:
        for community in regions.communities[street]:
            short = short_village(names[community])
            name = short if short_names.count(short) == 1 else f"{names[street]}{short}"
            place = f"深圳市宝安区{names[street]}{short}"
            b.add(slug=f"community-{community}", name=name, org_type="community", group="community",
                  parent=street_slug[street], region=community, pairing=True,
                  addresses=(("社区食堂", f"{place}党群服务中心一楼食堂"),
                             ("社区工会", f"{place}工作站二楼工会活动室")))
    lines = list(ENTERPRISE_LINES)
    for i, brand in enumerate(ENTERPRISE_BRANDS[:N_ENTERPRISES], start=1):
        name = f"深圳市{brand}{b.rng.choice(lines)}"
        street = b.rng.choice(regions.streets)
        b.add(slug=f"enterprise-{i:02d}", name=name, org_type="enterprise", group="enterprise",
              parent=street_slug[street], region=street, pairing=True,
              addresses=(("员工食堂", f"深圳市宝安区{names[street]}{name}员工食堂"),
                         ("工会福利", f"深圳市宝安区{names[street]}{name}工会办公室")))
    for slug, name in SOCIAL_ORGANIZATIONS:
        b.add(slug=f"social-{slug}", name=name, org_type="social", group="social",
              parent="dept-civil-affairs", pairing=True,
              addresses=(("办公室", f"深圳市宝安区{name}秘书处"),))
    return tuple(b.rows)

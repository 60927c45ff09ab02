"""Planning the supply side: suppliers with their certifications, products and variants."""

import random
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shop.demo.data import COUNTIES, COUNTY_FULL, COUNTY_SLUGS, KINDS_BY_KEY, Kind
from shop.demo.data_suppliers import (
    ARCHETYPES,
    BANKS,
    BRANDS,
    DESCRIPTION,
    GI_CERTS,
    GIVEN_NAMES,
    LINKAGE_TEXT,
    STATUS_BY_POSITION,
    SURNAMES,
    SUSPENSION_REASON,
    Archetype,
)
from shop.demo.plan_rows import (
    CertPlan,
    ProductPlan,
    RegionIndex,
    SupplierPlan,
    VariantPlan,
    rng_for,
    short_township,
    short_village,
)
from suppliers.validators import ALPHABET, make_credit_code

PRODUCTS_PER_SUPPLIER = 5
PROVINCE = {"441622": "广东省河源市", "451228": "广西壮族自治区河池市", "451229": "广西壮族自治区河池市"}
CREDIT_PREFIX = {"cooperative": ("9", "3"), "enterprise": ("9", "1"), "family_farm": ("9", "2")}
TENTH = Decimal("0.1")
MOBILE_PREFIXES = ("138", "139", "135", "137", "150", "152", "158", "159", "177", "180", "187", "188")


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _credit_code(rng: random.Random, supplier_type: str, county: str, used: set[str]) -> str:
    authority, org_type = CREDIT_PREFIX[supplier_type]
    while True:
        serial = "MA" + "".join(rng.choice(ALPHABET) for _ in range(7))
        code = make_credit_code(authority=authority, org_type=org_type, division=county, serial=serial)
        if code not in used:
            used.add(code)
            return code


def _common_certs(rng: random.Random, arch: Archetype, county: str, serial: int, status: str) -> list[CertPlan]:
    """Compliance certificate for everyone; poverty-product recognition once recommended;
    green/organic where the archetype has them. The compliance certificate and the
    recognition state no end date; green food (3 years) and organic (1 year) certificates do."""
    province = PROVINCE[county][:3] if county.startswith("44") else "广西壮族自治区"
    month = rng.randint(1, 9)
    certs = [CertPlan(
        "compliance", "食用农产品承诺达标合格证", f"HGZ{county}2020{serial:05d}",
        f"{COUNTY_FULL[county]}农业农村局", date(2020, month, rng.randint(1, 28)), None,
    )]
    if status != "applied":
        certs.append(CertPlan(
            "poverty", "扶贫产品认定", f"FP{county}2020{serial:04d}",
            f"{province}扶贫开发领导小组办公室", date(2020, rng.randint(3, 6), rng.randint(1, 28)), None,
        ))
    if "green" in arch.extra_certs:
        year = rng.choice((2018, 2019, 2020))
        certs.append(CertPlan(
            "green", "绿色食品证书", f"LB-{rng.randint(10, 19)}-{year}{rng.randint(1, 12):02d}"
            f"{county[:2]}{rng.randint(1000, 9999)}A", "中国绿色食品发展中心",
            date(year, rng.randint(1, 12), rng.randint(1, 28)), date(year + 3, 12, 31),
        ))
    if "organic" in arch.extra_certs:
        certs.append(CertPlan(
            "organic", "有机产品认证证书", f"{rng.randint(100, 199)}OP20{rng.randint(10000, 99999)}",
            "中绿华夏有机食品认证中心", date(2020, rng.randint(1, 6), rng.randint(1, 28)),
            date(2021, rng.randint(1, 6), 28),
        ))
    return certs


def plan_suppliers(*, seed: int, regions: RegionIndex) -> tuple[SupplierPlan, ...]:
    rng = rng_for(seed, "suppliers")
    used_codes: set[str] = set()
    used_names: set[str] = set()
    plans: list[SupplierPlan] = []
    for county in COUNTIES:
        townships = regions.townships[county]
        position = 0
        enterprise_no = 0
        for arch in (a for a in ARCHETYPES if a.county == county):
            free = [t for t in arch.townships if t in townships] or list(townships)
            for n in range(1, arch.count + 1):
                township = free.pop(rng.randrange(len(free))) if len(free) > 1 else free[0]
                village = rng.choice(regions.villages[township])
                t_name = regions.names[township]
                v_short = short_village(regions.names[village], township=t_name)
                status = STATUS_BY_POSITION[county].get(position, "approved")
                if arch.supplier_type == "enterprise":
                    brand = BRANDS[county][enterprise_no % len(BRANDS[county])]
                    enterprise_no += 1
                    legal, short = f"{COUNTY_FULL[county]}{brand}{arch.theme}", f"{brand}{arch.short}"
                elif arch.supplier_type == "family_farm":
                    legal = f"{COUNTY_FULL[county]}{t_name}{v_short}{arch.theme}"
                    short = f"{v_short}{arch.short}"
                else:
                    legal = f"{COUNTY_FULL[county]}{t_name}{arch.theme}"
                    prefix = short_township(t_name)
                    short = arch.short if arch.short.startswith(prefix) else f"{prefix}{arch.short}"
                    if legal in used_names:
                        legal = f"{COUNTY_FULL[county]}{t_name}{v_short}{arch.theme}"
                        short = f"{v_short}{arch.short}"
                used_names.add(legal)
                slug = f"{COUNTY_SLUGS[county]}-{arch.key}-{n}"
                households = rng.randint(8, 150)
                serial = len(plans) + 1
                certs = _common_certs(rng, arch, county, serial, status)
                for gi in dict.fromkeys(KINDS_BY_KEY[k].gi for k in arch.kinds if KINDS_BY_KEY[k].gi):
                    certs += [CertPlan(c.kind, c.title, c.number, c.issuer, c.valid_from, c.valid_until, gi)
                              for c in GI_CERTS[gi]]
                products = "、".join(dict.fromkeys(KINDS_BY_KEY[k].name for k in arch.kinds))
                place = f"{PROVINCE[county]}{COUNTY_FULL[county]}{t_name}{v_short}"
                plans.append(SupplierPlan(
                    slug=slug, legal_name=legal, short_name=short,
                    credit_code=_credit_code(rng, arch.supplier_type, county, used_codes),
                    supplier_type=arch.supplier_type, county=county, township=township,
                    village=village, address=place,
                    description=DESCRIPTION.format(name=legal, place=place, products=products),
                    contact_name=rng.choice(SURNAMES[county]) + rng.choice(GIVEN_NAMES),
                    contact_phone=mobile(rng), contact_email=f"{slug}@supplier.demo.cn",
                    bank_name=rng.choice(BANKS[county]),
                    bank_account_number="".join(rng.choice("0123456789") for _ in range(19)),
                    linkage_mechanism=arch.linkage,
                    linkage_description=LINKAGE_TEXT[arch.linkage].format(n=households),
                    poor_households=households, status=status,
                    status_reason=SUSPENSION_REASON if status == "suspended" else "",
                    kinds=arch.kinds, certs=tuple(certs),
                ))
                position += 1
    return tuple(plans)


def _yuan(fen: Decimal) -> Decimal:
    """Fen → yuan rounded to 0.1 (shop prices end in a ten-fen digit)."""
    return (fen / 100).quantize(TENTH, rounding=ROUND_HALF_UP).quantize(Decimal("0.01"))


def plan_variants(rng: random.Random, kind: Kind, slug: str) -> tuple[VariantPlan, ...]:
    count = rng.randint(1, min(3, len(kind.specs)))
    indexes = sorted(rng.sample(range(len(kind.specs)), count))
    unit_fen = rng.randint(*kind.fen)
    overpriced = rng.random() < 0.03
    out_of_stock = rng.random() < 0.04
    variants = []
    for position, i in enumerate(indexes):
        spec = kind.specs[i]
        discount = Decimal(100 - 3 * min(i, 2)) / 100  # larger packs are a little cheaper
        price = max(_yuan(unit_fen * spec.factor * discount), Decimal("0.10"))
        if overpriced:
            market = _yuan(price * 100 * 100 / rng.randint(135, 150))
        else:
            market = _yuan(price * rng.randint(96, 118))
        variants.append(VariantPlan(
            sku=f"{slug}-{position + 1}".upper(), spec=spec.label, unit=spec.unit, price=price,
            market_price=market, min_order_qty=2 if rng.random() < 0.1 else 1,
            stock=0 if out_of_stock else rng.randint(*kind.stock),
            lead_time_days=rng.randint(*kind.lead_days), position=position,
        ))
    return tuple(variants)


def plan_products(
    *, seed: int, regions: RegionIndex, suppliers: tuple[SupplierPlan, ...]
) -> tuple[ProductPlan, ...]:
    rng = rng_for(seed, "products")
    plans: list[ProductPlan] = []
    for supplier in suppliers:
        offset = rng.randrange(12)
        seen: set[str] = set()
        for j in range(PRODUCTS_PER_SUPPLIER):
            kind = KINDS_BY_KEY[supplier.kinds[j % len(supplier.kinds)]]
            style_zh, style_en = kind.styles[(j // len(supplier.kinds) + offset) % len(kind.styles)]
            origins = [t for t in kind.townships if t in regions.townships[supplier.county]]
            township = supplier.township if not origins or supplier.township in origins else rng.choice(origins)
            village = (supplier.village if township == supplier.township and rng.random() < 0.5
                       else rng.choice(regions.villages[township]))
            t_name = regions.names[township]
            v_short = short_village(regions.names[village], township=t_name)
            name, name_en = f"{kind.name}·{style_zh}", f"{kind.name_en}, {style_en}"
            if name in seen:
                name, name_en = f"{name}({v_short})", f"{name_en} (lot {len(seen) + 1})"
            seen.add(name)
            slug = f"{kind.key}-{len(plans) + 1:03d}"
            if supplier.status == "applied":
                status = "draft"
            elif supplier.status == "recommended":
                status = "submitted"
            else:
                r = rng.random()
                status = "draft" if r < 0.04 else "submitted" if r < 0.08 else "approved"
            featured = status == "approved" and ((j == 0 and bool(kind.gi)) or rng.random() < 0.06)
            households = rng.randint(3, max(3, supplier.poor_households))
            description = (
                f"{kind.summary}产地:{COUNTY_FULL[supplier.county]}{t_name}{v_short}。"
                f"由{supplier.legal_name}组织当地农户按统一标准生产、收购和包装,"
                f"带动{households}户建档立卡贫困户增收。贮存方式:{kind.storage}。"
                f"保质期{kind.shelf_life_days}天。"
            )
            plans.append(ProductPlan(
                slug=slug, kind=kind.key, supplier=supplier.slug, category=kind.category,
                name=name, name_en=name_en, summary=kind.summary, description=description,
                county=supplier.county, township=township, village=village,
                shelf_life_days=kind.shelf_life_days, storage=kind.storage,
                poor_households=households, status=status, is_featured=featured, gi=kind.gi,
                variants=plan_variants(rng, kind, slug),
            ))
    return tuple(plans)

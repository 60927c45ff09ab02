"""Loading the administrative divisions. Idempotent: running it again updates in place."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from shop.regions.models import AssistanceProgram, Region, RegionLevel
from shop.regions.selectors import region_reference_forget

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "regions.csv"


@dataclass(frozen=True)
class CountyFacts:
    slug: str
    name_en: str
    program: str
    national_poverty_county: bool
    prefecture: str
    province: str
    summary: str


COUNTY_FACTS: dict[str, CountyFacts] = {
    "441622": CountyFacts(
        slug="longchuan", name_en="Longchuan", program=AssistanceProgram.PAIRED,
        national_poverty_county=False, prefecture="河源市", province="广东省",
        summary="宝安区对口帮扶县。2019年33个相对贫困村全部摘帽。名产:山茶油、桂林茶(义都镇)、柿饼、龙川大米。",
    ),
    "451228": CountyFacts(
        slug="duan", name_en="Du'an", program=AssistanceProgram.EAST_WEST,
        national_poverty_county=True, prefecture="河池市", province="广西壮族自治区",
        summary="东西部扶贫协作县,国家扶贫开发工作重点县(2020年11月20日脱贫摘帽)。名产:都安山羊(地理标志,2013)、澄江海菜花。",
    ),
    "451229": CountyFacts(
        slug="dahua", name_en="Dahua", program=AssistanceProgram.EAST_WEST,
        national_poverty_county=True, prefecture="河池市", province="广西壮族自治区",
        summary="东西部扶贫协作县,国家扶贫开发工作重点县(2020年11月20日脱贫摘帽)。名产:七百弄鸡(地理标志,2017;圳品,2020)、七百弄山羊(地理标志,2018)、红水河库区鱼。",
    ),
    "440306": CountyFacts(
        slug="baoan", name_en="Bao'an", program="", national_poverty_county=False,
        prefecture="深圳市", province="广东省", summary="采购方:深圳市宝安区。",
    ),
}


@transaction.atomic
def regions_load(*, path: Path = FIXTURE) -> int:
    """Upsert every row of the regions CSV; parents are written before children."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows.sort(key=lambda r: len(r["code"]))
    existing = {r.code: r for r in Region.objects.all()}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for row in rows:
        code = row["code"].strip()
        region = existing.get(code) or Region(code=code)
        region.name = row["name"].strip()
        region.level = RegionLevel(row["level"].strip())
        region.parent_id = row["parent_code"].strip() or None
        region.note = row["note"].strip()[:200]
        facts = COUNTY_FACTS.get(code)
        if facts:
            region.slug = facts.slug
            region.name_en = facts.name_en
            region.program = facts.program
            region.national_poverty_county = facts.national_poverty_county
            region.prefecture = facts.prefecture
            region.province = facts.province
            region.summary = facts.summary
        (to_update if code in existing else to_create).append(region)
    # Parents first: bulk_create in code-length order keeps FK targets present on PostgreSQL.
    Region.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Region.objects.bulk_update(
            to_update,
            ["name", "level", "parent", "note", "slug", "name_en", "program",
             "national_poverty_county", "prefecture", "province", "summary"],
            batch_size=500,
        )
    region_reference_forget()
    transaction.on_commit(region_reference_forget)
    return len(rows)

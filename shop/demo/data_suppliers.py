"""Static tables for demo suppliers: archetypes per county, certifications and names.

The GI years (都安山羊 2013, 七百弄鸡 2017, 七百弄山羊 2018) and 七百弄鸡's 圳品 (2020) are
facts; certificate numbers, people's names and bank accounts are invented for the demo.
"""

from dataclasses import dataclass
from datetime import date

from shop.demo.data import (
    BANSHENG,
    CHENGJIANG,
    DAHUA,
    DUAN,
    HONGSHUI_RIVER,
    LONGCHUAN,
    QIBAINONG,
    YALONG,
    YIDU,
)


@dataclass(frozen=True)
class CertTemplate:
    kind: str  # suppliers.models.CertificationKind value
    title: str
    number: str
    issuer: str
    valid_from: date
    valid_until: date | None


# Geographical indications and the Shenzhen Standard, keyed by Kind.gi.
GI_CERTS: dict[str, tuple[CertTemplate, ...]] = {
    "duan-goat": (
        CertTemplate("gi", "都安山羊 农产品地理标志", "AGI01253", "中华人民共和国农业部",
                     date(2013, 12, 20), None),
    ),
    "qibainong-chicken": (
        CertTemplate("gi", "七百弄鸡 农产品地理标志", "AGI02134", "中华人民共和国农业部",
                     date(2017, 9, 14), None),
        CertTemplate("szstandard", "七百弄鸡 圳品", "SZP-2020-0418", "深圳市标准技术研究院(圳品评价)",
                     date(2020, 8, 28), date(2023, 8, 27)),
    ),
    "qibainong-goat": (
        CertTemplate("gi", "七百弄山羊 农产品地理标志", "AGI02471", "中华人民共和国农业农村部",
                     date(2018, 12, 18), None),
    ),
}


@dataclass(frozen=True)
class Archetype:
    key: str
    county: str
    supplier_type: str  # suppliers.models.SupplierType value
    theme: str  # legal name ending, e.g. 油茶种植专业合作社
    short: str  # short name ending, e.g. 油茶合作社
    kinds: tuple[str, ...]
    townships: tuple[str, ...] = ()  # preferred townships; empty: any in the county
    extra_certs: tuple[str, ...] = ()  # "green", "organic"
    linkage: str = "business"  # suppliers.models.LinkageMechanism value
    count: int = 1


COOP, ENTERPRISE, FARM = "cooperative", "enterprise", "family_farm"

ARCHETYPES: tuple[Archetype, ...] = (
    # 龙川 Longchuan: 16
    Archetype("camellia", LONGCHUAN, COOP, "油茶种植专业合作社", "油茶合作社",
              ("camellia-oil", "camellia-oil-gift"), extra_certs=("green",), count=3),
    Archetype("camellia-co", LONGCHUAN, ENTERPRISE, "油茶科技有限公司", "油茶",
              ("camellia-oil", "camellia-oil-gift", "bamboo-shoots"), extra_certs=("organic",),
              linkage="wage", count=2),
    Archetype("tea", LONGCHUAN, COOP, "茶叶专业合作社", "茶叶合作社",
              ("guilin-tea", "yidu-black-tea"), townships=(YIDU,), extra_certs=("green",), count=2),
    Archetype("tea-co", LONGCHUAN, ENTERPRISE, "茶业有限公司", "茶业", ("guilin-tea", "yidu-black-tea"),
              townships=(YIDU,), extra_certs=("organic",), linkage="wage"),
    Archetype("persimmon", LONGCHUAN, COOP, "柿饼加工专业合作社", "柿饼合作社",
              ("persimmon-cake", "sanhua-plum"), count=2),
    Archetype("rice", LONGCHUAN, COOP, "水稻种植专业合作社", "水稻合作社", ("longchuan-rice",),
              extra_certs=("green",), linkage="asset", count=2),
    Archetype("hakka-co", LONGCHUAN, ENTERPRISE, "客家食品有限公司", "客家食品",
              ("hakka-cured-meat", "hakka-rice-wine", "bamboo-shoots"), linkage="wage"),
    Archetype("farm", LONGCHUAN, FARM, "生态家庭农场", "家庭农场",
              ("longchuan-eggs", "sanhua-plum", "longchuan-shiitake"), count=2),
    Archetype("mountain", LONGCHUAN, COOP, "山货专业合作社", "山货合作社",
              ("longchuan-shiitake", "bamboo-shoots", "persimmon-cake")),
    # 都安 Du'an: 16
    Archetype("goat", DUAN, COOP, "山羊养殖专业合作社", "山羊合作社",
              ("duan-goat", "duan-goat-whole"), linkage="asset", count=4),
    Archetype("goat-co", DUAN, ENTERPRISE, "食品有限公司", "食品",
              ("duan-goat", "duan-goat-jerky", "duan-goat-whole"), linkage="wage"),
    Archetype("haicai", DUAN, COOP, "海菜花种植专业合作社", "海菜花合作社",
              ("haicai-flower", "duan-purple-potato"), townships=(CHENGJIANG,), count=2),
    Archetype("miluotuo-co", DUAN, ENTERPRISE, "农特产品有限公司", "农特产品",
              ("miluotuo-wine", "miluotuo-honey", "canna-noodles"), linkage="wage"),
    Archetype("bee", DUAN, COOP, "养蜂专业合作社", "养蜂合作社", ("miluotuo-honey",)),
    Archetype("canna", DUAN, COOP, "旱藕种植专业合作社", "旱藕合作社", ("canna-noodles", "duan-corn"),
              count=2),
    Archetype("dragon-fruit", DUAN, COOP, "火龙果种植专业合作社", "火龙果合作社",
              ("duan-dragon-fruit", "duan-purple-potato"), extra_certs=("green",), count=2),
    Archetype("farm", DUAN, FARM, "生态养殖家庭农场", "家庭农场", ("yaoshan-chicken", "duan-corn"),
              count=2),
    Archetype("corn", DUAN, COOP, "杂粮种植专业合作社", "杂粮合作社",
              ("duan-corn", "duan-purple-potato")),
    # 大化 Dahua: 16
    Archetype("qbn-chicken", DAHUA, COOP, "七百弄鸡养殖专业合作社", "七百弄鸡合作社",
              ("qibainong-chicken", "qibainong-eggs"), townships=(QIBAINONG, BANSHENG, YALONG),
              linkage="asset", count=3),
    Archetype("qbn-co", DAHUA, ENTERPRISE, "生态农业有限公司", "生态农业",
              ("qibainong-chicken", "qibainong-goat", "qibainong-eggs"), townships=(QIBAINONG,),
              linkage="wage"),
    Archetype("qbn-goat", DAHUA, COOP, "山羊养殖专业合作社", "山羊合作社", ("qibainong-goat",),
              townships=(QIBAINONG, BANSHENG, YALONG), linkage="asset", count=2),
    Archetype("fish", DAHUA, COOP, "水产养殖专业合作社", "水产合作社",
              ("hongshui-fish", "hongshui-dried-fish"), townships=HONGSHUI_RIVER, count=3),
    Archetype("fish-co", DAHUA, ENTERPRISE, "渔业有限公司", "渔业", ("hongshui-fish", "hongshui-dried-fish"),
              townships=HONGSHUI_RIVER, extra_certs=("green",), linkage="wage"),
    Archetype("hemp", DAHUA, COOP, "火麻种植专业合作社", "火麻合作社", ("dahua-hemp-oil", "dahua-hemp-seeds"),
              extra_certs=("organic",), count=2),
    Archetype("farm", DAHUA, FARM, "生态家庭农场", "家庭农场",
              ("qibainong-corn", "dahua-pomelo", "dahua-honey", "dahua-black-fungus"),
              townships=(QIBAINONG, BANSHENG, YALONG), count=2),
    Archetype("mountain", DAHUA, COOP, "特色种养专业合作社", "种养合作社",
              ("dahua-honey", "dahua-black-fungus", "dahua-pomelo"), count=2),
)

# Supplier status by position within its county (0-based); the rest are approved.
STATUS_BY_POSITION: dict[str, dict[int, str]] = {
    LONGCHUAN: {14: "recommended", 15: "applied"},
    DUAN: {14: "suspended", 15: "applied"},
    DAHUA: {14: "recommended", 15: "applied"},
}
SUSPENSION_REASON = "抽检发现冷链运输温度记录缺失,整改完成前暂停销售。"

# Invented brand words for enterprise names, per county.
BRANDS = {
    LONGCHUAN: ("山韵", "客岭", "霍峰", "隆青", "枫岚"),
    DUAN: ("瑶岭", "澄碧", "密岭", "石韵"),
    DAHUA: ("弄岚", "岩湾", "红岭", "弄泉"),
}
SURNAMES = {
    LONGCHUAN: ("黄", "刘", "张", "曾", "骆", "叶", "邹", "钟", "赖", "陈"),
    DUAN: ("蓝", "韦", "覃", "蒙", "潘", "黄", "罗", "梁"),
    DAHUA: ("蓝", "韦", "覃", "蒙", "罗", "黄", "班", "樊"),
}
GIVEN_NAMES = ("建华", "志强", "桂兰", "秀英", "国良", "海燕", "春生", "玉梅", "文辉", "丽娟",
               "永福", "金凤", "明华", "少东", "晓红", "德胜", "美玲", "朝阳", "振兴", "秋菊")
BANKS = {
    LONGCHUAN: ("中国农业银行龙川县支行", "广东龙川农村商业银行", "中国邮政储蓄银行龙川县支行"),
    DUAN: ("中国农业银行都安瑶族自治县支行", "广西都安农村商业银行", "中国邮政储蓄银行都安县支行"),
    DAHUA: ("中国农业银行大化瑶族自治县支行", "广西大化农村商业银行", "中国邮政储蓄银行大化县支行"),
}
LINKAGE_TEXT = {
    "wage": "优先聘用建档立卡贫困户务工,{n}户贫困户在基地和车间就业,按月发放工资。",
    "asset": "贫困户以土地、扶贫小额信贷资金入股,{n}户按年分红并收取土地租金。",
    "business": "以保底价收购{n}户建档立卡贫困户的农产品,提供种苗与技术指导。",
}
DESCRIPTION = (
    "{name}位于{place},主营{products}。坚持“公司/合作社+基地+农户”模式,"
    "统一技术标准、统一收购、统一品牌销售,产品可追溯到村到户。"
)

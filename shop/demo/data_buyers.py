"""Static tables for the buyer side in Bao'an: departments, units, enterprises, social
organizations and the demo logins. Enterprise and organization names are invented."""

from dataclasses import dataclass
from datetime import date

# (slug, name) of district departments; each groups the units listed under it.
DEPARTMENTS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("education", "宝安区教育局", (
        ("education-logistics", "宝安区教育后勤保障中心"),
        ("school-canteens", "宝安区中小学食堂管理服务中心"),
        ("teacher-training", "宝安区教师继续教育中心"),
    )),
    ("health", "宝安区卫生健康局", (
        ("health-service", "宝安区卫生健康综合服务中心"),
        ("health-supervision", "宝安区卫生监督所"),
        ("community-health", "宝安区社区健康服务管理中心"),
    )),
    ("government-affairs", "宝安区机关事务管理局", (
        ("canteen-1", "宝安区机关第一食堂"),
        ("canteen-2", "宝安区机关第二食堂"),
        ("logistics", "宝安区机关后勤服务中心"),
    )),
    ("finance", "宝安区财政局", (("finance-review", "宝安区财政投资评审中心"),)),
    ("civil-affairs", "宝安区民政局", (("welfare", "宝安区社会福利服务中心"),)),
    ("trade-union", "宝安区总工会", (("worker-service", "宝安区职工服务中心"),)),
    ("housing", "宝安区住房和建设局", ()),
    ("culture", "宝安区文化广电旅游体育局", ()),
)

# Invented enterprise names: a two-character brand and a line of business.
ENTERPRISE_BRANDS = (
    "鹏拓", "湾岚", "启曜", "峻禾", "泓屹", "澜昇", "曜川", "铂衡", "禾芯", "睿汇",
    "鹏屹", "湾昇", "启川", "峻衡", "泓芯", "澜汇", "曜拓", "铂岚", "禾曜", "睿禾",
    "航拓", "海岚", "宁曜", "安禾", "福屹", "沙昇", "松泓", "燕衡", "石芯", "西汇",
    "新拓", "桥岚", "翔曜", "凤禾", "乐屹", "兴昇", "腾湾", "海衡", "宝睿", "湾汇",
)
ENTERPRISE_LINES = (
    "精密电子有限公司", "智能装备有限公司", "新材料科技有限公司", "供应链管理有限公司",
    "照明科技有限公司", "物流有限公司", "模具有限公司", "电路科技有限公司",
)
SOCIAL_ORGANIZATIONS: tuple[tuple[str, str], ...] = (
    ("volunteers", "宝安区青年志愿服务促进会"),
    ("catering", "宝安区餐饮行业促进会"),
    ("electronics", "宝安区电子信息企业联合会"),
    ("logistics-assoc", "宝安区物流与供应链协会"),
    ("women-entrepreneurs", "宝安区女企业家联谊会"),
    ("rural-revival", "宝安区乡村振兴帮扶促进会"),
    ("charity-fund", "宝安区扶贫济困慈善基金会"),
    ("hakka", "宝安区客家文化交流协会"),
    ("guangxi-chamber", "宝安区广西商会联谊会"),
    ("social-workers", "宝安区社会工作者协会"),
    ("elderly", "宝安区老年人体育协会"),
    ("retail", "宝安区商超零售行业协会"),
)
N_ENTERPRISES = 40

# Pledge ranges (whole yuan, rounded to thousands) and approval thresholds by type.
PLEDGE_YUAN = {
    "street": (600_000, 1_500_000),
    "department": (300_000, 900_000),
    "unit": (50_000, 300_000),
    "community": (30_000, 150_000),
    "enterprise": (50_000, 300_000),
    "social": (10_000, 50_000),
}
THRESHOLD_YUAN = {"government": 10_000, "community": 5_000, "enterprise": 20_000, "social": None}

# The 2020 campaign of the source article, kept as history (not shown on the public pages).
HISTORY_CAMPAIGN_SLUG = "2020-xiaofei-fupin"
HISTORY_CAMPAIGN_NAME = "2020年消费扶贫"
HISTORY_CAMPAIGN_START, HISTORY_CAMPAIGN_END = date(2020, 1, 1), date(2020, 12, 31)
HISTORY_CAMPAIGN_DESCRIPTION = (
    "宝安区政府及192个结对帮扶主体(社区、企业、社会组织)2020年采购龙川县、都安瑶族自治县、"
    "大化瑶族自治县农产品3000万元;平台上线前已线下采购1090万元。"
)
# The main campaign covers the year the demo is seeded in, so that orders paid today count.
CAMPAIGN_TARGET_FEN = 3_000_000_000
OFFLINE_TOTAL_FEN = 1_090_000_000
# Demo apportionment of the offline purchases by county; the shares add up to the total.
OFFLINE_SHARES_FEN = {"441622": 490_500_000, "451228": 305_200_000, "451229": 294_300_000}
OFFLINE_NOTE = "demo apportionment of the ¥10.9M bought before the platform"


@dataclass(frozen=True)
class CampaignPlan:
    slug: str
    name: str
    description: str
    start_date: date
    end_date: date


def current_campaign_plan(today: date) -> CampaignPlan:
    """The demo's main campaign: the calendar year of ``today`` (the shop's local date)."""
    year = today.year
    return CampaignPlan(
        slug=f"{year}-xiaofei-bangfu",
        name=f"{year}年消费帮扶",
        description=(
            f"宝安区政府及192个结对帮扶主体(社区、企业、社会组织){year}年采购龙川县、都安瑶族自治县、"
            "大化瑶族自治县农产品3000万元;平台上线前已线下采购1090万元。"
        ),
        start_date=date(year, 1, 1),
        end_date=date(year, 12, 31),
    )


def offline_date(year: int) -> date:
    """The day the demo's offline purchases are dated in a campaign of ``year`` (the 2020
    article's record was made in March)."""
    return date(year, 3, 13)


DEMO_PASSWORD = "demo12345"
DEMO_COMMUNITY_CODE = "440306017001"  # 宝民社区, 新安街道
DEMO_SUPPLIER_SLUG = "dahua-qbn-chicken-1"

"""Static tables for the demo shop: categories and the kinds of produce the three counties sell.

Facts (names of the famous produce, GI years, price ranges per 斤) follow DESIGN.md §1; the
rest is plausible local produce. Prices are integer fen per base unit so that no float ever
touches money; ``Spec.factor`` is how many base units one variant holds.
"""

from dataclasses import dataclass
from decimal import Decimal

LONGCHUAN, DUAN, DAHUA = "441622", "451228", "451229"
COUNTIES = (LONGCHUAN, DUAN, DAHUA)
COUNTY_SLUGS = {LONGCHUAN: "longchuan", DUAN: "duan", DAHUA: "dahua"}
COUNTY_FULL = {LONGCHUAN: "龙川县", DUAN: "都安瑶族自治县", DAHUA: "大化瑶族自治县"}
COUNTY_SHORT = {LONGCHUAN: "龙川", DUAN: "都安", DAHUA: "大化"}

# Townships named by the produce they are known for (codes from the regions table).
YIDU = "441622102"  # 义都镇: 桂林茶
CHENGJIANG = "451228106"  # 澄江镇: 海菜花
QIBAINONG, BANSHENG, YALONG = "451229211", "451229210", "451229213"  # 七百弄鸡 / 山羊
HONGSHUI_RIVER = ("451229102", "451229100", "451229101", "451229103")  # 岩滩, 大化, 都阳, 北景

# (slug, name, English name, children: (slug, name, English name))
CATEGORIES: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("grain-oil", "粮油", "Grain and oil", (
        ("rice", "大米", "Rice"), ("edible-oil", "食用油", "Edible oil"),
        ("coarse-grains", "杂粮", "Coarse grains"),
    )),
    ("meat-poultry-eggs", "肉禽蛋", "Meat, poultry and eggs", (
        ("goat-meat", "羊肉", "Goat meat"), ("poultry", "禽类", "Poultry"), ("eggs", "蛋类", "Eggs"),
    )),
    ("aquatic", "水产", "Aquatic products", (
        ("freshwater-fish", "淡水鱼", "Freshwater fish"), ("dried-fish", "鱼干", "Dried fish"),
    )),
    ("vegetables", "蔬菜", "Vegetables", (
        ("aquatic-vegetables", "水生蔬菜", "Aquatic vegetables"),
        ("root-vegetables", "薯类", "Tubers"), ("mushrooms", "菌菇", "Mushrooms"),
    )),
    ("fruit", "水果", "Fruit", (
        ("citrus", "柑橘柚", "Citrus"), ("tropical-fruit", "热带水果", "Tropical fruit"),
        ("stone-fruit", "李桃", "Plums and peaches"),
    )),
    ("tea", "茶叶", "Tea", (("green-tea", "绿茶", "Green tea"), ("black-tea", "红茶", "Black tea"))),
    ("dried-specialties", "干货特产", "Dried specialties", (
        ("dried-fruit", "果干", "Dried fruit"), ("mountain-goods", "山珍", "Mountain goods"),
        ("honey", "蜂蜜", "Honey"),
    )),
    ("processed-food", "加工食品", "Processed food", (
        ("cured-meat", "腊味肉干", "Cured meat and jerky"), ("noodles", "粉丝粉面", "Noodles"),
        ("wine", "酒", "Wine"),
    )),
)

FROZEN = "-18℃冷冻保存"
CHILLED = "0–4℃冷藏,尽快食用"
DRY = "阴凉干燥处密封保存,防潮防虫"
COOL_DARK = "阴凉避光保存,开封后尽快食用"


@dataclass(frozen=True)
class Spec:
    label: str  # e.g. 5斤/箱
    unit: str  # e.g. 箱
    factor: Decimal  # base units per variant (斤, 只, 枚, 瓶)


def _specs(*rows: tuple[str, str, str]) -> tuple[Spec, ...]:
    return tuple(Spec(label, unit, Decimal(factor)) for label, unit, factor in rows)


@dataclass(frozen=True)
class Kind:
    key: str  # ASCII, starts the product slugs
    name: str
    name_en: str
    category: str  # child category slug
    county: str
    picture: str  # pictogram drawn by shop.demo.pictures
    fen: tuple[int, int]  # price range per base unit, in fen
    specs: tuple[Spec, ...]
    shelf_life_days: int
    storage: str
    summary: str
    styles: tuple[tuple[str, str], ...]  # (Chinese, English) variants of the name
    townships: tuple[str, ...] = ()  # where it comes from; empty: the supplier's township
    gi: str = ""  # key of the geographical indication it carries (GI_CERTS)
    stock: tuple[int, int] = (30, 600)
    lead_days: tuple[int, int] = (2, 5)


KINDS: tuple[Kind, ...] = (
    # --- 龙川 Longchuan ---------------------------------------------------------------
    Kind("camellia-oil", "龙川山茶油", "Longchuan camellia oil", "edible-oil", LONGCHUAN, "bottle",
         (6000, 13000), _specs(("500ml/瓶", "瓶", "1"), ("1L/瓶", "瓶", "2"), ("2.5L/桶", "桶", "5")),
         540, COOL_DARK, "高山油茶籽物理压榨,色泽金黄,清香不腻。",
         (("冷榨一级", "cold-pressed"), ("压榨一级", "pressed, first grade"),
          ("农家土榨", "farmhouse pressed"), ("高山野生", "wild highland"))),
    Kind("camellia-oil-gift", "龙川山茶油礼盒", "Longchuan camellia oil gift box", "edible-oil",
         LONGCHUAN, "giftbox", (7000, 13000), _specs(("500ml×2/盒", "盒", "2"), ("1L×2/盒", "盒", "4")),
         540, COOL_DARK, "两瓶装山茶油礼盒,适合节日慰问与工会福利。",
         (("节日礼盒", "festival gift"), ("工会福利装", "staff welfare pack"))),
    Kind("guilin-tea", "龙川桂林茶", "Longchuan Guilin tea", "green-tea", LONGCHUAN, "leaf",
         (15000, 60000), _specs(("125g/罐", "罐", "0.25"), ("250g/盒", "盒", "0.5"), ("500g/盒", "盒", "1")),
         540, "密封、避光、防潮,冷藏更佳", "义都镇高山云雾茶园所产,条索紧结,回甘持久。",
         (("明前特级", "pre-Qingming special grade"), ("雨前一级", "pre-Guyu first grade"),
          ("高山云雾", "highland mist"), ("手工炒青", "hand-roasted")), townships=(YIDU,),
         stock=(20, 200)),
    Kind("yidu-black-tea", "义都红茶", "Yidu black tea", "black-tea", LONGCHUAN, "cup",
         (12000, 40000), _specs(("250g/盒", "盒", "0.5"), ("500g/盒", "盒", "1")),
         720, "密封、避光、防潮", "桂林茶鲜叶制成的工夫红茶,汤色红亮,蜜香明显。",
         (("工夫红茶", "gongfu black tea"), ("古树红茶", "old-tree black tea")), townships=(YIDU,),
         stock=(20, 200)),
    Kind("persimmon-cake", "龙川柿饼", "Longchuan dried persimmon", "dried-fruit", LONGCHUAN,
         "persimmon", (2500, 4500), _specs(("1斤/盒", "盒", "1"), ("2斤/盒", "盒", "2"), ("5斤/箱", "箱", "5")),
         180, "冷藏保存,表面白霜为天然糖霜", "传统日晒吊柿,果肉软糯,霜白味甜。",
         (("吊柿饼", "hung-dried"), ("流心柿饼", "soft-centred"), ("霜降柿饼", "frost-season"))),
    Kind("longchuan-rice", "龙川大米", "Longchuan rice", "rice", LONGCHUAN, "grain",
         (500, 1000), _specs(("10斤/袋", "袋", "10"), ("25斤/袋", "袋", "25"), ("50斤/袋", "袋", "50")),
         365, DRY, "山泉水灌溉的一季稻,现碾现发,米粒晶莹。",
         (("丝苗米", "silk-seedling rice"), ("高山香米", "highland fragrant rice"),
          ("富硒米", "selenium-rich rice"), ("农家现碾", "freshly milled")), stock=(100, 2000)),
    Kind("hakka-cured-meat", "客家腊味", "Hakka cured pork", "cured-meat", LONGCHUAN, "meat",
         (4500, 8000), _specs(("1斤/袋", "袋", "1"), ("2斤/袋", "袋", "2"), ("5斤/箱", "箱", "5")),
         180, "阴凉通风处或冷藏保存", "农家土猪肉按客家传统腌制风干,咸香适口。",
         (("五花腊肉", "cured pork belly"), ("客家腊肠", "Hakka sausage"), ("腊味礼盒", "gift box"))),
    Kind("hakka-rice-wine", "客家娘酒", "Hakka rice wine", "wine", LONGCHUAN, "wine",
         (3000, 8000), _specs(("750ml/瓶", "瓶", "1"), ("750ml×6/箱", "箱", "6")),
         720, COOL_DARK, "糯米酿造的客家黄酒,醇厚甘甜。",
         (("陈酿三年", "aged three years"), ("糯米娘酒", "glutinous rice"))),
    Kind("longchuan-eggs", "龙川土鸡蛋", "Longchuan free-range eggs", "eggs", LONGCHUAN, "egg",
         (150, 300), _specs(("30枚/盒", "盒", "30"), ("60枚/箱", "箱", "60")),
         30, "冷藏保存", "林下散养土鸡所产,蛋黄饱满。",
         (("林下散养", "forest free-range"), ("农家土鸡蛋", "farmhouse")), lead_days=(1, 3)),
    Kind("bamboo-shoots", "龙川笋干", "Longchuan dried bamboo shoots", "mountain-goods", LONGCHUAN,
         "shoot", (3000, 6000), _specs(("500g/袋", "袋", "1"), ("1斤×2/盒", "盒", "2")),
         365, DRY, "山间春笋蒸煮晾晒,脆嫩清香。", (("春笋干", "spring shoots"), ("笋尖", "shoot tips"))),
    Kind("sanhua-plum", "龙川三华李", "Longchuan Sanhua plums", "stone-fruit", LONGCHUAN, "plum",
         (600, 1500), _specs(("5斤/箱", "箱", "5"), ("10斤/箱", "箱", "10")),
         10, CHILLED, "果皮紫红,果肉脆甜,产地直发。",
         (("头茬鲜果", "first picking"), ("精选大果", "selected large")), lead_days=(1, 2)),
    Kind("longchuan-shiitake", "龙川香菇", "Longchuan shiitake", "mushrooms", LONGCHUAN, "mushroom",
         (5000, 9000), _specs(("250g/袋", "袋", "0.5"), ("500g/袋", "袋", "1")),
         365, DRY, "椴木栽培,菌盖厚实,香气浓郁。",
         (("椴木花菇", "log-grown flower"), ("干香菇", "dried"))),
    # --- 都安 Du'an -------------------------------------------------------------------
    Kind("duan-goat", "都安山羊肉", "Du'an goat meat", "goat-meat", DUAN, "goat",
         (4500, 7000), _specs(("2斤/袋", "袋", "2"), ("5斤/箱", "箱", "5"), ("10斤/箱", "箱", "10")),
         180, FROZEN, "石山放养的都安山羊,肉质细嫩,膻味轻。",
         (("带皮鲜切", "skin-on cut"), ("羊排", "ribs"), ("羊腿", "leg"), ("羊肉片", "sliced")),
         gi="duan-goat"),
    Kind("duan-goat-whole", "都安山羊(整只)", "Du'an goat carcass", "goat-meat", DUAN, "goat",
         (4500, 6000), _specs(("约30斤/只", "只", "30"),), 180, FROZEN,
         "整只屠宰分割,适合单位食堂与节庆聚餐。", (("整羊分割", "butchered"), ("半只装", "half")),
         gi="duan-goat", stock=(5, 60), lead_days=(3, 7)),
    Kind("duan-goat-jerky", "都安山羊肉干", "Du'an goat jerky", "cured-meat", DUAN, "meat",
         (12000, 20000), _specs(("250g/袋", "袋", "0.5"), ("500g/盒", "盒", "1")),
         270, DRY, "都安山羊腿肉卤制烘干,越嚼越香。", (("香辣", "spicy"), ("原味", "original")),
         gi="duan-goat"),
    Kind("haicai-flower", "澄江海菜花", "Chengjiang water-poppy greens", "aquatic-vegetables", DUAN,
         "flower", (800, 1500), _specs(("2斤/袋", "袋", "2"), ("5斤/箱", "箱", "5")),
         5, CHILLED, "只长在清澈流水中的海菜花,嫩茎爽滑,清炒煮汤皆宜。",
         (("鲜采", "freshly picked"), ("嫩茎", "tender stems")), townships=(CHENGJIANG,),
         lead_days=(1, 2)),
    Kind("miluotuo-wine", "密洛陀山葡萄酒", "Miluotuo wild grape wine", "wine", DUAN, "wine",
         (6000, 15000), _specs(("750ml/瓶", "瓶", "1"), ("750ml×2/盒", "盒", "2")),
         1095, COOL_DARK, "以瑶山野生山葡萄酿造,果香浓郁。", (("干红", "dry red"), ("甜型", "sweet"))),
    Kind("miluotuo-honey", "密洛陀野生蜂蜜", "Miluotuo wild honey", "honey", DUAN, "jar",
         (6000, 12000), _specs(("500g/瓶", "瓶", "1"), ("1000g/瓶", "瓶", "2")),
         730, "常温密封保存,结晶属正常现象", "瑶山百花蜜,自然成熟,浓稠清甜。",
         (("百花蜜", "wildflower"), ("冬蜜", "winter honey"))),
    Kind("canna-noodles", "都安旱藕粉丝", "Du'an canna starch noodles", "noodles", DUAN, "noodles",
         (1500, 3000), _specs(("2斤/袋", "袋", "2"), ("5斤/箱", "箱", "5")),
         365, DRY, "石山旱藕磨粉手工制成,久煮不烂。", (("手工晾晒", "hand-dried"), ("细粉", "thin"))),
    Kind("duan-corn", "都安石山玉米", "Du'an karst corn", "coarse-grains", DUAN, "corn",
         (300, 800), _specs(("5斤/袋", "袋", "5"), ("10斤/袋", "袋", "10")),
         180, DRY, "石缝中种出的老品种玉米,香糯有嚼劲。",
         (("糯玉米", "waxy"), ("玉米碴", "grits"), ("玉米粉", "cornmeal")), stock=(100, 1500)),
    Kind("duan-dragon-fruit", "都安红心火龙果", "Du'an red dragon fruit", "tropical-fruit", DUAN,
         "dragonfruit", (600, 1400), _specs(("5斤/箱", "箱", "5"), ("10斤/箱", "箱", "10")),
         14, CHILLED, "红心品种,果肉细腻,甜度高。", (("红心", "red flesh"), ("精品大果", "premium large")),
         lead_days=(1, 3)),
    Kind("yaoshan-chicken", "都安瑶山土鸡", "Du'an Yao mountain chicken", "poultry", DUAN, "chicken",
         (8000, 14000), _specs(("1只(约2.5斤)", "只", "1"), ("2只/箱", "箱", "2")),
         180, FROZEN, "瑶山林下散养一年以上,肉质紧实。",
         (("林下散养", "forest-raised"), ("阉鸡", "capon"))),
    Kind("duan-purple-potato", "都安紫薯", "Du'an purple sweet potato", "root-vegetables", DUAN,
         "potato", (300, 700), _specs(("5斤/箱", "箱", "5"), ("10斤/箱", "箱", "10")),
         60, "阴凉通风处保存,勿冷藏", "沙地种植,粉糯香甜。",
         (("沙地紫薯", "sandy-soil"), ("小果紫薯", "small"))),
    # --- 大化 Dahua -------------------------------------------------------------------
    Kind("qibainong-chicken", "七百弄鸡", "Qibainong chicken", "poultry", DAHUA, "chicken",
         (12000, 20000), _specs(("1只(约3斤)", "只", "1"), ("2只/箱", "箱", "2")),
         180, FROZEN, "地理标志产品、圳品认证,七百弄山区散养,皮脆肉香。",
         (("散养阉鸡", "free-range capon"), ("土母鸡", "hen"), ("冰鲜整鸡", "chilled whole")),
         townships=(QIBAINONG, BANSHENG, YALONG), gi="qibainong-chicken", stock=(20, 300)),
    Kind("qibainong-goat", "七百弄山羊肉", "Qibainong goat meat", "goat-meat", DAHUA, "goat",
         (4800, 7000), _specs(("2斤/袋", "袋", "2"), ("5斤/箱", "箱", "5"), ("10斤/箱", "箱", "10")),
         180, FROZEN, "地理标志产品,弄场间放养,肉质鲜嫩。",
         (("带皮鲜切", "skin-on cut"), ("羊排", "ribs"), ("羊腿", "leg")),
         townships=(QIBAINONG, BANSHENG, YALONG), gi="qibainong-goat"),
    Kind("hongshui-fish", "红水河库区鱼", "Hongshui River reservoir fish", "freshwater-fish", DAHUA,
         "fish", (1200, 3000), _specs(("约3斤/条", "条", "3"), ("约5斤/条", "条", "5"), ("10斤/箱", "箱", "10")),
         3, "冰鲜配送,0–4℃冷藏", "红水河岩滩库区大水面生态养殖,肉质紧实无土腥。",
         (("大头鱼(鳙鱼)", "bighead carp"), ("草鱼", "grass carp"), ("黄骨鱼", "yellow catfish"),
          ("罗非鱼", "tilapia")), townships=HONGSHUI_RIVER, lead_days=(1, 2)),
    Kind("hongshui-dried-fish", "红水河鱼干", "Hongshui River dried fish", "dried-fish", DAHUA,
         "driedfish", (4000, 8000), _specs(("500g/袋", "袋", "1"), ("1斤×2/盒", "盒", "2")),
         270, DRY, "库区鲜鱼腌制烟熏,咸香下饭。", (("烟熏", "smoked"), ("香辣", "spicy")),
         townships=HONGSHUI_RIVER),
    Kind("dahua-hemp-oil", "大化火麻油", "Dahua hemp seed oil", "edible-oil", DAHUA, "bottle",
         (8000, 15000), _specs(("500ml/瓶", "瓶", "1"), ("250ml×2/盒", "盒", "1")),
         540, COOL_DARK, "本地火麻仁低温压榨,清香可口。", (("低温压榨", "cold-pressed"), ("一级", "first grade"))),
    Kind("dahua-hemp-seeds", "大化火麻仁", "Dahua hemp seeds", "coarse-grains", DAHUA, "grain",
         (3000, 6000), _specs(("500g/袋", "袋", "1"), ("1斤×2/盒", "盒", "2")),
         365, DRY, "去壳火麻仁,可煲汤、打浆。", (("去壳", "hulled"), ("带壳", "in shell"))),
    Kind("qibainong-corn", "七百弄玉米", "Qibainong corn", "coarse-grains", DAHUA, "corn",
         (300, 800), _specs(("5斤/袋", "袋", "5"), ("10斤/袋", "袋", "10")),
         180, DRY, "高寒石山老品种玉米,磨粉煮粥香浓。", (("玉米粉", "cornmeal"), ("糯玉米", "waxy")),
         townships=(QIBAINONG, BANSHENG, YALONG), stock=(100, 1500)),
    Kind("dahua-honey", "大化土蜂蜜", "Dahua wild honey", "honey", DAHUA, "jar",
         (6000, 12000), _specs(("500g/瓶", "瓶", "1"), ("1000g/瓶", "瓶", "2")),
         730, "常温密封保存,结晶属正常现象", "中华蜂土法养殖,一年一割。",
         (("百花蜜", "wildflower"), ("鸭脚木冬蜜", "winter honey"))),
    Kind("dahua-pomelo", "大化红心柚", "Dahua red pomelo", "citrus", DAHUA, "citrus",
         (400, 1000), _specs(("2个/箱(约6斤)", "箱", "6"), ("4个/箱(约12斤)", "箱", "12")),
         60, "阴凉通风处保存", "果肉红润,酸甜多汁,耐储存。", (("红心", "red flesh"), ("精选", "selected"))),
    Kind("dahua-black-fungus", "大化黑木耳", "Dahua black fungus", "mushrooms", DAHUA, "mushroom",
         (6000, 12000), _specs(("250g/袋", "袋", "0.5"), ("500g/袋", "袋", "1")),
         365, DRY, "秋木耳,朵小肉厚,泡发率高。", (("秋木耳", "autumn"), ("小碗耳", "small cup"))),
    Kind("qibainong-eggs", "七百弄土鸡蛋", "Qibainong free-range eggs", "eggs", DAHUA, "egg",
         (180, 300), _specs(("30枚/盒", "盒", "30"), ("60枚/箱", "箱", "60")),
         30, "冷藏保存", "七百弄鸡所产土鸡蛋,个小黄大。",
         (("林下散养", "forest free-range"), ("初生蛋", "first-laid")),
         townships=(QIBAINONG, BANSHENG, YALONG), lead_days=(1, 3)),
)
KINDS_BY_KEY = {k.key: k for k in KINDS}

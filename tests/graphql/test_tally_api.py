"""The public tally over GraphQL: campaign figures to the fen, breakdowns, the leaderboard
(ties, pages, filters), an organization's standing, bad arguments and query counts."""

import datetime as dt
import json
from decimal import ROUND_DOWN, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from orders.models import PaymentMethod
from orders.services.offline import offline_record_approve, offline_record_create
from orders.services.payments import order_mark_paid
from orders.services.refunds import order_refund
from shop.accounts.models import OrganizationType
from tests.factories import OrganizationFactory, UserFactory
from tests.world import build_order_world, place

pytestmark = pytest.mark.django_db

MONTH = timezone.localdate().strftime("%Y-%m")
BOARD = """edges { cursor node { rank key id name type amount { amount fen } orderCount } }
           totalCount pageInfo { hasNextPage endCursor }"""
FIGURES = f"""slug target {{ fen }} total {{ amount fen }} progress progressPercent accepted {{ fen }}
    unpaid {{ amount fen }} organizationCount orderCount
    byCounty {{ key label amount {{ amount fen }} percent }}
    byBuyerType {{ key label amount {{ fen }} percent }}
    byChannel {{ key label amount {{ fen }} percent }}
    byMonth {{ month amount {{ fen }} cumulative {{ fen }} }}
    leaderboard(first: 20) {{ {BOARD} }}"""
CAMPAIGN = "query($slug: String) { campaign(slug: $slug) { " + FIGURES + " } }"
LEADERBOARD = f"""query($first: Int, $after: String, $type: String, $period: String, $dim: LeaderboardDimension) {{
  currentCampaign {{ leaderboard(first: $first, after: $after, buyerType: $type, period: $period, dimension: $dim) {{ {BOARD} }} }} }}"""
ORGANIZATION = """query($id: ID!, $campaign: String) { organization(id: $id, campaign: $campaign) {
  id name type campaign spend { amount fen } pledge { amount fen } completion rank orderCount } }"""


@pytest.fixture
def world(regions):
    return build_order_world()


@pytest.fixture
def checker(world):
    return UserFactory(username="checker", is_staff=True)


def paid(world, **kwargs):
    order = place(world, **kwargs)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    order.refresh_from_db()
    return order


def offline(world, checker, *, organization, amount: str, county: str = "451229"):
    """An offline purchase entered by finance and approved by a second staff member."""
    record = offline_record_create(
        actor=world.staff, county_code=county, amount=amount, occurred_on=timezone.localdate(),
        description="消费扶贫展销会", organization_id=organization.pk if organization else None,
    )
    offline_record_approve(actor=checker, record=record)
    return record


def ok(result: dict, name: str):
    assert "errors" not in result, result
    return result["data"][name]


def test_campaign_figures_are_exact_to_the_fen(world, checker, gql):
    paid(world)  # org_a, canteen: 2×88.00 (Longchuan) + 3×45.50 (Du'an) = 312.50
    b = paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 5)])  # 440.00
    order_refund(actor=world.staff, order=b, reason="破损", amount_fen=8800, idempotency_key="r1")
    offline(world, checker, organization=world.org_a, amount="10900000.01")  # Dahua, before the platform
    place(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_b, 1)])  # unpaid 45.50

    c = ok(gql(CAMPAIGN, {"slug": world.campaign.slug}), "campaign")
    total = 31250 + 44000 - 8800 + 1_090_000_001
    assert c["total"] == {"amount": "10900664.51", "fen": str(total)}
    assert c["target"] == {"fen": "3000000000"}
    expected = (Decimal(total) * 100 / Decimal(3_000_000_000)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    assert Decimal(c["progress"]) == expected == Decimal("36.33")
    assert c["progressPercent"] == c["progress"]
    assert c["unpaid"] == {"amount": "45.50", "fen": "4550"}
    assert c["accepted"] == {"fen": "0"}
    assert (c["organizationCount"], c["orderCount"]) == (2, 2)
    assert [(s["key"], s["label"], s["amount"]["fen"]) for s in c["byCounty"]] == [
        ("451229", "大化瑶族自治县", "1090000001"),
        ("441622", "龙川县", str(17600 + 44000 - 8800)),
        ("451228", "都安瑶族自治县", "13650"),
    ]
    assert sum(int(s["amount"]["fen"]) for s in c["byCounty"]) == total
    assert c["byCounty"][1]["amount"]["amount"] == "528.00"
    assert c["byCounty"][0]["percent"] == "99.99" and c["byCounty"][2]["percent"] == "0.00"
    assert {s["key"]: s["amount"]["fen"] for s in c["byBuyerType"]} == {
        "community": str(31250 + 1_090_000_001), "enterprise": "35200",
    }
    assert {s["label"] for s in c["byBuyerType"]} == {"社区", "企业"}
    assert {s["key"]: s["amount"]["fen"] for s in c["byChannel"]} == {
        "other": "1090000001", "canteen": str(31250 + 35200),
    }
    assert c["byMonth"] == [{"month": MONTH, "amount": {"fen": str(total)}, "cumulative": {"fen": str(total)}}]
    board = c["leaderboard"]
    assert board["totalCount"] == 2
    assert [(e["node"]["rank"], e["node"]["name"], e["node"]["type"], e["node"]["amount"]["fen"], e["node"]["orderCount"])
            for e in board["edges"]] == [
        (1, world.org_a.name, "COMMUNITY", str(31250 + 1_090_000_001), 1),
        (2, world.org_b.name, "ENTERPRISE", "35200", 1),
    ]
    assert board["edges"][0]["node"]["id"] == to_global_id("BuyerOrganization", world.org_a.pk)


def test_labels_follow_the_request_language(world, client):
    paid(world)
    body = json.dumps({"query": "{ currentCampaign { byBuyerType { label } byChannel { label } } }"})
    en = client.post("/graphql/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert en["data"]["currentCampaign"] == {"byBuyerType": [{"label": "Community"}], "byChannel": [{"label": "Canteen (食堂)"}]}
    zh = client.post("/graphql/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert zh["data"]["currentCampaign"]["byBuyerType"] == [{"label": "社区"}]


def test_ties_share_a_rank_across_pages(world, checker, gql):
    org_c = OrganizationFactory(name="宝安区测试街道", org_type=OrganizationType.GOVERNMENT)
    offline(world, checker, organization=world.org_a, amount="100.00")
    offline(world, checker, organization=world.org_b, amount="100.00")
    offline(world, checker, organization=org_c, amount="99.99")
    board = ok(gql(LEADERBOARD, {"first": 3}), "currentCampaign")["leaderboard"]
    assert [e["node"]["rank"] for e in board["edges"]] == [1, 1, 3]
    assert board["edges"][2]["node"]["name"] == "宝安区测试街道"

    seen, after = [], None
    while True:
        page = ok(gql(LEADERBOARD, {"first": 1, "after": after}), "currentCampaign")["leaderboard"]
        assert page["totalCount"] == 3
        seen += [(e["node"]["rank"], e["node"]["name"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [(e["node"]["rank"], e["node"]["name"]) for e in board["edges"]]


def test_leaderboard_by_type_period_and_dimension(world, checker, gql):
    paid(world)  # org_a (community): Longchuan 176.00, Du'an 136.50
    paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_b, 10)])  # 455.00 Du'an

    def board(**variables):
        return ok(gql(LEADERBOARD, {"first": 10, **variables}), "currentCampaign")["leaderboard"]

    def rows(result):
        return [(e["node"]["rank"], e["node"]["name"], e["node"]["amount"]["fen"]) for e in result["edges"]]

    for spelling in ("community", "COMMUNITY"):
        assert rows(board(type=spelling)) == [(1, world.org_a.name, "31250")]
    assert rows(board(type="social")) == []
    assert rows(board(period=MONTH)) == [(1, world.org_b.name, "45500"), (2, world.org_a.name, "31250")]
    assert rows(board(period="")) == rows(board())
    other_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    assert board(period=other_month) == {"edges": [], "totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}}
    counties = board(dim="COUNTY")
    assert [(e["node"]["key"], e["node"]["amount"]["fen"], e["node"]["id"], e["node"]["type"]) for e in counties["edges"]] == [
        ("451228", "59150", None, None), ("441622", "17600", None, None),
    ]
    suppliers = board(dim="SUPPLIER")
    assert [e["node"]["name"] for e in suppliers["edges"]] == [world.supplier_b.legal_name, world.supplier_a.legal_name]
    assert suppliers["edges"][0]["node"]["id"] == to_global_id("Supplier", world.supplier_b.pk)


def _post(client, query, variables, language):
    body = json.dumps({"query": query, "variables": variables})
    return client.post("/graphql/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize(("variables", "field", "zh", "en"), [
    ({"period": "2020-13"}, "period", "请输入月份", "Enter a month like 2020-06"),
    ({"period": "june"}, "period", "请输入月份", "Enter a month like 2020-06"),
    ({"type": "alien"}, "buyerType", "未知的采购单位类型", "Unknown buyer type."),
    ({"type": "community", "dim": "COUNTY"}, "buyerType", None, "only narrow the ranking of organizations"),
    ({"first": -1}, "first", None, "must not be negative"),
    ({"first": 101}, "first", None, "at most 100"),
    ({"after": "not-a-cursor"}, "after", None, "Invalid cursor"),
])
def test_bad_leaderboard_arguments_are_refused_with_a_message(world, checker, client, variables, field, zh, en):
    offline(world, checker, organization=world.org_a, amount="10.00")
    for language, text in (("zh-hans", zh), ("en", en)):
        response = _post(client, LEADERBOARD, variables, language)
        assert response.status_code == 200
        result = response.json()
        assert result["data"] == {"currentCampaign": None}  # no rows from any other period or type
        error = result["errors"][0]
        assert error["extensions"]["field"] == field
        assert error["extensions"]["code"] in {"INVALID", "INVALID_ARGUMENT", "INVALID_CURSOR", "PAGE_SIZE_TOO_LARGE"}
        if text:
            assert text in error["message"]


def test_unknown_dimension_and_fields_are_schema_errors(world, client):
    response = _post(client, LEADERBOARD, {"dim": "PEOPLE"}, "en")
    assert response.status_code == 400 and "data" not in response.json()
    for private in ("addresses", "members", "contactPhone", "orders", "taxNumber"):
        query = "query($id: ID!) { organization(id: $id) { name " + private + " } }"
        response = _post(client, query, {"id": to_global_id("BuyerOrganization", world.org_a.pk)}, "en")
        assert response.status_code == 400, private
        assert response.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "data" not in response.json()


def test_public_types_have_only_public_fields(gql, settings):
    settings.GRAPHQL_INTROSPECTION = True  # off in production; the schema is the same
    def fields(name):
        return {f["name"] for f in gql('query($n: String!) { __type(name: $n) { fields { name } } }', {"n": name})["data"]["__type"]["fields"]}

    assert fields("OrganizationTally") == {
        "id", "name", "type", "campaign", "spend", "pledge", "completion", "rank", "orderCount",
    }
    assert fields("LeaderboardRow") == {"rank", "key", "id", "name", "type", "amount", "orderCount"}


def test_organization_standing_for_anyone(world, checker, gql, client):
    world.org_a.annual_pledge = Decimal("1000.00")
    world.org_a.save(update_fields=["annual_pledge"])
    paid(world)  # 312.50
    paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 5)])  # 440.00
    org_c = OrganizationFactory(name="宝安区未采购单位", annual_pledge=Decimal("500.00"))

    a = ok(gql(ORGANIZATION, {"id": to_global_id("BuyerOrganization", world.org_a.pk)}), "organization")
    assert a == {
        "id": to_global_id("BuyerOrganization", world.org_a.pk), "name": world.org_a.name, "type": "COMMUNITY",
        "campaign": world.campaign.slug, "spend": {"amount": "312.50", "fen": "31250"},
        "pledge": {"amount": "1000.00", "fen": "100000"}, "completion": "31.25", "rank": 2, "orderCount": 1,
    }
    b = ok(gql(ORGANIZATION, {"id": to_global_id("BuyerOrganization", world.org_b.pk), "campaign": world.campaign.slug}), "organization")
    assert (b["rank"], b["spend"]["fen"], b["pledge"]["fen"], b["completion"]) == (1, "44000", "0", None)
    c = ok(gql(ORGANIZATION, {"id": to_global_id("BuyerOrganization", org_c.pk)}), "organization")
    assert (c["rank"], c["spend"]["fen"], c["completion"], c["orderCount"]) == (None, "0", "0.00", 0)

    body = _post(client, ORGANIZATION, {"id": to_global_id("BuyerOrganization", world.org_a.pk)}, "zh-hans").content.decode()
    for private in ("李四", "13800000001", "测试路1号", "91440300MA5TEST01X", "buyer-a"):
        assert private not in body


def test_organization_that_is_not_public_or_a_bad_id(world, gql):
    pending = OrganizationFactory(name="待审核单位", status="pending")
    assert ok(gql(ORGANIZATION, {"id": to_global_id("BuyerOrganization", pending.pk)}), "organization") is None
    assert ok(gql(ORGANIZATION, {"id": to_global_id("BuyerOrganization", 999999)}), "organization") is None
    gone = gql(ORGANIZATION, {"id": to_global_id("BuyerOrganization", world.org_a.pk), "campaign": "no-such"})
    assert ok(gone, "organization") is None
    wrong = gql(ORGANIZATION, {"id": to_global_id("Supplier", world.supplier_a.pk)})
    assert wrong["errors"][0]["extensions"] == {"code": "INVALID_ID", "field": "id"}


def test_constant_queries_for_the_big_screen_query(world, checker, client):
    query = "{ currentCampaign { " + FIGURES + " } }"

    def measure() -> tuple[int, dict]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.post("/graphql/", {"query": query}, content_type="application/json")
        result = response.json()
        assert "errors" not in result, result
        return len(ctx.captured_queries), result["data"]["currentCampaign"]

    for i in range(3):
        offline(world, checker, organization=OrganizationFactory(), amount=f"{100 + i}.00")
    small, few = measure()
    for i in range(27):
        offline(world, checker, organization=OrganizationFactory(), amount=f"{200 + i}.00")
    large, many = measure()
    assert (few["organizationCount"], many["organizationCount"]) == (3, 30)
    assert len(few["leaderboard"]["edges"]) == 3 and len(many["leaderboard"]["edges"]) == 20
    assert many["leaderboard"]["totalCount"] == 30
    assert small == large <= 9  # campaign, total, tally (4), leaderboard page, names, count


def test_hardening_limits_apply_to_the_tally(world, client, settings):
    aliases = " ".join(f"b{i}: leaderboard(first: 1) {{ totalCount }}" for i in range(31))
    response = client.post("/graphql/", {"query": "{ currentCampaign { " + aliases + " } }"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
    settings.GRAPHQL_MAX_DEPTH = 4
    deep = "{ currentCampaign { leaderboard { edges { node { amount { fen } } } } } }"
    response = client.post("/graphql/", {"query": deep}, content_type="application/json")
    assert response.status_code == 400
    assert "最多为 4 层" in response.json()["errors"][0]["message"]

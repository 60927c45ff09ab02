"""Public tally pages: amounts to the fen, ranks with ties, charts as inline SVG, bad input
answered with 400, nothing private on the page, English available.

The world: org_a (community) pays ¥312.50 by canteen; org_b (enterprise) pays ¥440.00 from
union funds and gets ¥88.00 back; a street's community bought ¥10,900,000.00 offline in
Dahua; org_b also has an unpaid order of ¥88.00 waiting for payment; org_a accepted its order.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from orders.services.offline import offline_record_approve, offline_record_create
from orders.services.refunds import order_refund
from shop.accounts.models import OrganizationType
from shop.common.money import format_yuan
from tests.factories import DAHUA, OrganizationFactory, UserFactory
from tests.frontend.conftest import switch_to_english
from tests.world import build_order_world, place, place_paid

pytestmark = pytest.mark.django_db

OFFLINE_FEN = 1_090_000_000


def checker():
    return UserFactory(username=f"checker-{UserFactory._meta.model.objects.count()}", is_staff=True)


def offline(world, *, amount: str, county: str = DAHUA, organization=None, supplier=None, approver=None):
    record = offline_record_create(
        actor=world.staff, county_code=county, amount=amount, occurred_on=dt.date.today(),
        description="消费扶贫展销会", organization_id=organization.pk if organization else None,
        supplier_id=supplier.pk if supplier else None,
    )
    offline_record_approve(actor=approver or checker(), record=record)
    return record


@pytest.fixture
def world(regions):
    return build_order_world()


@pytest.fixture
def tallied(world):
    from orders.services.fulfilment import fulfilment_ship, order_accept

    a = place_paid(world)  # 2×88 + 3×45.50 = 312.50, canteen; shipped and accepted (验收)
    for part in a.fulfilments.all():
        owner = world.owner_a if part.supplier == world.supplier_a else world.owner_b
        fulfilment_ship(actor=owner, fulfilment=part, carrier="顺丰", tracking_number=f"SF{part.pk}")
    order_accept(actor=world.purchaser_a, order=a)
    b = place_paid(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 5)], funding_channel="union")
    order_refund(actor=world.staff, order=b, reason="破损", amount_fen=8800, idempotency_key="r1")
    unpaid = place(world, user=world.purchaser_b, organization=world.org_b, items=[(world.variant_a, 1)])
    street = OrganizationFactory(name="宝安区西乡街道", org_type=OrganizationType.GOVERNMENT, is_group=True)
    community = OrganizationFactory(
        name="西乡街道测试社区", org_type=OrganizationType.COMMUNITY, parent=street,
        annual_pledge=Decimal("20000000.00"),
    )
    offline(world, amount="10900000.00", organization=community)
    world.org_a.annual_pledge = Decimal("1000.00")
    world.org_a.save(update_fields=["annual_pledge"])
    return {"a": a, "b": b, "unpaid": unpaid, "street": street, "community": community}


def text(response) -> str:
    return response.content.decode()


def ranks(html: str) -> list[tuple[int, str]]:
    rows = re.findall(r'<td class="num rank">(\d+)</td>\s*<th scope="row">(?:<a [^>]*>)?([^<]+)', html)
    return [(int(rank), name.strip()) for rank, name in rows]


TOTAL = 31250 + 44000 - 8800 + OFFLINE_FEN


def test_progress_page_shows_the_tally_to_the_fen_with_three_svg_charts(client, world, tallied):
    response = client.get("/tally/")
    assert response.status_code == 200
    html = text(response)
    assert f'id="tally-total">{format_yuan(TOTAL)}<' in html
    assert format_yuan(world.campaign.target_fen) in html
    assert 'id="tally-organizations">3<' in html and 'id="tally-orders">2<' in html
    assert f'id="tally-accepted">{format_yuan(31250)}<' in html
    assert tallied["unpaid"].total_fen == 8800 and f'id="tally-unpaid">{format_yuan(8800)}<' in html
    percent = f"{TOTAL * 100 / world.campaign.target_fen:.1f}%"
    assert percent in html
    # Charts are inline SVG with a text alternative; no script, no network resource.
    assert html.count('<svg class="chart') == 3 and html.count('role="img"') == 3
    assert "<desc" in html and "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    by_county = html[html.index('id="by-county"'):]
    assert format_yuan(17600 + 44000 - 8800) in by_county and format_yuan(13650) in by_county
    assert format_yuan(OFFLINE_FEN) in by_county
    by_channel = html[html.index('id="by-channel"'):]
    assert format_yuan(31250) in by_channel and format_yuan(35200) in by_channel
    by_type = html[html.index('id="by-type"'):]
    assert format_yuan(OFFLINE_FEN + 31250) in by_type  # two communities
    assert f'href="/tally/leaderboard/?campaign={world.campaign.slug}' in html


def test_pages_show_no_people_addresses_or_orders(client, world, tallied):
    org = tallied["community"]
    urls = [
        "/tally/", "/tally/leaderboard/", "/tally/leaderboard/?board=parent", "/tally/leaderboard/?board=supplier",
        "/tally/screen/", "/tally/screen.json", f"/tally/organizations/{world.org_a.pk}/",
        f"/tally/organizations/{org.pk}/", f"/tally/suppliers/{world.supplier_a.slug}/", f"/tally/counties/{DAHUA}/",
    ]
    private = [
        world.address_a.address, world.address_a.recipient, world.address_a.phone, world.address_b.recipient,
        tallied["a"].number, tallied["b"].number, tallied["unpaid"].number, world.org_a.tax_number,
        "buyer-a", "buyer-b", "approver-a", world.supplier_a.contact_phone, world.supplier_a.contact_name,
    ]
    for url in urls:
        html = text(client.get(url))
        for secret in private:
            assert secret not in html, (url, secret)


def test_leaderboard_ranks_organizations_with_shared_ranks_and_filters_by_type(client, world, tallied):
    twin = OrganizationFactory(name="宝安区同额单位", org_type=OrganizationType.ENTERPRISE)
    offline(world, amount="352.00", organization=twin)  # the same as org_b after its refund
    response = client.get("/tally/leaderboard/")
    assert response.status_code == 200
    assert sorted(ranks(text(response))) == sorted([
        (1, tallied["community"].name), (2, twin.name), (2, world.org_b.name), (4, world.org_a.name),
    ])
    assert format_yuan(35200) in text(response)
    communities = client.get("/tally/leaderboard/?type=community")
    assert ranks(text(communities)) == [(1, tallied["community"].name), (2, world.org_a.name)]
    month = dt.date.today().strftime("%Y-%m")
    assert sorted(ranks(text(client.get(f"/tally/leaderboard/?period={month}&type=enterprise")))) == sorted([
        (1, twin.name), (1, world.org_b.name)
    ])
    assert ranks(text(client.get("/tally/leaderboard/?period=2001-01"))) == []


def test_leaderboard_ranks_streets_suppliers_and_counties(client, world, tallied):
    streets = text(client.get("/tally/leaderboard/?board=parent"))
    assert ranks(streets) == [(1, tallied["street"].name)] and format_yuan(OFFLINE_FEN) in streets
    suppliers = text(client.get("/tally/leaderboard/?board=supplier"))
    assert ranks(suppliers) == [(1, world.supplier_a.legal_name), (2, world.supplier_b.legal_name)]
    assert format_yuan(52800) in suppliers and f'href="/tally/suppliers/{world.supplier_a.slug}/' in suppliers
    counties = text(client.get("/tally/leaderboard/?board=county"))
    assert [name for _rank, name in ranks(counties)] == ["大化瑶族自治县", "龙川县", "都安瑶族自治县"]


@pytest.mark.parametrize("query", [
    "period=2020-13", "period=june", "type=alien", "board=people", "page=abc", "page=0", "page=-1",
    "board=supplier&type=alien",
])
def test_bad_leaderboard_input_is_a_400_page_in_chinese(client, world, tallied, query):
    response = client.get(f"/tally/leaderboard/?{query}")
    assert response.status_code == 400
    html = text(response)
    assert 'lang="zh-hans"' in html and 'id="leaderboard-errors"' in html and 'role="alert"' in html
    assert "首页" in html  # the Chinese site around the message


def test_unknown_campaign_organization_supplier_or_county_is_404(client, world, tallied):
    pending = OrganizationFactory(status="pending")
    for url in [
        "/tally/nope/", "/tally/leaderboard/?campaign=nope", "/tally/screen/?campaign=nope",
        "/tally/organizations/999999/", f"/tally/organizations/{pending.pk}/", "/tally/suppliers/nope/",
        "/tally/counties/nope/", "/tally/counties/440306/",
    ]:
        assert client.get(url).status_code == 404, url


def test_leaderboard_pages_through_long_lists(client, world):
    for n in range(23):
        offline(world, amount=str(100 + n), organization=OrganizationFactory())
    first = text(client.get("/tally/leaderboard/"))
    second = text(client.get("/tally/leaderboard/?page=2"))
    assert len(ranks(first)) == 20 and [r for r, _n in ranks(second)] == [21, 22, 23]
    assert 'rel="next"' in first and 'rel="prev"' in second and 'rel="next"' not in second
    assert format_yuan(12200) in first and format_yuan(10000) in second


def test_organization_page_shows_spend_pledge_completion_rank_and_history(client, world, tallied):
    html = text(client.get(f"/tally/organizations/{world.org_a.pk}/"))
    assert f'id="org-spend">{format_yuan(31250)}<' in html
    assert f'id="org-pledge">{format_yuan(100000)}<' in html
    assert 'id="org-completion">31.3%<' in html  # 312.50 of 1,000.00, rounded half up
    assert 'id="org-rank">' in html and "3" in html.split('id="org-rank">')[1][:20]
    assert html.split('id="org-type-rank">')[1][:20].count("2") == 1  # second community
    assert '<svg class="chart' in html and dt.date.today().strftime("%Y-%m") in html
    community = text(client.get(f"/tally/organizations/{tallied['community'].pk}/"))
    assert 'id="org-completion">54.5%<' in community  # 10.9M of 20M
    assert f'href="/tally/organizations/{tallied["street"].pk}/' in community
    street = text(client.get(f"/tally/organizations/{tallied['street'].pk}/"))
    assert f'id="org-members">{format_yuan(OFFLINE_FEN)}<' in street
    assert f'id="org-spend">{format_yuan(0)}<' in street


def test_supplier_and_county_pages_show_sales_and_ranks(client, world, tallied):
    html = text(client.get(f"/tally/suppliers/{world.supplier_a.slug}/"))
    assert f'id="supplier-sales">{format_yuan(52800)}<' in html
    assert 'id="supplier-rank">' in html and '<svg class="chart' in html
    assert f'href="/suppliers/{world.supplier_a.slug}/"' in html  # its storefront page
    county = text(client.get("/tally/counties/441622/"))
    assert f'id="county-sales">{format_yuan(52800)}<' in county
    assert ranks(county) == [(1, world.supplier_a.legal_name)]
    by_slug = text(client.get("/tally/counties/longchuan/"))
    assert f'id="county-sales">{format_yuan(52800)}<' in by_slug and 'href="/counties/longchuan/"' in by_slug
    dahua = text(client.get(f"/tally/counties/{DAHUA}/"))
    assert f'id="county-sales">{format_yuan(OFFLINE_FEN)}<' in dahua and 'id="county-rank">' in dahua


def test_big_screen_is_dark_refreshes_itself_and_is_cached_briefly(client, world, tallied):
    response = client.get("/tally/screen/")
    assert response.status_code == 200
    html = text(response)
    assert 'class="bigscreen"' in html and '<meta http-equiv="refresh" content="60">' in html
    assert "max-age=1" in response["Cache-Control"].split(", ") and "public" in response["Cache-Control"]
    assert f'id="screen-total">{format_yuan(TOTAL)}<' in html and html.count('<svg class="chart chart-dark') == 3
    assert "<script" not in html
    top = html[html.index('id="screen-top"'):]
    assert top.index(tallied["community"].name) < top.index(world.org_b.name) < top.index(world.org_a.name)
    data = json.loads(client.get("/tally/screen.json").content)
    assert data["total_fen"] == TOTAL and data["total"] == format_yuan(TOTAL)
    assert [(r["rank"], r["name"], r["amount_fen"]) for r in data["top"]] == [
        (1, tallied["community"].name, OFFLINE_FEN), (2, world.org_b.name, 35200), (3, world.org_a.name, 31250),
    ]
    assert data["unpaid_fen"] == tallied["unpaid"].total_fen and data["accepted_fen"] == 31250


def test_other_campaigns_are_listed_and_shown(client, world, tallied):
    from orders.models import Campaign

    old = Campaign.objects.create(
        name="2019 消费扶贫", slug="y2019", target_fen=100, start_date=dt.date(2019, 1, 1), end_date=dt.date(2019, 12, 31),
    )
    html = text(client.get("/tally/"))
    assert 'href="/tally/y2019/"' in html
    other = text(client.get("/tally/y2019/"))
    assert f'id="tally-total">{format_yuan(0)}<' in other and "2019 消费扶贫" in other
    assert 'id="tally-organizations">0<' in other
    assert ranks(text(client.get("/tally/leaderboard/?campaign=y2019"))) == []
    assert old.slug in text(client.get(f"/tally/organizations/{world.org_a.pk}/?campaign=y2019"))


def test_chinese_by_default_and_english_on_request(client, world, tallied):
    chinese = text(client.get("/tally/"))
    assert 'lang="zh-hans"' in chinese and "首页" in chinese
    switch_to_english(client)
    english = text(client.get("/tally/"))
    assert 'lang="en"' in english
    assert "Cumulative amount by month" in english and "By funding channel" in english
    assert "Leaderboard" in text(client.get("/tally/leaderboard/"))
    assert "Top 10 buyer organizations" in text(client.get("/tally/screen/"))


def test_home_page_and_nav_link_to_the_tally(client, world):
    html = text(client.get("/"))
    assert 'href="/tally/"' in html


def test_no_campaign_shows_an_empty_progress_page(client, regions):
    response = client.get("/tally/")
    assert response.status_code == 200 and 'class="empty"' in text(response)
    assert client.get("/tally/leaderboard/").status_code == 404

"""Every tally page runs the same small number of SQL queries with 3 or 30 buyer
organizations, suppliers and ledger entries: the pages read the running aggregates."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shop.accounts.models import OrganizationType
from tests.factories import DAHUA, LONGCHUAN, OrganizationFactory, SupplierFactory
from tests.frontend.test_tally_pages import checker, offline
from tests.world import build_order_world, place_paid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions):
    return build_order_world()

TYPES = [OrganizationType.COMMUNITY, OrganizationType.ENTERPRISE, OrganizationType.GOVERNMENT]


def grow(world, n: int) -> None:
    """``n`` organizations (some under a street), each with an approved offline record
    from its own supplier, alternating between two counties."""
    approver = checker()
    street = OrganizationFactory(org_type=OrganizationType.GOVERNMENT, is_group=True)
    for i in range(n):
        county = LONGCHUAN if i % 2 else DAHUA
        org = OrganizationFactory(org_type=TYPES[i % 3], parent=street if i % 2 else None)
        supplier = SupplierFactory(county_code=county)
        offline(world, amount=str(100 + i), county=county, organization=org, supplier=supplier, approver=approver)


def urls(world) -> list[str]:
    return [
        "/tally/", f"/tally/{world.campaign.slug}/", "/tally/leaderboard/", "/tally/leaderboard/?type=community",
        "/tally/leaderboard/?board=parent", "/tally/leaderboard/?board=supplier", "/tally/leaderboard/?board=county",
        "/tally/screen/", "/tally/screen.json",
        f"/tally/organizations/{world.org_a.pk}/", f"/tally/suppliers/{world.supplier_a.slug}/",
        f"/tally/counties/{LONGCHUAN}/", "/tally/counties/dahua/",
    ]


def counts(client, world) -> dict[str, int]:
    result = {}
    for url in urls(world):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200, url
        result[url] = len(ctx.captured_queries)
    return result


def test_query_counts_do_not_grow_with_the_data(client, world):
    place_paid(world)
    grow(world, 3)
    small = counts(client, world)
    grow(world, 27)
    large = counts(client, world)
    assert large == small
    assert max(small.values()) <= 10, small
    with CaptureQueriesContext(connection) as ctx:
        second_page = client.get("/tally/leaderboard/?page=2")
    assert second_page.content.decode().count('class="num rank"') == 11  # 31 organizations, 20 a page
    assert len(ctx.captured_queries) == large["/tally/leaderboard/"]

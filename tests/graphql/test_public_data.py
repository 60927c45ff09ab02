"""Suppliers (public fields only), regions, categories and campaign numbers."""

import datetime as dt

import pytest
from django.utils import timezone

from orders.models import EntryKind, LedgerEntry
from orders.services.ledger import ledger_append
from suppliers.models import SupplierStatus
from tests.factories import CampaignFactory, SupplierFactory

pytestmark = pytest.mark.django_db

PUBLIC_SUPPLIER_FIELDS = {
    "id", "slug", "name", "legalName", "supplierType", "description", "county", "township",
    "village", "linkageMechanism", "linkageDescription", "poorHouseholds", "certifications",
    "products",
}


def test_supplier_type_exposes_only_public_fields(gql, settings):
    settings.GRAPHQL_INTROSPECTION = True  # off in production; the schema is the same
    result = gql('{ __type(name: "Supplier") { fields { name } } }')
    fields = {f["name"] for f in result["data"]["__type"]["fields"]}
    assert fields == PUBLIC_SUPPLIER_FIELDS
    private = {"contactPhone", "contactEmail", "contactName", "bankName", "bankAccountName",
               "bankAccountNumber", "creditCode", "address", "status", "statusReason", "members"}
    assert not fields & private


def test_no_type_in_the_schema_leaks_private_supplier_data(gql, settings):
    settings.GRAPHQL_INTROSPECTION = True  # off in production; the schema is the same
    # Output fields only: the application's input (supplierApply) takes these values in.
    result = gql("{ __schema { types { name fields { name } } } }")
    names = {
        f["name"] for t in result["data"]["__schema"]["types"]
        for f in (t["fields"] or [])
    }
    for private in ("contactPhone", "contactEmail", "bankAccountNumber", "creditCode", "credit_code"):
        assert private not in names


def test_supplier_private_values_never_appear_in_responses(catalog, client):
    supplier = catalog.goat.supplier
    supplier.contact_phone, supplier.contact_email = "13912345678", "boss@example.com"
    supplier.bank_account_number, supplier.address = "6222020200112233445", "某村某号"
    supplier.save()
    query = """{ supplier(slug: "duan-goat") { name legalName supplierType linkageMechanism poorHouseholds
                 county { name } township { name } village { name } certifications { kind number }
                 products { name supplier { name } } } }"""
    body = client.post("/graphql/", {"query": query}, content_type="application/json").content.decode()
    assert "都安瑶族自治县山羊养殖专业合作社" in body
    for secret in ("13912345678", "boss@example.com", "6222020200112233445", "某村某号", supplier.credit_code):
        assert secret not in body


def test_suppliers_by_county_with_products_and_certifications(catalog, gql):
    result = gql("""{ suppliers(first: 10, county: "dahua") { totalCount edges { node {
        name supplierType linkageMechanism poorHouseholds township { name }
        certifications { kind isValid } products { name } } } } }""")
    connection = result["data"]["suppliers"]
    assert connection["totalCount"] == 1
    node = connection["edges"][0]["node"]
    assert node["township"]["name"] == "七百弄乡"
    assert node["supplierType"] == "COOPERATIVE" and node["linkageMechanism"] == "BUSINESS"
    assert node["certifications"] == [{"kind": "SHENZHEN_STANDARD", "isValid": True}]
    assert node["products"] == [{"name": "七百弄鸡"}]


def test_county_filter_accepts_codes_and_rejects_unknown(catalog, gql):
    by_code = gql('{ suppliers(county: "441622") { totalCount } }')
    assert by_code["data"]["suppliers"]["totalCount"] == 1
    unknown = gql('{ suppliers(county: "beijing") { totalCount } }')
    assert unknown["errors"][0]["extensions"] == {"code": "INVALID_ARGUMENT", "field": "county"}


def test_suspended_and_unapproved_suppliers_are_not_public(catalog, gql):
    SupplierFactory(slug="applied-coop", status=SupplierStatus.APPLIED)
    assert gql('{ supplier(slug: "suspended-coop") { name } }')["data"]["supplier"] is None
    assert gql('{ supplier(slug: "applied-coop") { name } }')["data"]["supplier"] is None
    slugs = {e["node"]["slug"] for e in gql("{ suppliers(first: 100) { edges { node { slug } } } }")
             ["data"]["suppliers"]["edges"]}
    assert slugs == {"duan-goat", "dahua-chicken", "lc-oil"}


def test_supplier_products_are_capped_like_pages(catalog, gql):
    result = gql('{ supplier(slug: "lc-oil") { products(first: 1) { name } } }')
    # In stock first, then newest: the rice (newest) is sold out, so the oil comes first.
    assert result["data"]["supplier"]["products"] == [{"name": "龙川山茶油"}]
    too_many = gql('{ supplier(slug: "lc-oil") { products(first: 101) { name } } }')
    assert too_many["errors"][0]["extensions"]["code"] == "PAGE_SIZE_TOO_LARGE"


def test_regions_top_level_and_children(regions, gql):
    top = gql("{ regions { code name level program nationalPovertyCounty } }")["data"]["regions"]
    assert [r["code"] for r in top] == ["440306", "441622", "451228", "451229"]
    longchuan = top[1]
    assert longchuan == {"code": "441622", "name": "龙川县", "level": "COUNTY", "program": "PAIRED",
                         "nationalPovertyCounty": False}
    townships = gql('{ regions(parent: "441622") { code name level parent { code } } }')["data"]["regions"]
    assert {"code": "441622102", "name": "义都镇", "level": "TOWNSHIP", "parent": {"code": "441622"}} in townships
    counties = gql("{ regions(level: COUNTY) { code } }")["data"]["regions"]
    assert [r["code"] for r in counties] == ["441622", "451228", "451229"]
    villages = gql('{ regions(level: VILLAGE, parent: "441622102") { code } }')["data"]["regions"]
    assert villages and all(v["code"].startswith("441622102") for v in villages)


@pytest.mark.parametrize("query", ['{ regions(parent: "abc") { code } }', '{ regions(parent: "4416") { code } }'])
def test_bad_region_parent_is_an_error(regions, gql, query):
    assert gql(query)["errors"][0]["extensions"] == {"code": "INVALID_ARGUMENT", "field": "parent"}


def test_category_tree(catalog, gql):
    result = gql("{ categories { slug name nameEn parent { slug } children { slug parent { slug } children { slug } } } }")
    assert result["data"]["categories"] == [
        {"slug": "grain-oil", "name": "粮油", "nameEn": "Grain and oil", "parent": None,
         "children": [{"slug": "edible-oil", "parent": {"slug": "grain-oil"}, "children": []}]},
        {"slug": "meat", "name": "肉禽蛋", "nameEn": "Meat, poultry and eggs", "parent": None, "children": []},
    ]


CAMPAIGN = """query($slug: String) { campaign(slug: $slug) {
    name slug startDate endDate progressPercent counties { code }
    target { amount fen currency } total { amount fen } remaining { amount fen } } }"""


def _entry(campaign, fen: int, county: str = "441622") -> None:
    ledger_append(entries=[LedgerEntry(
        campaign=campaign, kind=EntryKind.OFFLINE, amount_fen=fen, county_id=county, occurred_at=timezone.now()
    )])


def test_campaign_target_of_three_billion_fen_does_not_overflow(regions, gql):
    campaign = CampaignFactory(slug="2020-xiaofei")
    campaign.counties.set(["441622", "451228", "451229"])
    _entry(campaign, 1_090_000_000)  # the ¥10,900,000 bought before the platform
    _entry(campaign, 2_147_483_647, "451228")  # the largest 32-bit Int, on its own
    _entry(campaign, -1, "451229")  # a refund
    data = gql(CAMPAIGN, {"slug": "2020-xiaofei"})
    assert "errors" not in data, data
    c = data["data"]["campaign"]
    assert c["target"] == {"amount": "30000000.00", "fen": "3000000000", "currency": "CNY"}
    assert c["total"] == {"amount": "32374836.46", "fen": "3237483646"}
    assert c["remaining"] == {"amount": "0.00", "fen": "0"}
    assert c["progressPercent"] == "100.00"
    assert [x["code"] for x in c["counties"]] == ["441622", "451228", "451229"]
    assert (c["startDate"], c["endDate"]) == ("2020-01-01", "2020-12-31")


def test_campaign_progress_is_exact(regions, gql):
    campaign = CampaignFactory(slug="c1")
    _entry(campaign, 1_089_999_999)
    c = gql(CAMPAIGN, {"slug": "c1"})["data"]["campaign"]
    assert c["total"]["fen"] == "1089999999"
    assert c["remaining"] == {"amount": "19100000.01", "fen": "1910000001"}
    assert c["progressPercent"] == "36.33"


def test_current_campaign_and_inactive_ones(regions, gql):
    CampaignFactory(slug="old", start_date=dt.date(2020, 1, 1))
    CampaignFactory(slug="new", start_date=dt.date(2021, 1, 1), end_date=dt.date(2021, 12, 31))
    CampaignFactory(slug="draft", start_date=dt.date(2022, 1, 1), end_date=dt.date(2022, 12, 31), is_active=False)
    assert gql("{ currentCampaign { slug } }")["data"]["currentCampaign"]["slug"] == "new"
    assert gql("{ campaign { slug } }")["data"]["campaign"]["slug"] == "new"
    assert gql(CAMPAIGN, {"slug": "draft"})["data"]["campaign"] is None
    assert gql(CAMPAIGN, {"slug": "old"})["data"]["campaign"]["slug"] == "old"


def test_no_campaign_is_null(regions, gql):
    assert gql("{ currentCampaign { slug } }")["data"]["currentCampaign"] is None

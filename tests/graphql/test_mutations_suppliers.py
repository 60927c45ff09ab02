"""Admission over the API: an entity applies (`supplierApply`, documents by the GraphQL
multipart request spec), its county's coordinator recommends or rejects, staff approve,
suspend and reinstate. Each step is audited and e-mailed; bad input changes nothing."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Product
from shop.common.audit import audit_events_for
from suppliers.models import Supplier, SupplierMember, SupplierStatus
from tests.factories import DUAN, LONGCHUAN, credit_code
from tests.graphql.api_world import (
    client_for,
    codes,
    database_snapshot,
    gid,
    payload,
    post,
    post_multipart,
)
from tests.suppliers.onboarding_data import PASSWORD, image_bytes, pdf_bytes, regions_of
from tests.world import build_api_world

pytestmark = pytest.mark.django_db

APPLY = """mutation($input: SupplierApplyInput!) { supplierApply(input: $input) {
  supplier { id name status county { code } township { code } certifications { kind number hasDocument } }
  errors { field code message } } }"""
STEP = "supplier { id status statusReason } errors { field code message }"
RECOMMEND = f"mutation($id: ID!, $reason: String) {{ supplierRecommend(id: $id, reason: $reason) {{ {STEP} }} }}"
REJECT = f"mutation($id: ID!, $reason: String!) {{ supplierReject(id: $id, reason: $reason) {{ {STEP} }} }}"
APPROVE = f"mutation($id: ID!) {{ supplierApprove(id: $id) {{ {STEP} }} }}"
SUSPEND = f"mutation($id: ID!, $reason: String!) {{ supplierSuspend(id: $id, reason: $reason) {{ {STEP} }} }}"
REINSTATE = f"mutation($id: ID!) {{ supplierReinstate(id: $id) {{ {STEP} }} }}"


def pdf(name: str = "licence.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def application(home: str = LONGCHUAN, **overrides: Any) -> dict[str, Any]:
    county, township, village = regions_of(home)
    values: dict[str, Any] = {
        "legalName": "龙川县义都镇山茶油专业合作社", "shortName": "义都茶油", "creditCode": credit_code(county),
        "supplierType": "COOPERATIVE", "county": county, "township": township, "village": village,
        "address": "义都镇桂林村 8 号", "contactName": "李四", "contactPhone": "13912345678",
        "bankName": "中国农业银行龙川支行", "bankAccountName": "龙川县义都镇山茶油专业合作社",
        "bankAccountNumber": "6228480123456789012", "linkageMechanism": "BUSINESS",
        "linkageDescription": "按保护价收购贫困户的油茶籽", "poorHouseholds": 36,
        "applicantEmail": "applicant@example.com", "password": PASSWORD, "licenseDocument": None,
        "certifications": [{"kind": "GEOGRAPHICAL_INDICATION", "number": "AGI2019-0001", "issuer": "农业农村部",
                            "validFrom": "2019-01-01", "validUntil": "2029-12-31", "document": None}],
    }
    values.update(overrides)
    return values


def apply(client, values: dict[str, Any], files: dict[str, Any] | None = None) -> dict:
    if files is None:
        files = {
            "variables.input.licenseDocument": pdf(),
            "variables.input.certifications.0.document": SimpleUploadedFile("gi.jpg", image_bytes("JPEG"), "image/jpeg"),
        }
    return post_multipart(client, APPLY, {"input": values}, files)


@pytest.fixture
def world(regions):
    return build_api_world()


def test_an_anonymous_entity_applies_with_its_documents(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = payload(apply(client_for(), application()), "supplierApply")
    assert result["errors"] == []
    supplier = result["supplier"]
    assert supplier["status"] == "APPLIED" and supplier["name"] == "义都茶油"
    assert supplier["certifications"] == [{"kind": "GEOGRAPHICAL_INDICATION", "number": "AGI2019-0001", "hasDocument": True}]
    created = Supplier.objects.latest("pk")
    assert gid("Supplier", created) == supplier["id"]
    assert created.license_document.name.endswith(".pdf")
    account = get_user_model().objects.get(email="applicant@example.com")
    assert SupplierMember.objects.get(supplier=created).user == account
    assert account.check_password(PASSWORD)
    assert [e.action for e in audit_events_for(created)] == ["supplier.apply"]
    assert "applicant@example.com" in {address for message in mail.outbox for address in message.to}


def test_a_logged_in_user_applies_for_its_own_account(world):
    user = get_user_model().objects.create_user(username="farmer", email="farmer@example.com", password=PASSWORD)
    result = payload(apply(client_for(user), application(applicantEmail=None, password=None)), "supplierApply")
    assert result["errors"] == []
    assert SupplierMember.objects.get(user=user).supplier.status == SupplierStatus.APPLIED


def test_a_supplier_member_cannot_apply_again(world):
    before = database_snapshot()
    result = apply(client_for(world.owner), application())
    assert codes(result, "supplierApply") == [(None, "ALREADY_MEMBER")]
    assert database_snapshot() == before


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"creditCode": "91441622MA0000000X"}, [("creditCode", "INVALID_CREDIT_CODE")]),
        ({"county": "440306"}, [("county", "INVALID_REGION")]),  # Bao'an is not a supply county
        ({"township": "451228100"}, [("township", "INVALID_REGION")]),  # a township of Du'an
        ({"legalName": " "}, [("legalName", "REQUIRED")]),
        ({"bankAccountNumber": ""}, [("bankAccountNumber", "REQUIRED")]),
        ({"poorHouseholds": -1}, [("poorHouseholds", "INVALID")]),
        ({"applicantEmail": "not-an-email"}, [("applicantEmail", "INVALID")]),
        ({"password": "123"}, [("password", "INVALID_PASSWORD")] * 3),
        ({"contactName": "李\x00四"}, [("contactName", "INVALID_CHARACTERS")]),
        ({"certifications": [{"kind": "ORGANIC", "number": "", "document": None}]}, [("certifications.0.number", "REQUIRED")]),
    ],
)
def test_bad_applications_are_refused_field_by_field(world, overrides, expected):
    before = database_snapshot()
    result = apply(client_for(), application(**overrides))
    assert codes(result, "supplierApply") == expected
    assert database_snapshot() == before


@pytest.mark.parametrize(
    "licence, code",
    [
        (None, "REQUIRED"),
        (SimpleUploadedFile("licence.pdf", b"<html>not a pdf</html>", "application/pdf"), "INVALID_DOCUMENT"),
        (SimpleUploadedFile("licence.jpg", b"<html><script>x</script></html>", "image/jpeg"), "INVALID_DOCUMENT"),
        (SimpleUploadedFile("licence.pdf", b"%PDF-1.4 truncated", "application/pdf"), "INVALID_DOCUMENT"),
    ],
)
def test_the_licence_must_be_a_real_pdf_or_image(world, licence, code):
    before = database_snapshot()
    files = {} if licence is None else {"variables.input.licenseDocument": licence}
    result = apply(client_for(), application(certifications=[]), files)
    assert codes(result, "supplierApply") == [("licenseDocument", code)]
    assert database_snapshot() == before


def test_an_application_posted_twice_is_a_duplicate(world):
    values = application()
    assert payload(apply(client_for(), values), "supplierApply")["errors"] == []
    before = database_snapshot()
    again = apply(client_for(), values | {"applicantEmail": "other@example.com"})
    assert codes(again, "supplierApply") == [("creditCode", "DUPLICATE")]
    assert database_snapshot() == before


def test_the_whole_admission_by_coordinator_then_staff(world, django_capture_on_commit_callbacks):
    supplier_id = gid("Supplier", world.applied)
    with django_capture_on_commit_callbacks(execute=True):
        recommended = payload(post(client_for(world.coordinator), RECOMMEND, {"id": supplier_id, "reason": "资料齐全"}), "supplierRecommend")
        approved = payload(post(client_for(world.staff), APPROVE, {"id": supplier_id}), "supplierApprove")
    assert recommended["supplier"]["status"] == "RECOMMENDED" and recommended["errors"] == []
    assert approved["supplier"]["status"] == "APPROVED"
    actions = [e.action for e in audit_events_for(world.applied)]
    assert set(actions) == {"supplier.recommend", "supplier.approve"}
    assert {e.actor for e in audit_events_for(world.applied)} == {world.coordinator, world.staff}


def test_the_coordinator_rejects_with_a_reason_but_not_after_recommending(world):
    coordinator = client_for(world.coordinator)
    blank = post(coordinator, REJECT, {"id": gid("Supplier", world.applied), "reason": " "})
    assert codes(blank, "supplierReject") == [("reason", "REASON_REQUIRED")]
    rejected = payload(post(coordinator, REJECT, {"id": gid("Supplier", world.applied), "reason": "证照过期"}), "supplierReject")
    assert rejected["supplier"]["status"] == "REJECTED" and rejected["supplier"]["statusReason"] == "证照过期"
    before = database_snapshot()
    late = post(coordinator, REJECT, {"id": gid("Supplier", world.recommended), "reason": "改主意了"})
    assert codes(late, "supplierReject") == [(None, "PERMISSION_DENIED")]
    assert database_snapshot() == before
    staff = payload(post(client_for(world.staff), REJECT, {"id": gid("Supplier", world.recommended), "reason": "不符合条件"}), "supplierReject")
    assert staff["supplier"]["status"] == "REJECTED"


def test_a_step_out_of_order_is_refused(world):
    staff = client_for(world.staff)
    early = post(staff, APPROVE, {"id": gid("Supplier", world.applied)})
    assert codes(early, "supplierApprove") == [(None, "INVALID_TRANSITION")]
    not_suspended = post(staff, REINSTATE, {"id": gid("Supplier", world.ours)})
    assert codes(not_suspended, "supplierReinstate") == [(None, "INVALID_TRANSITION")]
    missing = post(staff, APPROVE, {"id": gid("Supplier", 999999)})
    assert codes(missing, "supplierApprove") == [("id", "NOT_FOUND")]


def test_suspension_takes_the_listings_off_the_storefront_and_reinstating_brings_them_back(world):
    staff = client_for(world.staff)
    post(staff, "mutation($id: ID!) { productApprove(id: $id) { errors { code } } }", {"id": gid("Product", world.submitted)})
    assert Product.objects.get(pk=world.submitted.pk).is_visible
    suspended = payload(post(staff, SUSPEND, {"id": gid("Supplier", world.ours), "reason": "抽检不合格"}), "supplierSuspend")
    assert suspended["supplier"]["status"] == "SUSPENDED"
    assert not Product.objects.get(pk=world.submitted.pk).is_visible
    storefront = post(client_for(), '{ products(filter: {search: "桂林茶"}) { totalCount } }')
    assert storefront["data"]["products"]["totalCount"] == 0
    reinstated = payload(post(staff, REINSTATE, {"id": gid("Supplier", world.ours)}), "supplierReinstate")
    assert reinstated["supplier"]["status"] == "APPROVED"
    assert Product.objects.get(pk=world.submitted.pk).is_visible


def test_a_coordinator_reviews_only_its_own_county(world):
    duan_applicant = Supplier.objects.create(
        legal_name="都安县申请中合作社", slug="duan-applicant", credit_code=credit_code(DUAN), supplier_type="cooperative",
        county_id=DUAN, township_id=regions_of(DUAN)[1], contact_name="王五", contact_phone="13700000000",
        linkage_mechanism="wage", status=SupplierStatus.APPLIED,
    )
    before = database_snapshot()
    ours = post(client_for(world.coordinator), RECOMMEND, {"id": gid("Supplier", duan_applicant)})
    assert codes(ours, "supplierRecommend") == [("id", "NOT_FOUND")]
    assert database_snapshot() == before
    theirs = payload(post(client_for(world.other_coordinator), RECOMMEND, {"id": gid("Supplier", duan_applicant)}), "supplierRecommend")
    assert theirs["supplier"]["status"] == "RECOMMENDED"

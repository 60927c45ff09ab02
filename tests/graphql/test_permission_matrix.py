"""Who may run each mutation of the supplier portal and of the reviews, as a matrix: every
mutation × every kind of visitor. The allowed ones succeed; every other one gets an error
(PERMISSION_DENIED, or NOT_FOUND for another supplier's objects and another county's
applications, which must not reveal that they exist) and the database and the stored files
are exactly as they were. IDs of the wrong type are refused (INVALID_ID) and change nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from graphql_relay import to_global_id

from tests.graphql.api_world import (
    client_for,
    database_snapshot,
    gid,
    payload,
    post,
    post_multipart,
)
from tests.world import ApiWorld, build_api_world, png_upload

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
ACTORS = (
    "owner", "colleague", "stranger", "buyer", "anonymous", "coordinator", "other_coordinator",
    "staff", "plain_staff",
)
MEMBERS = frozenset({"owner", "colleague"})
STAFF = frozenset({"staff", "plain_staff"})


@dataclass(frozen=True)
class Case:
    name: str
    document: str
    variables: Callable[[ApiWorld], dict[str, Any]]
    allowed: frozenset[str]
    not_found: frozenset[str] = frozenset()  # denied actors who must get NOT_FOUND
    skip: frozenset[str] = frozenset()
    wrong_ids: Callable[[ApiWorld], dict[str, Any]] | None = None
    wrong_field: str = "id"
    files: Callable[[ApiWorld], dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def supplier_case(name: str, document: str, variables: Callable[[ApiWorld], dict], **kwargs: Any) -> Case:
    """A mutation of the supplier's team: another supplier's member gets NOT_FOUND."""
    return Case(name, document, variables, allowed=MEMBERS, not_found=frozenset({"stranger"}), **kwargs)


def image_ids(world: ApiWorld) -> list[str]:
    return [gid("ProductImage", image) for image in world.images()]


CASES = [
    Case(
        "productCreate",
        f"mutation($input: ProductCreateInput!) {{ productCreate(input: $input) {{ product {{ id }} {ERRORS} }} }}",
        lambda w: {"input": {"name": "龙川新茶油", "category": gid("Category", w.category), "township": w.township.code}},
        allowed=MEMBERS,
        skip=frozenset({"stranger"}),  # creates a listing of its own supplier: see test_mutations_products
        wrong_ids=lambda w: {"input": {"name": "x", "category": gid("Product", w.product), "township": w.township.code}},
        wrong_field="category",
    ),
    supplier_case(
        "productUpdate",
        f"mutation($id: ID!, $input: ProductUpdateInput!) {{ productUpdate(id: $id, input: $input) {{ product {{ id }} {ERRORS} }} }}",
        lambda w: {"id": gid("Product", w.product), "input": {"name": "改名的茶油", "storage": "阴凉处"}},
        wrong_ids=lambda w: {"id": gid("Variant", w.variant), "input": {"name": "x"}},
    ),
    supplier_case(
        "productSubmit",
        f"mutation($id: ID!) {{ productSubmit(id: $id) {{ product {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Product", w.product)},
        wrong_ids=lambda w: {"id": gid("Supplier", w.ours)},
    ),
    supplier_case(
        "productArchive",
        f"mutation($id: ID!) {{ productArchive(id: $id) {{ product {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Product", w.product)},
        wrong_ids=lambda w: {"id": gid("Category", w.category)},
    ),
    supplier_case(
        "variantCreate",
        f"mutation($p: ID!, $input: VariantCreateInput!) {{ variantCreate(productId: $p, input: $input) {{ variant {{ id }} {ERRORS} }} }}",
        lambda w: {"p": gid("Product", w.product), "input": {"spec": "1斤/瓶", "unit": "瓶", "price": "30.00", "stock": 5}},
        wrong_ids=lambda w: {"p": gid("Variant", w.variant), "input": {"spec": "1斤/瓶", "unit": "瓶", "price": "30.00"}},
        wrong_field="productId",
    ),
    supplier_case(
        "variantUpdate",
        f"mutation($id: ID!, $input: VariantUpdateInput!) {{ variantUpdate(id: $id, input: $input) {{ variant {{ stock }} {ERRORS} }} }}",
        lambda w: {"id": gid("Variant", w.variant), "input": {"price": "55.00", "stock": 7}},
        wrong_ids=lambda w: {"id": gid("Product", w.product), "input": {"stock": 7}},
    ),
    supplier_case(
        "variantArchive",
        f"mutation($id: ID!) {{ variantArchive(id: $id) {{ variant {{ isActive }} {ERRORS} }} }}",
        lambda w: {"id": gid("Variant", w.variant)},
        wrong_ids=lambda w: {"id": gid("ProductImage", w.images()[0])},
    ),
    supplier_case(
        "stockUpdate",
        f"mutation($changes: [StockChangeInput!]!) {{ stockUpdate(changes: $changes) {{ variants {{ stock }} {ERRORS} }} }}",
        lambda w: {"changes": [{"variantId": gid("Variant", w.variant), "stock": 3}]},
        wrong_ids=lambda w: {"changes": [{"variantId": gid("Product", w.product), "stock": 3}]},
        wrong_field="changes.0.variantId",
    ),
    supplier_case(
        "productImageUpload",
        f"mutation($p: ID!, $images: [Upload!]!) {{ productImageUpload(productId: $p, images: $images) {{ images {{ id }} {ERRORS} }} }}",
        lambda w: {"p": gid("Product", w.product), "images": [None]},
        files=lambda w: {"variables.images.0": png_upload("new.png")},
        wrong_ids=lambda w: {"p": gid("ProductImage", w.images()[0]), "images": [None]},
        wrong_field="productId",
    ),
    supplier_case(
        "productImageReorder",
        f"mutation($p: ID!, $ids: [ID!]!) {{ productImageReorder(productId: $p, imageIds: $ids) {{ product {{ id }} {ERRORS} }} }}",
        lambda w: {"p": gid("Product", w.product), "ids": image_ids(w)[::-1]},
        wrong_ids=lambda w: {"p": gid("Product", w.product), "ids": [gid("Variant", w.variant)]},
        wrong_field="imageIds",
    ),
    supplier_case(
        "productImageDelete",
        f"mutation($id: ID!) {{ productImageDelete(id: $id) {{ deletedId {ERRORS} }} }}",
        lambda w: {"id": image_ids(w)[0]},
        wrong_ids=lambda w: {"id": gid("Product", w.product)},
    ),
    supplier_case(
        "productImageSetMain",
        f"mutation($id: ID!) {{ productImageSetMain(id: $id) {{ image {{ isMain }} {ERRORS} }} }}",
        lambda w: {"id": image_ids(w)[1]},
        wrong_ids=lambda w: {"id": gid("Variant", w.variant)},
    ),
    Case(
        "productApprove",
        f"mutation($id: ID!) {{ productApprove(id: $id) {{ product {{ status isVisible }} {ERRORS} }} }}",
        lambda w: {"id": gid("Product", w.submitted)},
        allowed=frozenset({"staff"}),
        wrong_ids=lambda w: {"id": gid("Supplier", w.ours)},
    ),
    Case(
        "productReject",
        f"mutation($id: ID!, $reason: String!) {{ productReject(id: $id, reason: $reason) {{ product {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Product", w.submitted), "reason": "照片不清楚"},
        allowed=frozenset({"staff"}),
        wrong_ids=lambda w: {"id": gid("Variant", w.overpriced), "reason": "x"},
    ),
    Case(
        "variantPriceAccept",
        f"mutation($id: ID!) {{ variantPriceAccept(id: $id) {{ variant {{ needsPriceReview }} {ERRORS} }} }}",
        lambda w: {"id": gid("Variant", w.overpriced)},
        allowed=frozenset({"staff"}),
        wrong_ids=lambda w: {"id": gid("Product", w.overpriced.product)},
    ),
    Case(
        "supplierRecommend",
        f"mutation($id: ID!) {{ supplierRecommend(id: $id, reason: \"资料齐全\") {{ supplier {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Supplier", w.applied)},
        allowed=frozenset({"coordinator"}) | STAFF,
        not_found=frozenset({"other_coordinator"}),
        wrong_ids=lambda w: {"id": gid("Product", w.product)},
    ),
    Case(
        "supplierReject",
        f"mutation($id: ID!) {{ supplierReject(id: $id, reason: \"信用代码不符\") {{ supplier {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Supplier", w.applied)},
        allowed=frozenset({"coordinator"}) | STAFF,
        not_found=frozenset({"other_coordinator"}),
        wrong_ids=lambda w: {"id": gid("Certification", w.cert)},
    ),
    Case(
        "supplierApprove",
        f"mutation($id: ID!) {{ supplierApprove(id: $id) {{ supplier {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Supplier", w.recommended)},
        allowed=STAFF,
        wrong_ids=lambda w: {"id": gid("Product", w.product)},
    ),
    Case(
        "supplierSuspend",
        f"mutation($id: ID!) {{ supplierSuspend(id: $id, reason: \"食品安全抽检不合格\") {{ supplier {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Supplier", w.ours)},
        allowed=STAFF,
        wrong_ids=lambda w: {"id": gid("Category", w.category)},
    ),
    Case(
        "supplierReinstate",
        f"mutation($id: ID!) {{ supplierReinstate(id: $id) {{ supplier {{ status }} {ERRORS} }} }}",
        lambda w: {"id": gid("Supplier", w.suspended)},
        allowed=STAFF,
        wrong_ids=lambda w: {"id": gid("Variant", w.variant)},
    ),
]
CASES_BY_NAME = {case.name: case for case in CASES}


def run(case: Case, world: ApiWorld, actor: str | None, variables: dict[str, Any]) -> dict:
    client = client_for(getattr(world, actor) if actor and actor != "anonymous" else None)
    if case.files is not None:
        result = post_multipart(client, case.document, variables, case.files(world))
    else:
        result = post(client, case.document, variables)
    return payload(result, case.name)


MATRIX = [
    pytest.param(case.name, actor, id=f"{case.name}-{actor}")
    for case in CASES for actor in ACTORS if actor not in case.skip
]


@pytest.mark.parametrize("name, actor", MATRIX)
def test_permission_matrix(regions, name, actor):
    case = CASES_BY_NAME[name]
    world = build_api_world()
    before = database_snapshot()
    result = run(case, world, actor, case.variables(world))
    if actor in case.allowed:
        assert result["errors"] == [], result
        assert database_snapshot() != before
        return
    expected = "NOT_FOUND" if actor in case.not_found else "PERMISSION_DENIED"
    assert [e["code"] for e in result["errors"]] == [expected], result
    assert all(e["message"] for e in result["errors"])
    assert all(value is None for key, value in result.items() if key != "errors"), result
    assert database_snapshot() == before


@pytest.mark.parametrize("name", [case.name for case in CASES if case.wrong_ids is not None])
def test_global_ids_of_the_wrong_type_are_refused(regions, name):
    case = CASES_BY_NAME[name]
    world = build_api_world()
    actor = sorted(case.allowed)[0]
    before = database_snapshot()
    result = run(case, world, actor, case.wrong_ids(world))
    [error] = result["errors"]
    assert (error["field"], error["code"]) == (case.wrong_field, "INVALID_ID"), result
    assert "Invalid ID" in error["message"] or "ID" in error["message"]
    assert database_snapshot() == before


def test_every_mutation_of_the_schema_is_in_the_matrix():
    from graphene.utils.str_converters import to_camel_case

    from orders.graphql.mutations import OrderMutations
    from shop.graphql.schema import schema

    order_mutations = {to_camel_case(name) for name in OrderMutations._meta.fields}  # their own matrix
    mutations = set(schema.graphql_schema.mutation_type.fields)
    assert mutations - {"supplierApply"} - order_mutations == set(CASES_BY_NAME)


@pytest.mark.parametrize(
    "value",
    [
        "", "not base64!", "UHJvZHVjdA==", to_global_id("Product", "-1"), to_global_id("Product", "0"),
        to_global_id("Product", "abc"), to_global_id("Product", "9" * 30), to_global_id("product", "1"),
        "产品:1", to_global_id("Product", "1\u0661"),
    ],
)
def test_malformed_ids_are_refused(regions, value):
    world = build_api_world()
    before = database_snapshot()
    result = run(CASES_BY_NAME["productUpdate"], world, "owner", {"id": value, "input": {"name": "x"}})
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "INVALID_ID")]
    assert database_snapshot() == before


def test_a_member_of_a_supplier_under_admission_cannot_create_listings(regions):
    from suppliers.models import SupplierMember
    from tests.factories import UserFactory

    world = build_api_world()
    applicant = UserFactory(username="applicant")
    SupplierMember.objects.create(supplier=world.applied, user=applicant, role="owner")
    case = CASES_BY_NAME["productCreate"]
    before = database_snapshot()
    result = payload(post(client_for(applicant), case.document, case.variables(world)), "productCreate")
    assert [e["code"] for e in result["errors"]] == ["SUPPLIER_NOT_APPROVED"]
    assert database_snapshot() == before

"""The shared base for future mutations: a service's ValidationError becomes
`errors { field code message }`. Exercised with a throwaway mutation wrapping a real service."""

import graphene
import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from catalog.errors import CatalogErrorCode
from catalog.graphql.errors import CatalogError
from catalog.models import Product, ProductStatus
from catalog.services.review import product_reject
from shop.graphql.core.errors import validation_error_to_errors
from shop.graphql.core.mutations import BaseMutation
from shop.graphql.schema import Query
from tests.factories import CategoryFactory
from tests.world_catalog import make_product

pytestmark = pytest.mark.django_db


class ProductRejectForTest(BaseMutation):
    status = graphene.String()

    class Arguments:
        slug = graphene.String(required=True)
        reason = graphene.String(required=True)

    class Meta:
        error_type = CatalogError
        error_codes = CatalogErrorCode

    @classmethod
    def perform(cls, info, *, slug: str, reason: str) -> dict:
        product = product_reject(product=Product.objects.get(slug=slug), reason=reason)
        return {"status": product.status}


class Mutation(graphene.ObjectType):
    product_reject = ProductRejectForTest.Field()


mutation_schema = graphene.Schema(query=Query, mutation=Mutation)
MUTATION = """mutation($slug: String!, $reason: String!) {
  productReject(slug: $slug, reason: $reason) { status errors { field code message } } }"""


def run(slug: str, reason: str) -> dict:
    result = mutation_schema.execute(
        MUTATION, variable_values={"slug": slug, "reason": reason}, context_value=RequestFactory().post("/")
    )
    assert result.errors is None, result.errors
    return result.data["productReject"]


def test_field_error_from_the_service(regions):
    make_product(slug="submitted", category=CategoryFactory(), status=ProductStatus.SUBMITTED)
    payload = run("submitted", "  ")
    assert payload["status"] is None
    assert payload["errors"] == [{"field": "reason", "code": "REQUIRED", "message": payload["errors"][0]["message"]}]
    assert payload["errors"][0]["message"]


def test_non_field_error_and_success(regions):
    make_product(slug="approved", category=CategoryFactory(), status=ProductStatus.APPROVED)
    make_product(slug="submitted", category=CategoryFactory(), status=ProductStatus.SUBMITTED)
    assert run("approved", "bad photos")["errors"][0] | {"message": ""} == {"field": None, "code": "INVALID", "message": ""}
    assert run("submitted", "bad photos") == {"status": "rejected", "errors": []}


def test_unknown_codes_become_invalid():
    exc = ValidationError({"name": ValidationError("Too long.", code="max_length")})
    [error] = validation_error_to_errors(exc, error_type=CatalogError, codes=CatalogErrorCode)
    assert (error.field, error.code, error.message) == ("name", "invalid", "Too long.")


def test_mutation_without_error_type_is_rejected():
    with pytest.raises(TypeError):
        class Broken(BaseMutation):  # noqa: F841
            ok = graphene.Boolean()

            class Arguments:
                x = graphene.Int()

"""Factories for tests. Regions must be loaded first (the ``regions`` fixture)."""

import itertools
from decimal import Decimal

import factory

from catalog.models import Category, Product, ProductStatus, ProductVariant
from catalog.services.listings import product_refresh_summary
from orders.models import Campaign
from shop.accounts.models import BuyerOrganization, MemberRole, Membership, OrganizationType, User
from shop.regions.models import Region
from suppliers.models import (
    Certification,
    CertificationKind,
    LinkageMechanism,
    Supplier,
    SupplierStatus,
    SupplierType,
)
from suppliers.validators import make_credit_code

_serial = itertools.count(1)

LONGCHUAN, DUAN, DAHUA = "441622", "451228", "451229"


def first_township(county_code: str) -> Region:
    return Region.objects.filter(parent_id=county_code, level="township").order_by("code").first()


def first_village(township: Region) -> Region | None:
    return Region.objects.filter(parent=township, level="village").order_by("code").first()


def credit_code(county_code: str = LONGCHUAN) -> str:
    return make_credit_code(
        authority="9", org_type="3", division=county_code, serial=f"MA{next(_serial):07d}"
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pass12345!")


class SupplierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supplier

    class Params:
        county_code = LONGCHUAN

    legal_name = factory.Sequence(lambda n: f"龙川县示范农民专业合作社{n}")
    slug = factory.Sequence(lambda n: f"supplier-{n}")
    credit_code = factory.LazyAttribute(lambda o: credit_code(o.county_code))
    supplier_type = SupplierType.COOPERATIVE
    county = factory.LazyAttribute(lambda o: Region.objects.get(code=o.county_code))
    township = factory.LazyAttribute(lambda o: first_township(o.county_code))
    village = factory.LazyAttribute(lambda o: first_village(o.township))
    contact_name = "张三"
    contact_phone = "13800000000"
    linkage_mechanism = LinkageMechanism.BUSINESS
    poor_households = 12
    status = SupplierStatus.APPROVED


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    supplier = factory.SubFactory(SupplierFactory)
    kind = CertificationKind.GEOGRAPHICAL_INDICATION
    number = factory.Sequence(lambda n: f"AGI{n:05d}")


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = "粮油"
    name_en = "Grain and oil"
    slug = factory.Sequence(lambda n: f"category-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    supplier = factory.SubFactory(SupplierFactory)
    category = factory.SubFactory(CategoryFactory)
    name = factory.Sequence(lambda n: f"龙川山茶油{n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    county = factory.LazyAttribute(lambda o: o.supplier.county)
    township = factory.LazyAttribute(lambda o: o.supplier.township)
    village = factory.LazyAttribute(lambda o: o.supplier.village)
    status = ProductStatus.APPROVED
    is_published = True
    poor_households = 8

    @factory.post_generation
    def with_variant(obj, create, extracted, **kwargs):
        if not create:
            return
        if extracted is False:
            product_refresh_summary(product=obj)  # visibility and search text
            return
        ProductVariant.objects.create(
            product=obj, sku=f"SKU-{obj.slug}", spec="500ml/瓶", unit="瓶",
            price=Decimal("88.00"), market_price=Decimal("90.00"), stock=50,
        )
        product_refresh_summary(product=obj)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuyerOrganization

    name = factory.Sequence(lambda n: f"宝安区测试单位{n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    org_type = OrganizationType.ENTERPRISE
    status = "verified"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = MemberRole.PURCHASER


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = "2020 消费扶贫"
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    target_fen = 3_000_000_000
    start_date = factory.LazyFunction(lambda: __import__("datetime").date(2020, 1, 1))
    end_date = factory.LazyFunction(lambda: __import__("datetime").date(2020, 12, 31))

"""The test worlds: the one place that builds the data tests share. Regions must be loaded
first (the ``regions`` fixture); rows are made with the factories (``tests.factories``) and,
where a test needs what a user would have made, with the services.

- ``build_order_world``: the orders world, shared by the orders, GraphQL, page and browser
  tests. Two approved suppliers in two counties with one product each (variant price
  ¥88.00 and ¥45.50, stock 50), a campaign that covers today and all three counties, two
  verified buyer organizations (A with an approval threshold of ¥1,000, B without),
  members with each role, delivery addresses, a finance staff user and each supplier's
  owner. ``place`` fills a cart and places an order in it.
- ``build_portal_world``: the supplier portal's (two suppliers in different counties with
  their teams, a buyer, a county coordinator, staff, published listings with photos).
- ``build_api_world``: the GraphQL mutations' (the portal's people plus coordinators of both
  counties, staff with and without the review permission, listings in each status and
  applications waiting for review).

The fixtures that hand these to tests (``world``) live in the conftest or helper module of
each test package and only call a builder here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from catalog.models import ProductVariant
from orders.models import Campaign
from shop.accounts.models import (
    BuyerOrganization,
    DeliveryAddress,
    MemberRole,
    OrganizationType,
    User,
)
from shop.regions.models import Region
from suppliers.models import Supplier, SupplierMember, SupplierRole
from tests.factories import (
    DAHUA,
    DUAN,
    LONGCHUAN,
    MembershipFactory,
    OrganizationFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
)

PASSWORD = "pass12345!"


@dataclass
class OrderWorld:
    campaign: Campaign
    supplier_a: Supplier  # Longchuan
    supplier_b: Supplier  # Du'an
    owner_a: User
    owner_b: User
    variant_a: ProductVariant  # ¥88.00
    variant_b: ProductVariant  # ¥45.50
    org_a: BuyerOrganization  # community, threshold ¥1,000
    org_b: BuyerOrganization  # enterprise, no threshold
    purchaser_a: User
    approver_a: User
    admin_a: User
    purchaser_b: User
    address_a: DeliveryAddress
    address_b: DeliveryAddress
    staff: User


def key() -> str:
    return uuid.uuid4().hex


def build_order_world() -> OrderWorld:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="消费帮扶测试", slug=f"test-{uuid.uuid4().hex[:8]}", target_fen=3_000_000_000,
        start_date=today - dt.timedelta(days=30), end_date=today + dt.timedelta(days=30),
    )
    campaign.counties.set(Region.objects.filter(code__in=[LONGCHUAN, DUAN, DAHUA]))
    supplier_a = SupplierFactory(county_code=LONGCHUAN, legal_name="龙川县山茶油合作社")
    supplier_b = SupplierFactory(county_code=DUAN, legal_name="都安县山羊养殖合作社")
    owner_a = UserFactory(username="owner-a", password=PASSWORD)
    owner_b = UserFactory(username="owner-b", password=PASSWORD)
    SupplierMember.objects.create(supplier=supplier_a, user=owner_a, role=SupplierRole.OWNER)
    SupplierMember.objects.create(supplier=supplier_b, user=owner_b, role=SupplierRole.OWNER)
    product_a = ProductFactory(supplier=supplier_a, name="龙川山茶油")
    product_b = ProductFactory(supplier=supplier_b, name="都安山羊肉")
    variant_a = product_a.variants.get()
    variant_b = product_b.variants.get()
    variant_b.price = Decimal("45.50")
    variant_b.spec = "1斤/袋"
    variant_b.save(update_fields=["price", "spec"])
    org_a = OrganizationFactory(
        name="宝安区新安街道测试社区", org_type=OrganizationType.COMMUNITY,
        approval_threshold=Decimal("1000.00"), invoice_title="宝安区新安街道测试社区",
        tax_number="91440300MA5TEST01X",
    )
    org_b = OrganizationFactory(name="宝安区测试企业", org_type=OrganizationType.ENTERPRISE)
    purchaser_a = MembershipFactory(organization=org_a, role=MemberRole.PURCHASER, user__username="buyer-a").user
    approver_a = MembershipFactory(organization=org_a, role=MemberRole.APPROVER, user__username="approver-a").user
    admin_a = MembershipFactory(organization=org_a, role=MemberRole.ADMIN, user__username="admin-a").user
    purchaser_b = MembershipFactory(organization=org_b, role=MemberRole.PURCHASER, user__username="buyer-b").user
    address_a = DeliveryAddress.objects.create(
        organization=org_a, label="社区食堂", recipient="李四", phone="13800000001",
        address="深圳市宝安区新安街道测试路1号", is_default=True,
    )
    address_b = DeliveryAddress.objects.create(
        organization=org_b, label="员工食堂", recipient="王五", phone="13800000002",
        address="深圳市宝安区西乡街道测试路2号", is_default=True,
    )
    staff = UserFactory(username="finance", is_staff=True, is_superuser=True, password=PASSWORD)
    return OrderWorld(
        campaign=campaign, supplier_a=supplier_a, supplier_b=supplier_b, owner_a=owner_a,
        owner_b=owner_b, variant_a=variant_a, variant_b=variant_b, org_a=org_a, org_b=org_b,
        purchaser_a=purchaser_a, approver_a=approver_a, admin_a=admin_a, purchaser_b=purchaser_b,
        address_a=address_a, address_b=address_b, staff=staff,
    )


def place(world: OrderWorld, *, user=None, organization=None, items=None, funding_channel="canteen"):
    """Fill the cart and place an order; returns the order."""
    from orders.services import cart_line_add, order_place

    user = user or world.purchaser_a
    organization = organization or world.org_a
    address = world.address_a if organization == world.org_a else world.address_b
    for variant, qty in items or [(world.variant_a, 2), (world.variant_b, 3)]:
        cart_line_add(user=user, organization=organization, variant_id=variant.pk, quantity=qty)
    return order_place(
        user=user, organization=organization, address_id=address.pk,
        funding_channel=funding_channel, idempotency_key=key(),
    )

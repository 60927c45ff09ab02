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
- The catalog worlds (``build_catalog_world``, the ``storefront_*`` builders) live beside
  this module in ``tests.world_catalog``.

The fixtures that hand these to tests (``world``) live in the conftest or helper module of
each test package and only call a builder here.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.images import product_image_add
from catalog.services.listings import variant_create
from catalog.services.review import product_set_status
from orders.models import Campaign, PaymentMethod
from orders.services.cart import cart_line_add
from orders.services.checkout import order_place
from orders.services.lifecycle import order_approve
from orders.services.payments import order_mark_paid
from shop.accounts.models import (
    BuyerOrganization,
    DeliveryAddress,
    MemberRole,
    OrganizationType,
    User,
)
from shop.regions.models import Region
from suppliers.models import (
    Certification,
    CountyCoordinator,
    Supplier,
    SupplierMember,
    SupplierRole,
    SupplierStatus,
)
from tests.factories import (
    DAHUA,
    DUAN,
    LONGCHUAN,
    CategoryFactory,
    CertificationFactory,
    MembershipFactory,
    OrganizationFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
    first_township,
    first_village,
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
    user = user or world.purchaser_a
    organization = organization or world.org_a
    address = world.address_a if organization == world.org_a else world.address_b
    for variant, qty in items or [(world.variant_a, 2), (world.variant_b, 3)]:
        cart_line_add(user=user, organization=organization, variant_id=variant.pk, quantity=qty)
    return order_place(
        user=user, organization=organization, address_id=address.pk,
        funding_channel=funding_channel, idempotency_key=key(),
    )


def place_paid(world: OrderWorld, **kwargs: Any):
    """``place`` an order (same arguments), approve it when it waits for approval, and record
    its payment by bank transfer; returns the order, refreshed."""
    order = place(world, **kwargs)
    if order.status == "pending_approval":
        order_approve(actor=world.approver_a, order=order)
    order_mark_paid(order_id=order.pk, method=PaymentMethod.BANK_TRANSFER, amount_fen=order.total_fen)
    order.refresh_from_db()
    return order

# --- Pieces the worlds share ----------------------------------------------------------------


def png_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (40, 120, 60)) -> bytes:
    """A real PNG of one colour."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(
    name: str = "photo.png", color: tuple[int, int, int] = (40, 120, 60), size: tuple[int, int] = (64, 48),
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size=size, color=color), content_type="image/png")


def supplier_member(supplier: Supplier, username: str, role: str = SupplierRole.OWNER) -> User:
    """A new user in ``supplier``'s team (its owner unless ``role`` says otherwise)."""
    user = UserFactory(username=username)
    SupplierMember.objects.create(supplier=supplier, user=user, role=role)
    return user


def county_coordinator(username: str, county: str) -> User:
    """A new user who coordinates ``county`` (its 6-digit code)."""
    user = UserFactory(username=username)
    CountyCoordinator.objects.create(user=user, county=Region.objects.get(code=county))
    return user


def listing(
    supplier: Supplier, category: Any, *, name: str, price: str = "58.00", stock: int = 20, images: int = 1,
    review_status: str | None = None, **extra: Any,
) -> Product:
    """A product with one variant (5斤/箱, market price ¥60.00) and ``images`` photos, built with
    the factories and the listing services. ``extra`` goes to the factory (approved and
    published unless it says otherwise). ``review_status``: start from an unpublished draft
    and take it through review with the services to that status (DRAFT: leave it a draft)."""
    if review_status is not None:
        extra = {**extra, "status": ProductStatus.DRAFT, "is_published": False}
    product = ProductFactory(supplier=supplier, category=category, name=name, with_variant=False, **extra)
    variant_create(
        product=product, actor=None, spec="5斤/箱", unit="箱", price=price, market_price="60.00", stock=stock,
    )
    for index in range(images):
        product_image_add(product=product, upload=png_upload(f"p{index}.png", color=(40 * index, 90, 60)))
    if review_status not in (None, ProductStatus.DRAFT):
        product_set_status(product=product, status=ProductStatus.SUBMITTED)
        if review_status != ProductStatus.SUBMITTED:
            product_set_status(product=product, status=review_status)
    return Product.objects.get(pk=product.pk)


# --- The supplier portal's world ------------------------------------------------------------


def build_portal_world() -> dict:
    """Two suppliers in different counties with their team members, a buyer, a county
    coordinator and staff; one published listing each (¥58.00, stock 20, one photo)."""
    category = CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil")
    township = first_township(LONGCHUAN)
    ours = SupplierFactory(
        legal_name="龙川县义都镇山茶油专业合作社", short_name="义都茶油社", county_code=LONGCHUAN,
        township=township, village=first_village(township),
    )
    theirs = SupplierFactory(legal_name="都安瑶族自治县山羊养殖合作社", county_code=DUAN)
    coordinator = UserFactory(username="coordinator")
    CountyCoordinator.objects.create(user=coordinator, county=Region.objects.get(code=LONGCHUAN))
    return {
        "category": category,
        "ours": ours,
        "theirs": theirs,
        "owner": supplier_member(ours, "owner"),
        "colleague": supplier_member(ours, "colleague", SupplierRole.MEMBER),
        "stranger": supplier_member(theirs, "stranger"),
        "buyer": MembershipFactory(user=UserFactory(username="buyer")).user,
        "coordinator": coordinator,
        "staff": UserFactory(username="staff", is_staff=True),
        "cert": CertificationFactory(supplier=ours, number="AGI01234"),
        "their_cert": CertificationFactory(supplier=theirs, number="AGI09999"),
        "township": township,
        "village": first_village(township),
        "our_product": listing(ours, category, name="龙川山茶油"),
        "their_product": listing(theirs, category, name="都安山羊肉"),
    }



# --- The GraphQL mutations' world -----------------------------------------------------------


@dataclass
class ApiWorld:
    category: Any
    other_category: Any
    ours: Supplier
    theirs: Supplier
    owner: Any
    colleague: Any
    stranger: Any
    buyer: Any
    coordinator: Any  # of our county (Longchuan)
    other_coordinator: Any  # of Du'an
    staff: Any  # with the catalog review permission
    plain_staff: Any  # staff without it
    cert: Certification
    their_cert: Certification
    township: Region
    village: Region | None
    product: Product  # ours, draft, one variant, two photos
    their_product: Product
    submitted: Product  # ours, waiting for staff review
    overpriced: ProductVariant  # ours, on a submitted product
    applied: Supplier  # Longchuan, waiting for the county
    recommended: Supplier  # Longchuan, waiting for the platform
    suspended: Supplier  # Longchuan

    @property
    def variant(self) -> ProductVariant:
        return self.product.variants.get()

    @property
    def their_variant(self) -> ProductVariant:
        return self.their_product.variants.get()

    def images(self, product: Product | None = None) -> list[ProductImage]:
        return list((product or self.product).images.order_by("position", "id"))


def build_api_world() -> ApiWorld:
    """The portal's people plus the other county's coordinator and staff without the review
    permission; draft, submitted and overpriced listings; applied, recommended and suspended
    suppliers."""
    category = CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil")
    other_category = CategoryFactory(slug="tea", name="茶叶", name_en="Tea")
    township = first_township(LONGCHUAN)
    ours = SupplierFactory(legal_name="龙川县义都镇山茶油专业合作社", county_code=LONGCHUAN,
                           township=township, village=first_village(township))
    theirs = SupplierFactory(legal_name="都安瑶族自治县山羊养殖合作社", county_code=DUAN)
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_product", content_type__app_label="catalog"))
    submitted = listing(ours, category, name="龙川桂林茶", review_status=ProductStatus.SUBMITTED)
    with_flag = listing(ours, category, name="龙川柿饼", review_status=ProductStatus.SUBMITTED)
    overpriced = with_flag.variants.get()
    ProductVariant.objects.filter(pk=overpriced.pk).update(price=Decimal("99.00"))  # 99 > 1.3 × 60
    overpriced.refresh_from_db()
    return ApiWorld(
        category=category, other_category=other_category, ours=ours, theirs=theirs,
        owner=supplier_member(ours, "owner"), colleague=supplier_member(ours, "colleague", SupplierRole.MEMBER),
        stranger=supplier_member(theirs, "stranger"),
        buyer=MembershipFactory(user=UserFactory(username="buyer")).user,
        coordinator=county_coordinator("coordinator", LONGCHUAN),
        other_coordinator=county_coordinator("duan-coordinator", DUAN),
        staff=staff, plain_staff=UserFactory(username="plain-staff", is_staff=True),
        cert=CertificationFactory(supplier=ours, number="AGI01234"),
        their_cert=CertificationFactory(supplier=theirs, number="AGI09999"),
        township=township, village=first_village(township),
        product=listing(ours, category, name="龙川山茶油", review_status=ProductStatus.DRAFT, images=2),
        their_product=listing(theirs, category, name="都安山羊肉", review_status=ProductStatus.DRAFT, images=2),
        submitted=submitted, overpriced=overpriced,
        applied=SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.APPLIED, legal_name="龙川县申请中合作社"),
        recommended=SupplierFactory(
            county_code=LONGCHUAN, status=SupplierStatus.RECOMMENDED, legal_name="龙川县已推荐合作社"
        ),
        suspended=SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.SUSPENDED, legal_name="龙川县暂停合作社"),
    )

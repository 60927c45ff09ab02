"""The world of the mutation tests: two suppliers in different counties with their teams, a
buyer, coordinators of both counties, staff, applications waiting for review, and listings
built with the services (real PNG photos). Plus helpers that call the API as one of them:
JSON requests and GraphQL multipart requests."""

import io
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from graphql_relay import to_global_id
from PIL import Image

from catalog.models import Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.images import product_image_add
from catalog.services.listings import variant_create
from catalog.services.review import product_set_status
from shop.common.models import AuditEvent
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
    DUAN,
    LONGCHUAN,
    CategoryFactory,
    CertificationFactory,
    MembershipFactory,
    ProductFactory,
    SupplierFactory,
    UserFactory,
    first_township,
    first_village,
)


def png_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (40, 120, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def png_upload(name: str = "photo.png", **kwargs: Any) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def gid(kind: str, obj: Any) -> str:
    return to_global_id(kind, obj.pk if hasattr(obj, "pk") else obj)


def _member(supplier: Supplier, username: str, role: str = SupplierRole.OWNER):
    user = UserFactory(username=username)
    SupplierMember.objects.create(supplier=supplier, user=user, role=role)
    return user


def _coordinator(username: str, county: str):
    user = UserFactory(username=username)
    CountyCoordinator.objects.create(user=user, county=Region.objects.get(code=county))
    return user


def listing(supplier: Supplier, category: Any, *, name: str, price: str = "58.00", images: int = 2,
            status: str = ProductStatus.DRAFT) -> Product:
    product = ProductFactory(
        supplier=supplier, category=category, name=name, status=ProductStatus.DRAFT,
        is_published=False, with_variant=False,
    )
    variant_create(product=product, actor=None, spec="5斤/箱", unit="箱", price=price, market_price="60.00", stock=20)
    for index in range(images):
        product_image_add(product=product, upload=png_upload(f"p{index}.png", color=(40 * index, 90, 60)))
    if status != ProductStatus.DRAFT:
        product_set_status(product=product, status=ProductStatus.SUBMITTED)
        if status != ProductStatus.SUBMITTED:
            product_set_status(product=product, status=status)
    return Product.objects.get(pk=product.pk)


@dataclass
class World:
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


def build_world() -> World:
    """Regions must be loaded (the ``regions`` fixture)."""
    category = CategoryFactory(slug="grain-oil", name="粮油", name_en="Grain and oil")
    other_category = CategoryFactory(slug="tea", name="茶叶", name_en="Tea")
    township = first_township(LONGCHUAN)
    ours = SupplierFactory(legal_name="龙川县义都镇山茶油专业合作社", county_code=LONGCHUAN,
                           township=township, village=first_village(township))
    theirs = SupplierFactory(legal_name="都安瑶族自治县山羊养殖合作社", county_code=DUAN)
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="change_product", content_type__app_label="catalog"))
    submitted = listing(ours, category, name="龙川桂林茶", status=ProductStatus.SUBMITTED, images=1)
    with_flag = listing(ours, category, name="龙川柿饼", status=ProductStatus.SUBMITTED, images=1)
    overpriced = with_flag.variants.get()
    ProductVariant.objects.filter(pk=overpriced.pk).update(price=Decimal("99.00"))  # 99 > 1.3 × 60
    overpriced.refresh_from_db()
    return World(
        category=category, other_category=other_category, ours=ours, theirs=theirs,
        owner=_member(ours, "owner"), colleague=_member(ours, "colleague", SupplierRole.MEMBER),
        stranger=_member(theirs, "stranger"), buyer=MembershipFactory(user=UserFactory(username="buyer")).user,
        coordinator=_coordinator("coordinator", LONGCHUAN), other_coordinator=_coordinator("duan-coordinator", DUAN),
        staff=staff, plain_staff=UserFactory(username="plain-staff", is_staff=True),
        cert=CertificationFactory(supplier=ours, number="AGI01234"),
        their_cert=CertificationFactory(supplier=theirs, number="AGI09999"),
        township=township, village=first_village(township),
        product=listing(ours, category, name="龙川山茶油"),
        their_product=listing(theirs, category, name="都安山羊肉"),
        submitted=submitted, overpriced=overpriced,
        applied=SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.APPLIED, legal_name="龙川县申请中合作社"),
        recommended=SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.RECOMMENDED, legal_name="龙川县已推荐合作社"),
        suspended=SupplierFactory(county_code=LONGCHUAN, status=SupplierStatus.SUSPENDED, legal_name="龙川县暂停合作社"),
    )


# --- Calling the API ----------------------------------------------------------------------


def client_for(user: Any = None, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def post(client: Client, query: str, variables: dict[str, Any] | None = None, *, status: int = 200) -> dict:
    response = client.post(
        "/graphql/", data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
    )
    assert response.status_code == status, response.content.decode()
    return response.json()


def post_multipart(
    client: Client, query: str, variables: dict[str, Any], files: dict[str, Any], *, status: int = 200,
) -> dict:
    """A GraphQL multipart request: ``files`` maps a variable path (``variables.images.0``)
    to an uploaded file; that variable must be null in ``variables``."""
    file_map = {str(i): [path] for i, path in enumerate(files)}
    data: dict[str, Any] = {
        "operations": json.dumps({"query": query, "variables": variables}),
        "map": json.dumps(file_map),
    }
    for i, upload in enumerate(files.values()):
        data[str(i)] = upload
    response = client.post("/graphql/", data=data)
    assert response.status_code == status, response.content.decode()
    return response.json()


def payload(result: dict, name: str) -> dict:
    assert "errors" not in result, result
    return result["data"][name]


def codes(result: dict, name: str) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload(result, name)["errors"]]


# --- What must not change -----------------------------------------------------------------

SNAPSHOT_MODELS = (Supplier, SupplierMember, Certification, Product, ProductVariant, ProductImage, AuditEvent)


def database_snapshot() -> dict[str, list[dict]]:
    """Every row of the tables a mutation of issue 3 may touch, and the stored files."""
    rows = {model.__name__: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS}
    rows["files"] = []
    for media in (Path(settings.MEDIA_ROOT), Path(storages["private"].location)):
        rows["files"] += sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []
    return rows

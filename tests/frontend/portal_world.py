"""The world of the supplier portal tests: two suppliers in different counties with their
team members, a buyer, a county coordinator and staff; real PNG photos."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.models import Product
from catalog.services.images import product_image_add
from catalog.services.listings import variant_create
from shop.regions.models import Region
from suppliers.models import CountyCoordinator, SupplierMember, SupplierRole
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


def png_upload(name: str = "photo.png", color=(40, 120, 60), size=(320, 240)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def member(supplier, username: str, role: str = SupplierRole.OWNER):
    user = UserFactory(username=username)
    SupplierMember.objects.create(supplier=supplier, user=user, role=role)
    return user


def listing(supplier, category, *, name: str, stock: int = 20, image: bool = True, **extra) -> Product:
    """A product with one variant (and a photo), built with the factories and services."""
    product = ProductFactory(supplier=supplier, category=category, name=name, with_variant=False, **extra)
    variant_create(
        product=product, actor=None, spec="5斤/箱", unit="箱", price="58.00", market_price="60.00",
        stock=stock,
    )
    if image:
        product_image_add(product=product, upload=png_upload())
    product.refresh_from_db()
    return product


def build_world() -> dict:
    """The world of the portal tests (regions must be loaded: the ``regions`` fixture)."""
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
        "owner": member(ours, "owner"),
        "colleague": member(ours, "colleague", SupplierRole.MEMBER),
        "stranger": member(theirs, "stranger"),
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

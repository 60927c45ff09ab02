"""The scale-out test's shop: the order test world (tests/world.py) plus one purchaser
per load thread, deep stock, and product photos uploaded through the real image service (the
Celery worker makes their thumbnails). Prints the logins and ids as JSON."""

import io
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from graphql_relay import to_global_id  # noqa: E402
from PIL import Image  # noqa: E402

from catalog.services.images import product_image_add  # noqa: E402
from shop.accounts.models import MemberRole  # noqa: E402
from shop.regions.services import regions_load  # noqa: E402
from tests.factories import MembershipFactory  # noqa: E402
from tests.world import PASSWORD, build_order_world  # noqa: E402


def photo(color: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), color).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def main(buyers: int) -> None:
    regions_load()
    with transaction.atomic():
        world = build_order_world()
        purchasers = [
            MembershipFactory(organization=world.org_b, role=MemberRole.PURCHASER,
                              user__username=f"load-buyer-{n}").user
            for n in range(buyers)
        ]
        for variant in (world.variant_a, world.variant_b):
            variant.stock = 1_000_000
            variant.save(update_fields=["stock"])
        for variant, color in ((world.variant_a, (200, 150, 30)), (world.variant_b, (120, 40, 40))):
            product_image_add(product=variant.product, upload=photo(color))  # thumbnails after commit
    print(json.dumps({
        "password": PASSWORD,
        "buyers": [u.email for u in purchasers],
        "staff": world.staff.email,
        "owners": {str(world.supplier_a.pk): world.owner_a.email, str(world.supplier_b.pk): world.owner_b.email},
        "address": to_global_id("DeliveryAddress", world.address_b.pk),
        "organization": to_global_id("BuyerOrganization", world.org_b.pk),
        "suppliers": [world.supplier_a.pk, world.supplier_b.pk],
        "variants": [to_global_id("Variant", v.pk) for v in (world.variant_a, world.variant_b)],
        "products": [world.variant_a.product.slug, world.variant_b.product.slug],
    }))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 8)

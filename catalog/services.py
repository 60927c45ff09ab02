"""Write actions on the catalog."""

from django.db import transaction
from django.db.models import Min, Q, Sum

from catalog.models import Product, ProductVariant


def product_search_text(*, product: Product) -> str:
    """Lower-cased text that search matches by substring (Chinese has no word spaces)."""
    parts = [
        product.name, product.name_en, product.summary,
        product.supplier.legal_name, product.supplier.short_name,
        product.county.name, product.township.name,
        product.village.name if product.village_id else "",
        product.category.name, product.category.name_en,
    ]
    return " ".join(p for p in parts if p).lower()


@transaction.atomic
def product_refresh_summary(*, product: Product) -> Product:
    """Recompute the listing summaries (lowest active price, total stock, search text)."""
    agg = ProductVariant.objects.filter(product=product).aggregate(
        min_price=Min("price", filter=Q(is_active=True)),
        total_stock=Sum("stock", filter=Q(is_active=True)),
    )
    product.min_price = agg["min_price"]
    product.total_stock = agg["total_stock"] or 0
    product.search_text = product_search_text(product=product)
    product.save(update_fields=["min_price", "total_stock", "search_text", "updated_at"])
    return product

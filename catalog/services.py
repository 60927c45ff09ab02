"""Write actions on the catalog."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q, Sum
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Product, ProductStatus, ProductVariant


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


# --- Review and publication ---------------------------------------------------------------

P = ProductStatus
PRODUCT_TRANSITIONS: dict[str, set[str]] = {
    P.DRAFT: {P.SUBMITTED, P.ARCHIVED},
    P.SUBMITTED: {P.APPROVED, P.REJECTED, P.DRAFT, P.ARCHIVED},
    P.APPROVED: {P.SUBMITTED, P.ARCHIVED},
    P.REJECTED: {P.DRAFT, P.SUBMITTED, P.ARCHIVED},
    P.ARCHIVED: {P.DRAFT},
}


@transaction.atomic
def product_set_status(*, product: Product, status: str, reason: str = "") -> Product:
    """The one place product status changes; checks allowed transitions, locks the row."""
    locked = Product.objects.select_for_update().get(pk=product.pk)
    if status == locked.status:
        return locked
    if status not in PRODUCT_TRANSITIONS.get(locked.status, set()):
        raise ValidationError(
            _("A product cannot go from “%(old)s” to “%(new)s”.")
            % {"old": P(locked.status).label, "new": P(status).label},
            code=CatalogErrorCode.INVALID.value,
        )
    reason = (reason or "").strip()
    if status == P.REJECTED and not reason:
        raise ValidationError(
            {"reason": ValidationError(_("Give a reason."), code=CatalogErrorCode.REQUIRED.value)}
        )
    locked.status = status
    locked.status_reason = reason[:255]
    fields = ["status", "status_reason", "updated_at"]
    if status != P.APPROVED and locked.is_published:
        locked.is_published = False
        fields.append("is_published")
    locked.save(update_fields=fields)
    return locked


def product_approve(*, product: Product, publish: bool = True) -> Product:
    product = product_set_status(product=product, status=P.APPROVED)
    if publish and not product.is_published:
        product.is_published = True
        product.save(update_fields=["is_published", "updated_at"])
    return product


def product_reject(*, product: Product, reason: str) -> Product:
    return product_set_status(product=product, status=P.REJECTED, reason=reason)

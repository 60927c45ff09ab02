"""Categories, products, variants (SKU) and images.

A product is visible in the storefront only when it is approved and published and its
supplier is approved (``ProductQuerySet.visible``). ``min_price``, ``total_stock`` and
``search_text`` are summaries kept up to date by ``catalog.services`` so that listing,
filtering and sorting never aggregate over variants per request.
"""

from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils.translation import gettext_lazy as _

from shop.common.money import MoneyField
from suppliers.models import SupplierStatus


class Category(models.Model):
    name = models.CharField(_("name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=64, blank=True)
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


# The storefront rule, in one place: a product is visible when it is approved and published
# and its supplier is approved. Each entry is a field path and the value it must have;
# ``Product.compute_is_visible`` checks it on a loaded row (in this order, so the supplier is
# read last), ``ProductQuerySet.refresh_visibility`` in SQL. The result is stored in
# ``Product.is_visible``, which every listing filters on (``VISIBLE``).
VISIBLE_WHEN: dict[str, object] = {
    "status": ProductStatus.APPROVED,
    "is_published": True,
    "supplier__status": SupplierStatus.APPROVED,
}
VISIBLE = models.Q(is_visible=True)


class ProductQuerySet(models.QuerySet["Product"]):
    def visible(self) -> "ProductQuerySet":
        """Approved, published, and its supplier approved (the stored ``Product.is_visible``)."""
        return self.filter(VISIBLE)

    def refresh_visibility(self) -> int:
        """Rewrite the stored ``is_visible`` of these products from ``VISIBLE_WHEN`` (at most
        two UPDATEs, of the rows that change); returns how many changed. Suppliers call it
        through their reverse relation (``supplier.products``) after a status change, so
        that they need not import the catalog."""
        rule = models.Q(**VISIBLE_WHEN)
        shown = self.filter(rule, is_visible=False).update(is_visible=True)
        hidden = self.filter(is_visible=True).exclude(rule).update(is_visible=False)
        return shown + hidden


class Product(models.Model):
    # Lists that the selectors' ``Prefetch(to_attr=...)`` set (never stored).
    active_variants: "list[ProductVariant]"
    ordered_images: "list[ProductImage]"

    supplier = models.ForeignKey(
        "suppliers.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
        related_name="products",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    county = models.ForeignKey(
        "regions.Region", verbose_name=_("county"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"level": "county"},
    )
    township = models.ForeignKey(
        "regions.Region", verbose_name=_("origin township"), on_delete=models.PROTECT,
        related_name="+", limit_choices_to={"level": "township"},
    )
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("origin village"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+", limit_choices_to={"level": "village"},
    )
    certifications = models.ManyToManyField(
        "suppliers.Certification", verbose_name=_("certifications"), blank=True,
        related_name="products",
    )
    poor_households = models.PositiveIntegerField(
        _("poor households supported by this product"), default=0
    )
    shelf_life_days = models.PositiveIntegerField(_("shelf life (days)"), null=True, blank=True)
    storage = models.CharField(_("storage"), max_length=128, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProductStatus.choices, default=ProductStatus.DRAFT,
        db_index=True,
    )
    status_reason = models.CharField(_("reason for the last status change"), max_length=255, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    # Denormalised VISIBLE_WHEN: status == approved and is_published and supplier.status ==
    # approved. Kept in step by catalog.services (product changes) and, through
    # ProductQuerySet.refresh_visibility, suppliers.services (supplier status changes) in the
    # same transaction, so listings need no join to decide
    # visibility and the partial indexes below serve every sort order and the count.
    is_visible = models.BooleanField(_("visible in the storefront"), default=False, editable=False)
    # Summaries maintained by catalog.services.listings.product_refresh_summary.
    min_price = MoneyField(_("lowest price"), null=True, blank=True)
    total_stock = models.PositiveIntegerField(_("total stock"), default=0)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # ``|name|english name|pinyin|initials|``: ranks name matches (exact, prefix, contains)
    # above matches of the supplier, origin or description. See catalog.pinyin.
    search_name = models.TextField(_("searchable name"), blank=True, editable=False)
    # Counters for cards, the product page and the sales sort, maintained by
    # orders.services.product_stats in the transactions that change them (an order entering or
    # leaving the paid statuses, a rating given at acceptance), as increments so concurrent
    # payments never lose a count; tally_reconcile recomputes and compares them.
    sales_units = models.PositiveIntegerField(_("units sold"), default=0, editable=False)
    rating_sum = models.PositiveIntegerField(_("sum of ratings"), default=0, editable=False)
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], condition=VISIBLE, name="product_visible_newest"),
            models.Index(fields=["min_price", "id"], condition=VISIBLE, name="product_visible_price"),
            models.Index(fields=["name", "id"], condition=VISIBLE, name="product_visible_name"),
            models.Index(fields=["county", "-created_at"], condition=VISIBLE, name="product_visible_county"),
            models.Index(fields=["category", "-created_at"], condition=VISIBLE, name="product_visible_category"),
            models.Index(fields=["supplier", "status"]),
            # In stock first (see catalog.selectors.STOCK_RANK), then newest or cheapest.
            models.Index(
                Least(F("total_stock"), Value(1)).desc(), F("created_at").desc(), F("id").desc(),
                condition=VISIBLE, name="product_visible_stock_newest",
            ),
            models.Index(
                Least(F("total_stock"), Value(1)).desc(), F("min_price"), F("id"),
                condition=VISIBLE, name="product_visible_stock_price",
            ),
            models.Index(
                Least(F("total_stock"), Value(1)).desc(), F("sales_units").desc(), F("created_at").desc(),
                F("id").desc(), condition=VISIBLE, name="product_visible_stock_sales",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_stock(self) -> bool:
        return self.total_stock > 0

    @property
    def rating_average(self) -> float | None:
        """Average 1–5 star rating given at acceptance; None when unrated."""
        return self.rating_sum / self.rating_count if self.rating_count else None

    def compute_is_visible(self) -> bool:
        """What ``is_visible`` should be (``VISIBLE_WHEN``), from this row and its supplier;
        the supplier is loaded only when the product itself is approved and published."""
        return all(
            reduce(getattr, path.split("__"), self) == value for path, value in VISIBLE_WHEN.items()
        )


class ProductVariant(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="variants"
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    spec = models.CharField(_("specification (e.g. 5斤/箱)"), max_length=64)
    unit = models.CharField(_("unit"), max_length=16)
    price = MoneyField(_("price (CNY)"), validators=[MinValueValidator(Decimal("0.01"))])
    market_price = MoneyField(_("market reference price (CNY)"), null=True, blank=True)
    min_order_qty = models.PositiveIntegerField(
        _("minimum order quantity"), default=1, validators=[MinValueValidator(1)]
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    # Units held by placed orders that have not shipped yet: placing an order moves units
    # from ``stock`` to ``reserved``; shipping removes them; cancelling puts them back.
    reserved = models.PositiveIntegerField(_("reserved by orders"), default=0, editable=False)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=3)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # Price monitoring: staff may accept a price above the alert multiple of the market
    # reference; the acceptance covers exactly this price and lapses when it changes.
    price_accepted = MoneyField(_("price accepted by staff"), null=True, blank=True, editable=False)
    price_accepted_by = models.ForeignKey(
        "accounts.User", verbose_name=_("price accepted by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    price_accepted_at = models.DateTimeField(_("price accepted at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gt=0), name="variant_price_positive"),
            models.CheckConstraint(condition=models.Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="variant_reserved_not_negative"),
            models.CheckConstraint(condition=models.Q(min_order_qty__gte=1), name="variant_moq_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.spec}"

    @property
    def is_overpriced(self) -> bool:
        """Priced above the alert multiple (settings.PRICE_ALERT_MULTIPLE, default 1.3) of
        its market reference price."""
        multiple = Decimal(str(getattr(settings, "PRICE_ALERT_MULTIPLE", "1.3")))
        return self.market_price is not None and self.price > self.market_price * multiple

    @property
    def needs_price_review(self) -> bool:
        """Overpriced and not accepted by staff at this exact price: blocks publication."""
        return self.is_overpriced and self.price_accepted != self.price


class ProductImage(models.Model):
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="images"
    )
    image = models.ImageField(
        _("image"), upload_to="products/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("width"), default=0)
    height = models.PositiveIntegerField(_("height"), default=0)
    alt = models.CharField(_("alternative text"), max_length=128, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # {"160": "products/thumbs/…_160.webp", …}; filled by catalog.tasks.make_thumbnails.
    thumbnails = models.JSONField(_("thumbnails"), default=dict, blank=True)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.alt or self.image.name or ""

    def thumbnail_url(self, size: int) -> str:
        """URL of the nearest thumbnail at least ``size`` wide, or of the original."""
        for key in sorted(self.thumbnails, key=int):
            if int(key) >= size:
                return default_storage.url(self.thumbnails[key])
        return self.image.url if self.image else ""


class SearchTermKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


class SearchTerm(models.Model):
    """A supplier or a place that search suggestions offer, with its name's pinyin.

    Maintained by ``catalog.services.search`` whenever a product (its supplier, its origin)
    or a supplier changes; suggestions show only terms that still have visible products."""

    kind = models.CharField(_("kind"), max_length=16, choices=SearchTermKind.choices)
    supplier = models.OneToOneField(
        "suppliers.Supplier", verbose_name=_("supplier"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    region = models.OneToOneField(
        "regions.Region", verbose_name=_("place"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="+",
    )
    label = models.CharField(_("label"), max_length=128)
    search_text = models.TextField(_("search text"), editable=False)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        ordering = ["kind", "label", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(supplier__isnull=True, region__isnull=False)
                | models.Q(supplier__isnull=False, region__isnull=True),
                name="searchterm_supplier_or_region",
            ),
        ]

    def __str__(self) -> str:
        return self.label

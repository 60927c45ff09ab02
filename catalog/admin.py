"""Staff screens for the catalog. Review and price acceptance (``catalog.admin_review``) call
``catalog.services.review``; edits made in the product form are recorded in the audit trail."""

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Case, CharField, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.admin_inlines import VariantInlineFormSet
from catalog.admin_review import ProductReviewMixin
from catalog.models import Category, Product, ProductImage, ProductStatus, ProductVariant
from catalog.services.images import (
    product_image_add,
    product_image_delete,
    product_image_update,
    product_images_reorder,
)
from catalog.services.listings import product_refresh_summary
from catalog.services.review import (
    awaiting_review_condition,
    flagged_variants,
    has_overpriced_variant,
    has_variant_needing_price_review,
    needs_price_review_condition,
    price_ratio,
)
from shop.common.admin import AuditedModelAdmin
from shop.common.images import normalize_upload
from shop.common.listing_admin import ListingAdminMixin
from shop.common.models import AuditEvent
from suppliers.models import SupplierStatus

VARIANT_AUDIT_FIELDS = (
    "sku", "spec", "unit", "price", "market_price", "min_order_qty", "stock", "lead_time_days",
    "position", "is_active",
)

def overpriced_badge(flag: bool) -> str:
    """A warning, not a green tick: being overpriced is the bad case."""
    if not flag:
        return ""
    return format_html('<span class="price-flag-bad">⚠ {}</span>', _("overpriced"))


def accepted_by_text(variant: ProductVariant) -> str:
    user = variant.price_accepted_by
    if user is None:
        return _("staff")
    return getattr(user, "display_name", "") or user.get_username()


class OverpricedFilter(admin.SimpleListFilter):
    title = gettext_lazy("price check")
    parameter_name = "overpriced"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("Has an overpriced variant")), ("no", gettext_lazy("Priced fairly"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        if self.value() == "yes":
            return queryset.filter(_overpriced=True)  # type: ignore[misc]  # an annotation of the admin queryset
        if self.value() == "no":
            return queryset.filter(_overpriced=False)  # type: ignore[misc]
        return queryset


class SupplierStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("supplier status")
    parameter_name = "supplier_status"

    def lookups(self, request, model_admin):
        return SupplierStatus.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        return queryset.filter(supplier__status=self.value()) if self.value() else queryset


class ReviewFilter(admin.SimpleListFilter):
    """Staff's review queue; with it the list shows submitted products first, then approved
    ones whose price awaits acceptance, the longest waiting first."""

    title = gettext_lazy("review")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("awaiting", gettext_lazy("Awaiting review")),
            ("price", gettext_lazy("Price awaiting acceptance")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        if self.value() == "awaiting":
            return queryset.filter(awaiting_review_condition())
        if self.value() == "price":
            return queryset.filter(_needs_price_review=True)  # type: ignore[misc]  # an annotation of the admin queryset
        return queryset


@admin.register(Category)
class CategoryAdmin(ListingAdminMixin, admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "position", "slug")
    list_editable = ("position",)
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("parent__position", "parent_id", "position", "id")


class ProductVariantInline(admin.TabularInline):
    """Saved through the services (``catalog.admin_inlines``); archived, never deleted."""

    model = ProductVariant
    formset = VariantInlineFormSet
    can_delete = False
    extra = 0
    fields = (
        "sku", "spec", "unit", "price", "market_price", "overpriced", "min_order_qty", "stock",
        "lead_time_days", "position", "is_active",
    )
    readonly_fields = ("overpriced",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductVariant]:
        return super().get_queryset(request).select_related("price_accepted_by")

    @admin.display(description=gettext_lazy("price check"))
    def overpriced(self, obj: ProductVariant) -> str:
        if not obj.pk or not obj.is_overpriced:
            return ""
        if obj.needs_price_review:
            return overpriced_badge(True)
        return format_html(
            '<span class="price-flag-ok">✓ {}</span>',
            _("price accepted by %(who)s") % {"who": accepted_by_text(obj)},
        )


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ("image", "alt", "position")

    def clean_image(self):
        """Refuse a bad upload on the field. The upload itself is stored by
        ``product_image_add`` (in ``ProductAdmin.save_formset``), which re-encodes it."""
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):
            normalize_upload(upload)  # ValidationError -> error on the field
            upload.seek(0)
        return upload

    @property
    def new_upload(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("image")
        return upload if "image" in self.changed_data and isinstance(upload, UploadedFile) else None


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    form = ProductImageForm
    extra = 0
    fields = ("image", "alt", "position", "width", "height")
    readonly_fields = ("width", "height")


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        exclude: tuple[str, ...] = ()  # the admin's fieldsets choose the fields

    def clean_is_published(self) -> bool:
        """Publishing by hand is refused while a price awaits staff acceptance."""
        publish = self.cleaned_data.get("is_published", False)
        product = self.instance
        if publish and product.pk and not Product.objects.filter(pk=product.pk, is_published=True).exists():
            flagged = ProductVariant.objects.filter(Q(product=product) & needs_price_review_condition())
            if flagged.exists():
                raise ValidationError(
                    _("Accept the flagged prices before publishing this product."),
                    code="price_review_required",
                )
        return publish


@admin.register(Product)
class ProductAdmin(ListingAdminMixin, ProductReviewMixin, AuditedModelAdmin):
    class Media:
        css = {"all": ["common/admin-extra.css"]}  # price flags: classes, no inline styles (CSP)

    form = ProductAdminForm
    change_form_template = "admin/catalog/product/review_change_form.html"
    list_display = (
        "name", "supplier", "county", "category", "status", "is_published", "min_price",
        "total_stock", "has_overpriced_variant", "flagged_prices",
    )
    list_filter = (
        ReviewFilter, "status", "is_published", "county", ("category", admin.RelatedOnlyFieldListFilter),
        SupplierStatusFilter, OverpricedFilter, "is_featured",
    )
    list_select_related = ("supplier", "county", "category")
    search_fields = ("name", "name_en", "slug", "supplier__legal_name", "supplier__short_name")
    prepopulated_fields = {"slug": ("name_en",)}
    autocomplete_fields = ("supplier", "category", "township", "village", "certifications")
    inlines = (ProductVariantInline, ProductImageInline)
    readonly_fields = (
        "status", "status_reason", "min_price", "total_stock", "created_at", "updated_at",
    )
    actions = ("approve_and_publish", "reject", "unpublish", "accept_flagged_prices")
    fieldsets = (
        (None, {"fields": ("name", "name_en", "slug", "supplier", "category", "summary", "description")}),
        (gettext_lazy("Origin"), {"fields": ("county", "township", "village", "poor_households", "certifications")}),
        (gettext_lazy("Keeping"), {"fields": ("shelf_life_days", "storage")}),
        (
            gettext_lazy("Review and publication"),
            {"fields": ("status", "status_reason", "is_published", "is_featured")},
        ),
        (gettext_lazy("Summary"), {"fields": ("min_price", "total_stock", "created_at", "updated_at")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return (
            super().get_queryset(request)
            .annotate(
                _overpriced=has_overpriced_variant(),
                _needs_price_review=has_variant_needing_price_review(),
            )
            .prefetch_related(Prefetch("variants", queryset=flagged_variants(), to_attr="_flagged_variants"))
        )

    def get_ordering(self, request: HttpRequest):
        if request.GET.get(ReviewFilter.parameter_name):
            submitted_first = Case(When(status=ProductStatus.SUBMITTED, then=Value(0)), default=Value(1))
            return (submitted_first.asc(), "updated_at", "id")
        return super().get_ordering(request)

    @admin.display(description=gettext_lazy("price check"), ordering="_overpriced")
    def has_overpriced_variant(self, obj: Product) -> str:
        return overpriced_badge(obj._overpriced)  # type: ignore[attr-defined]

    @admin.display(description=gettext_lazy("flagged prices"))
    def flagged_prices(self, obj: Product) -> str:
        return format_html_join(
            mark_safe("<br>"), '{}: ¥{} / ¥{} = {}× <span class="{}">{}</span>',
            (
                (
                    v.sku, v.price, v.market_price, price_ratio(v),
                    "price-flag-bad" if v.needs_price_review else "price-flag-ok",
                    _("awaiting acceptance") if v.needs_price_review else _("accepted"),
                )
                for v in obj._flagged_variants  # type: ignore[attr-defined]
            ),
        )

    def audit_events(self, obj: Product) -> QuerySet[AuditEvent]:  # type: ignore[override]
        """The product's events and those of its variants and images."""
        types = ContentType.objects.get_for_models(Product, ProductVariant, ProductImage)

        def ids(model: type[ProductVariant] | type[ProductImage]) -> QuerySet:
            return model.objects.filter(product=obj).annotate(sid=Cast("pk", CharField())).values("sid")

        return AuditEvent.objects.filter(
            Q(content_type=types[Product], object_id=str(obj.pk))
            | Q(content_type=types[ProductVariant], object_id__in=ids(ProductVariant))
            | Q(content_type=types[ProductImage], object_id__in=ids(ProductImage))
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is ProductImage:
            self._save_images(request, form.instance, formset)
        elif formset.model is ProductVariant:
            self._save_variants(request, form, formset, change)
        else:
            super().save_formset(request, form, formset, change)

    def _save_variants(self, request, form, formset, change) -> None:
        """Through ``variant_create`` / ``variant_update`` / ``variant_archive``: locks,
        the services' rules and their audit rows (``catalog.admin_inlines``)."""
        formset.save_through_services(actor=request.user)

    def _save_images(self, request: HttpRequest, product: Product, formset) -> None:
        """Images go through the catalog services: uploads are re-encoded under a random
        name with thumbnails made after commit, files of deleted images are removed, and
        positions stay 0..n-1. A new file on an existing row replaces that image."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        wanted: list[tuple[int, int, int]] = []  # (requested position, row, image id)
        for index, image_form in enumerate(formset.forms):
            if not hasattr(image_form, "cleaned_data") or not image_form.cleaned_data:
                continue
            old = image_form.instance if image_form.instance.pk else None
            if formset.can_delete and formset._should_delete_form(image_form):
                if old is not None:
                    product_image_delete(image=old, actor=request.user)
                    formset.deleted_objects.append(old)
                continue
            data = image_form.cleaned_data
            position = data.get("position") or 0
            if old is None and "position" not in image_form.changed_data:
                position = len(formset.forms)  # a new image goes last unless placed
            upload = image_form.new_upload
            if upload is not None:
                image = product_image_add(
                    product=product, upload=upload, alt=data.get("alt", ""), actor=request.user
                )
                formset.new_objects.append(image)
                if old is not None:
                    product_image_delete(image=old, actor=request.user)
                    formset.deleted_objects.append(old)
            elif old is not None:
                image = old
                if "alt" in image_form.changed_data:
                    image = product_image_update(image=image, actor=request.user, alt=data.get("alt", ""))
                if image_form.changed_data:
                    formset.changed_objects.append((image, image_form.changed_data))
            else:
                continue
            wanted.append((position, index, image.pk))
        if wanted:
            order = [pk for _pos, _idx, pk in sorted(wanted)]
            remaining = set(ProductImage.objects.filter(product=product).values_list("pk", flat=True))
            order += sorted(remaining - set(order))
            product_images_reorder(product=product, image_ids=order, actor=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Variants were just saved: recompute min_price, total_stock and search_text, from the
        # row as the services left it (a price change may have sent it back to review).
        product_refresh_summary(product=Product.objects.get(pk=form.instance.pk))

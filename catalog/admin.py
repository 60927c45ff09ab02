"""Staff screens for the catalog: review actions call ``catalog.services``."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.models import Category, Product, ProductImage, ProductVariant
from catalog.services import (
    product_approve,
    product_image_add,
    product_image_delete,
    product_images_reorder,
    product_refresh_summary,
    product_reject,
    product_unpublish,
)
from shop.common.adminactions import apply_per_row, reason_action
from shop.common.images import normalize_upload
from suppliers.models import SupplierStatus

# ProductVariant.is_overpriced in SQL: price > 1.3 × market price, written as
# 10 × price > 13 × market price so that neither a fraction nor a division (integer
# division on SQLite) enters the comparison.
OVERPRICED_VARIANTS = (
    ProductVariant.objects.filter(product=OuterRef("pk"), market_price__isnull=False)
    .alias(price_x10=F("price") * 10, market_x13=F("market_price") * 13)
    .filter(price_x10__gt=F("market_x13"))
)


def overpriced_badge(flag: bool) -> str:
    """A warning, not a green tick: being overpriced is the bad case."""
    if not flag:
        return ""
    return format_html('<span style="color:#ba2121;font-weight:bold">⚠ {}</span>', _("overpriced"))


class OverpricedFilter(admin.SimpleListFilter):
    title = gettext_lazy("price check")
    parameter_name = "overpriced"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("yes", gettext_lazy("Has an overpriced variant")), ("no", gettext_lazy("Priced fairly"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        if self.value() == "yes":
            return queryset.filter(_overpriced=True)
        if self.value() == "no":
            return queryset.filter(_overpriced=False)
        return queryset


class SupplierStatusFilter(admin.SimpleListFilter):
    title = gettext_lazy("supplier status")
    parameter_name = "supplier_status"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return SupplierStatus.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Product]) -> QuerySet[Product]:
        return queryset.filter(supplier__status=self.value()) if self.value() else queryset


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "parent", "position", "slug")
    list_editable = ("position",)
    list_filter = (("parent", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("parent",)
    search_fields = ("name", "name_en", "slug")
    prepopulated_fields = {"slug": ("name_en",)}
    ordering = ("parent__position", "parent_id", "position", "id")


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0
    fields = (
        "sku", "spec", "unit", "price", "market_price", "overpriced", "min_order_qty", "stock",
        "lead_time_days", "position", "is_active",
    )
    readonly_fields = ("overpriced",)

    @admin.display(description=gettext_lazy("price check"))
    def overpriced(self, obj: ProductVariant) -> str:
        return overpriced_badge(bool(obj.pk) and obj.is_overpriced)


class ProductImageForm(forms.ModelForm):
    class Meta:
        model = ProductImage
        fields = ("image", "alt", "position")

    def clean_image(self):  # type: ignore[no-untyped-def]
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


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name", "supplier", "county", "category", "status", "is_published", "min_price",
        "total_stock", "has_overpriced_variant",
    )
    list_filter = (
        "status", "is_published", "county", ("category", admin.RelatedOnlyFieldListFilter),
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
    actions = ("approve_and_publish", "reject", "unpublish")
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
        return super().get_queryset(request).annotate(_overpriced=Exists(OVERPRICED_VARIANTS))

    @admin.display(description=gettext_lazy("price check"), ordering="_overpriced")
    def has_overpriced_variant(self, obj: Product) -> str:
        return overpriced_badge(obj._overpriced)  # type: ignore[attr-defined]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        if formset.model is ProductImage:
            self._save_images(form.instance, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_images(self, product: Product, formset) -> None:  # type: ignore[no-untyped-def]
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
                    product_image_delete(image=old)
                    formset.deleted_objects.append(old)
                continue
            data = image_form.cleaned_data
            position = data.get("position") or 0
            if old is None and "position" not in image_form.changed_data:
                position = len(formset.forms)  # a new image goes last unless placed
            upload = image_form.new_upload
            if upload is not None:
                image = product_image_add(product=product, upload=upload, alt=data.get("alt", ""))
                formset.new_objects.append(image)
                if old is not None:
                    product_image_delete(image=old)
                    formset.deleted_objects.append(old)
            elif old is not None:
                image = old
                if "alt" in image_form.changed_data:
                    image.save(update_fields=["alt"])
                if image_form.changed_data:
                    formset.changed_objects.append((image, image_form.changed_data))
            else:
                continue
            wanted.append((position, index, image.pk))
        if wanted:
            order = [pk for _pos, _idx, pk in sorted(wanted)]
            remaining = set(ProductImage.objects.filter(product=product).values_list("pk", flat=True))
            order += sorted(remaining - set(order))
            product_images_reorder(product=product, image_ids=order)

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        # Variants were just saved: recompute min_price, total_stock and search_text.
        product_refresh_summary(product=form.instance)

    @admin.action(description=gettext_lazy("Approve and publish the selected products"))
    def approve_and_publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda p: product_approve(product=p, publish=True),
            done_message=lambda n: ngettext(
                "%(count)d product approved and published.",
                "%(count)d products approved and published.", n,
            ) % {"count": n},
            log_message=_("Approved and published"),
        )

    @admin.action(description=gettext_lazy("Reject the selected products…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Product]) -> TemplateResponse | None:
        return reason_action(
            self, request, queryset,
            title=_("Reject products"),
            action=lambda p, reason: product_reject(product=p, reason=reason),
            done_message=lambda n: ngettext(
                "%(count)d product rejected.", "%(count)d products rejected.", n
            ) % {"count": n},
            log_message=_("Rejected"),
        )

    @admin.action(description=gettext_lazy("Unpublish the selected products"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        apply_per_row(
            self, request, queryset,
            action=lambda p: product_unpublish(product=p),
            done_message=lambda n: ngettext(
                "%(count)d product unpublished.", "%(count)d products unpublished.", n
            ) % {"count": n},
            log_message=_("Unpublished"),
        )

"""Forms of the supplier portal's listing pages. They check what a browser can get wrong and
offer only the supplier's own choices (townships and villages of its county, its own
certifications); the services validate everything again and their errors are put back on
these forms (``frontend.portal.access.apply_errors``)."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog import validators as v
from catalog.models import Category, ProductStatus
from shop.regions.models import Region, RegionLevel
from suppliers.models import Certification, Supplier

MAX_VARIANT_FORMS = 50
PRICE: dict[str, Any] = {
    "max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01"),
    "error_messages": {
        "min_value": _("The price must be above zero."),
        "max_digits": _("Enter a price of at most ¥9,999,999,999.99."),
        "max_whole_digits": _("Enter a price of at most ¥9,999,999,999.99."),
        "max_decimal_places": _("Enter the price in yuan with at most two decimal places (fen)."),
        "invalid": _("Enter a price such as 58 or 58.50."),
    },
}


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:
        return f"{obj.parent.name} / {obj.name}" if obj.parent is not None else obj.name


class CertificationChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Certification) -> str:
        label = f"{obj.get_kind_display()} · {obj.number}"
        return f"{label} · {obj.title}" if obj.title else label


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product name"), max_length=128)
    name_en = forms.CharField(label=_("English name"), max_length=128, required=False)
    category = CategoryChoiceField(
        label=_("Category"), queryset=Category.objects.none(), empty_label=_("Choose…")
    )
    summary = forms.CharField(
        label=_("Summary"), max_length=200, required=False,
        help_text=_("One line shown on the product card."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    township = forms.ModelChoiceField(
        label=_("Origin township"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    village = forms.TypedChoiceField(
        label=_("Origin village"), required=False, empty_value=None,
        help_text=_("Optional; choose a village of the township above."),
    )
    certifications = CertificationChoiceField(
        label=_("Certifications"), queryset=Certification.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    poor_households = forms.IntegerField(
        label=_("Registered poor households supported by this product"),
        min_value=0, max_value=v.MAX_POOR_HOUSEHOLDS, initial=0,
    )
    shelf_life_days = forms.IntegerField(
        label=_("Shelf life (days)"), min_value=1, max_value=v.MAX_SHELF_LIFE_DAYS, required=False
    )
    storage = forms.CharField(
        label=_("Storage"), max_length=128, required=False,
        help_text=_("For example: keep cool and dry."),
    )

    def __init__(self, *args: Any, supplier: Supplier, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(  # type: ignore[attr-defined]  # ModelChoiceFields
            "parent__position", "parent_id", "position", "id"
        )
        townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, parent_id=supplier.county_id)
        self.fields["township"].queryset = townships.order_by("code")  # type: ignore[attr-defined]
        villages = (
            Region.objects.filter(level=RegionLevel.VILLAGE, parent__parent_id=supplier.county_id)
            .select_related("parent")
            .order_by("parent_id", "code")
        )
        groups: dict[str, list[tuple[str, str]]] = {}
        self._villages: dict[str, Region] = {}
        for village in villages:
            groups.setdefault(village.parent.name, []).append((village.code, village.name))  # type: ignore[union-attr]  # a village has its township
            self._villages[village.code] = village
        self.fields["village"].choices = [("", _("— none —")), *groups.items()]  # type: ignore[attr-defined]
        self.fields["certifications"].queryset = Certification.objects.filter(supplier=supplier)  # type: ignore[attr-defined]

    def clean_village(self) -> Region | None:
        code = self.cleaned_data.get("village")
        return self._villages.get(code) if code else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what super().clean() returned (typed Optional)
        township, village = data.get("township"), data.get("village")
        if township and village and village.parent_id != township.pk:
            self.add_error("village", _("Choose a village of the chosen township."))
        return data

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``product_create`` / ``product_update``."""
        data = self.cleaned_data
        return {name: data.get(name) for name in self.fields} | {
            "certifications": list(data.get("certifications") or []),
        }

    @staticmethod
    def initial_for(product: Any) -> dict[str, Any]:
        return {
            "name": product.name, "name_en": product.name_en, "category": product.category_id,
            "summary": product.summary, "description": product.description,
            "township": product.township_id, "village": product.village_id or "",
            "certifications": [c.pk for c in product.certifications.all()],
            "poor_households": product.poor_households,
            "shelf_life_days": product.shelf_life_days, "storage": product.storage,
        }


class VariantForm(forms.Form):
    """One specification (SKU) row; ``id`` is empty for a new one."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    spec = forms.CharField(
        label=_("Specification"), max_length=64,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 5斤/箱")}),
    )
    unit = forms.CharField(
        label=_("Unit"), max_length=16, widget=forms.TextInput(attrs={"placeholder": _("e.g. 箱")})
    )
    price = forms.DecimalField(label=_("Price (¥)"), **PRICE)
    market_price = forms.DecimalField(label=_("Market price (¥)"), required=False, **PRICE)
    min_order_qty = forms.IntegerField(
        label=_("Minimum order"), min_value=1, max_value=v.MAX_MIN_ORDER_QTY, initial=1
    )
    stock = forms.IntegerField(label=_("Stock"), min_value=0, max_value=v.MAX_STOCK, initial=0)
    lead_time_days = forms.IntegerField(
        label=_("Lead time (days)"), min_value=0, max_value=v.MAX_LEAD_TIME_DAYS, initial=3
    )
    sku = forms.CharField(
        label=_("SKU"), max_length=64, required=False,
        help_text=_("Leave empty to have one made for you."),
    )
    archive = forms.BooleanField(label=_("Remove"), required=False)

    SERVICE_FIELDS = (
        "sku", "spec", "unit", "price", "market_price", "min_order_qty", "stock", "lead_time_days",
    )

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}

    @staticmethod
    def initial_for(variant: Any) -> dict[str, Any]:
        return {"id": variant.pk, **{name: getattr(variant, name) for name in VariantForm.SERVICE_FIELDS}}


VariantFormSet = forms.formset_factory(
    VariantForm, extra=1, max_num=MAX_VARIANT_FORMS, validate_max=True,
    absolute_max=MAX_VARIANT_FORMS + 10,
)


class ProductFilterForm(forms.Form):
    """The portal's product list filter (query string)."""

    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All statuses")), *ProductStatus.choices],
    )
    q = forms.CharField(label=_("Search by name or SKU"), required=False, max_length=64)

"""The product change form's variant rows, saved through the catalog services.

Staff edit specifications (price, market price, stock, minimum order, lead time…) in the
admin; the rows are validated by the same rules as the portal and the API
(``catalog.validators``), so a negative stock or a price of 1.234 is a field error on its
row, and saved by ``variant_create`` / ``variant_update`` / ``variant_archive``: the product
row is locked, then the variant, an audit row is written (``stock.update`` for a stock
change), and an approved product whose price now needs acceptance goes back to review.
Variants are never deleted (order lines keep pointing at them): unticking "active" archives
one, and an archived one cannot be made active again (add a new specification instead).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from catalog import validators as v
from catalog.models import Product, ProductVariant
from catalog.services.listings import variant_archive, variant_create, variant_update

SERVICE_FIELDS = ("sku", "spec", "unit", "price", "market_price", "min_order_qty", "stock", "lead_time_days", "position")
CREATE_FIELDS = tuple(f for f in SERVICE_FIELDS if f != "position")


def _value(value: Any) -> Any:
    """Form values as the services take them (text for money: never a float)."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def _put_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.error_list)


class VariantInlineFormSet(BaseInlineFormSet):
    """Validation with the services' rules on each changed row; saving through them
    (``save_through_services``, called by ``ProductAdmin.save_formset``)."""

    def _changes(self, form: Any) -> dict[str, Any]:
        names = SERVICE_FIELDS if form.instance.pk is None else [n for n in SERVICE_FIELDS if n in form.changed_data]
        return {name: _value(form.cleaned_data.get(name)) for name in names if name in form.cleaned_data}

    def clean(self) -> None:
        super().clean()
        stored = {
            variant.pk: variant
            for variant in ProductVariant.objects.filter(product_id=self.instance.pk).select_related("product")
        } if self.instance.pk else {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed():
                continue
            old = stored.get(form.instance.pk)
            if old is not None and not old.is_active and form.cleaned_data.get("is_active"):
                form.add_error("is_active", _("An archived specification stays archived; add a new one instead."))
                continue
            if old is not None and old.is_active and not form.cleaned_data.get("is_active", True):
                if self.instance.status == "approved" and not self._other_active(form):
                    form.add_error("is_active", _(
                        "An approved product needs at least one specification; archive the product instead."
                    ))
                    continue
            probe = old if old is not None else ProductVariant(product=self.instance if self.instance.pk else Product())
            fields = self._changes(form)
            if old is None:
                fields.pop("position", None)
            try:
                v.apply_variant_fields(probe, fields=fields)
            except ValidationError as exc:
                _put_errors(form, exc)

    def _other_active(self, archived: Any) -> bool:
        return any(
            f is not archived and hasattr(f, "cleaned_data") and f.cleaned_data.get("is_active", False)
            for f in self.forms
        )

    def save_through_services(self, *, actor: Any) -> None:
        product = self.instance
        self.new_objects, self.changed_objects, self.deleted_objects = [], [], []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.has_changed():
                continue
            fields = self._changes(form)
            if form.instance.pk is None:
                variant = variant_create(product=product, actor=actor, **{k: fields[k] for k in CREATE_FIELDS if k in fields})
                self.new_objects.append(variant)
                continue
            variant = ProductVariant.objects.get(pk=form.instance.pk)
            if fields and variant.is_active:
                variant = variant_update(variant=variant, actor=actor, **fields)
            if "is_active" in form.changed_data and not form.cleaned_data.get("is_active"):
                variant = variant_archive(variant=variant, actor=actor)
            self.changed_objects.append((variant, form.changed_data))

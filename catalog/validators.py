"""Input rules of the listing services (``catalog.services.listings``).

Each function either returns the clean value or raises ``ValidationError`` keyed by the field
name, with a code from ``CatalogErrorCode``; the caller may collect several fields' errors
before raising them together. Values may come straight from a form or an API (strings), so
nothing here trusts the type it is given.
"""

import re
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from catalog.errors import CatalogErrorCode
from catalog.models import Category, Product, ProductVariant
from shop.regions.models import Region, RegionLevel
from suppliers.models import Certification, Supplier

C = CatalogErrorCode
CENT = Decimal("0.01")
MAX_PRICE = Decimal("9999999999.99")  # MoneyField: 12 digits, 2 of them decimals
MAX_STOCK = 9_999_999
MAX_MIN_ORDER_QTY = 100_000
MAX_LEAD_TIME_DAYS = 365
MAX_POOR_HOUSEHOLDS = 1_000_000
MAX_SHELF_LIFE_DAYS = 3650
_WHOLE = re.compile(r"\s*\+?([0-9]{1,15})\s*")
_SKU = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
REQUIRED_CODES = {"blank", "null", "required"}


class Errors:
    """Collects field errors; ``raise_if_any`` raises them as one ``ValidationError``."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str, message: str, code: CatalogErrorCode) -> None:
        self.by_field.setdefault(field, []).append(ValidationError(message, code=code.value))

    def merge(self, exc: ValidationError) -> None:
        for field, errors in exc.error_dict.items():
            self.by_field.setdefault(field, []).extend(errors)

    def has(self, field: str) -> bool:
        return field in self.by_field

    def collect(self, field: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``parse``; on failure record its error under ``field`` and return None."""
        try:
            return parse(*args, **kwargs)
        except ValidationError as exc:
            self.by_field.setdefault(field, []).extend(exc.error_list)
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def full_clean_recoded(
    instance: models.Model, *, exclude: Iterable[str] = (), codes: dict[str, CatalogErrorCode] | None = None
) -> ValidationError | None:
    """``instance.full_clean()`` with Django's codes replaced by ours: ``required`` for a
    missing value, the field's own code from ``codes``, else ``invalid``. Returns the error
    (or None) instead of raising, so that it can be merged with other checks."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=False)
    except ValidationError as exc:
        recoded: dict[str, list[ValidationError]] = {}
        for field, errors in exc.error_dict.items():
            for error in errors:
                if error.code in REQUIRED_CODES:
                    code = C.REQUIRED
                else:
                    code = (codes or {}).get(field, C.INVALID)
                recoded.setdefault(field, []).append(ValidationError(error.messages[0], code=code.value))
        return ValidationError(recoded)
    return None


def clean_text(value: object, *, required: bool = False) -> str:
    """Stripped text; NUL characters (which PostgreSQL rejects) are refused."""
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise ValidationError(_("Remove the control characters."), code=C.INVALID.value)
    if required and not text:
        raise ValidationError(_("This field is required."), code=C.REQUIRED.value)
    return text


def parse_price(value: object, *, required: bool = True) -> Decimal | None:
    """A positive yuan amount with at most two decimal places (never a float)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_("Enter a price."), code=C.REQUIRED.value)
        return None
    if isinstance(value, (float, bool)):
        raise ValidationError(_("Enter a price such as 58 or 58.50."), code=C.INVALID_PRICE.value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("Enter a price such as 58 or 58.50."), code=C.INVALID_PRICE.value) from None
    if not amount.is_finite():
        raise ValidationError(_("Enter a price such as 58 or 58.50."), code=C.INVALID_PRICE.value)
    if amount <= 0:
        raise ValidationError(_("The price must be above zero."), code=C.PRICE_NOT_POSITIVE.value)
    if amount > MAX_PRICE:
        raise ValidationError(
            _("Enter a price of at most ¥9,999,999,999.99."), code=C.INVALID_PRICE.value
        )
    if amount.normalize().as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError(
            _("Enter the price in yuan with at most two decimal places (fen)."),
            code=C.INVALID_PRICE.value,
        )
    return amount.quantize(CENT)


def parse_whole(value: object, *, minimum: int, maximum: int, code: CatalogErrorCode) -> int:
    """A whole number between ``minimum`` and ``maximum`` from an int or a string of ASCII
    digits; fractions, booleans, floats and anything else are refused with ``code``."""
    number: int | None = None
    if isinstance(value, bool) or value is None:
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        number = int(value)
    elif isinstance(value, str):
        text = value.strip()
        match = _WHOLE.fullmatch(text)
        if match:
            number = int(match.group(1))
        elif text.startswith("-") and _WHOLE.fullmatch(text[1:]):
            number = -1  # any negative number is below every minimum we use
        elif re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", text):
            raise ValidationError(
                _("Enter a whole number, without decimals."), code=code.value
            )
        elif re.fullmatch(r"\+?[0-9]{16,}", text):
            number = maximum + 1
    if number is None:
        raise ValidationError(_("Enter a whole number."), code=code.value)
    if number < minimum:
        raise ValidationError(
            _("Enter a number of at least %(min)s.") % {"min": minimum}, code=code.value
        )
    if number > maximum:
        raise ValidationError(
            _("Enter a number of at most %(max)s.") % {"max": f"{maximum:,}"}, code=code.value
        )
    return number


def parse_stock(value: object) -> int:
    return parse_whole(value, minimum=0, maximum=MAX_STOCK, code=C.INVALID_STOCK)


def parse_sku(value: object) -> str:
    sku = clean_text(value)
    if sku and (len(sku) > 64 or not _SKU.fullmatch(sku)):
        raise ValidationError(
            _("Use at most 64 letters, digits, dots, hyphens or underscores."), code=C.INVALID.value
        )
    return sku


def check_origin(
    errors: Errors, *, supplier: Supplier, township: Region | None, village: Region | None
) -> None:
    """The township is in the supplier's county (one of the supply counties); the village,
    if any, is in the township."""
    if township is None:
        errors.add("township", _("Choose the township the product comes from."), C.REQUIRED)
        return
    in_supply_county = Region.objects.supply_counties().filter(code=township.parent_id).exists()
    if (
        township.level != RegionLevel.TOWNSHIP
        or not in_supply_county
        or township.parent_id != supplier.county_id
    ):
        errors.add(
            "township",
            _("Choose a township of your county (%(county)s).") % {"county": supplier.county.name},
            C.INVALID_REGION,
        )
        return
    if village is not None and (village.level != RegionLevel.VILLAGE or village.parent_id != township.pk):
        errors.add("village", _("Choose a village of the chosen township."), C.INVALID_REGION)


def check_certifications(errors: Errors, *, supplier: Supplier, certifications: Iterable[Any]) -> list[int]:
    """Ids of the given certifications (objects or ids), all of which must be the supplier's."""
    wanted: set[int] = set()
    for item in certifications or ():
        pk = item.pk if isinstance(item, Certification) else item
        try:
            number = int(pk)
        except (TypeError, ValueError):
            number = 0
        if not 0 < number < 2**31:
            errors.add("certifications", _("Choose certifications from your own list."), C.INVALID_CERTIFICATION)
            return []
        wanted.add(number)
    if not wanted:
        return []
    own = set(
        Certification.objects.filter(supplier=supplier, pk__in=wanted).values_list("pk", flat=True)
    )
    if own != wanted:
        errors.add("certifications", _("Choose certifications from your own list."), C.INVALID_CERTIFICATION)
        return []
    return sorted(wanted)


def apply_product_fields(product: Product, *, fields: Mapping[str, Any]) -> list[int] | None:
    """Validate ``fields`` and set them on ``product`` (all errors at once). Returns the
    certification ids to set, or None when ``fields`` does not name them."""
    errors = Errors()
    for name in ("name", "name_en", "summary", "description", "storage"):
        if name in fields:
            value = errors.collect(name, clean_text, fields[name], required=name == "name")
            setattr(product, name, value or "")
    if "category" in fields:
        category = fields["category"]
        if isinstance(category, Category):
            product.category = category
        else:
            code = C.REQUIRED if category in (None, "") else C.INVALID_CATEGORY
            errors.add("category", _("Choose a category."), code)
    if "poor_households" in fields:
        product.poor_households = errors.collect(
            "poor_households", parse_whole, fields["poor_households"],
            minimum=0, maximum=MAX_POOR_HOUSEHOLDS, code=C.INVALID_QUANTITY,
        ) or 0
    if "shelf_life_days" in fields:
        raw = fields["shelf_life_days"]
        product.shelf_life_days = None if raw in (None, "") else errors.collect(
            "shelf_life_days", parse_whole, raw,
            minimum=1, maximum=MAX_SHELF_LIFE_DAYS, code=C.INVALID_QUANTITY,
        )
    if {"township", "village"} & set(fields):
        township = fields.get("township", product.township if product.township_id else None)
        village = fields.get("village", product.village if product.village_id else None)
        if not isinstance(township, (Region, type(None))) or not isinstance(village, (Region, type(None))):
            errors.add("township", _("Choose a township of your county."), C.INVALID_REGION)
        else:
            check_origin(errors, supplier=product.supplier, township=township, village=village)
            # check_origin() refuses a missing township
            if township is not None and not errors.has("township") and not errors.has("village"):
                product.township, product.village = township, village
                product.county_id = township.parent_id  # type: ignore[assignment]  # a township has its county
    cert_ids = None
    if "certifications" in fields:
        cert_ids = check_certifications(errors, supplier=product.supplier, certifications=fields["certifications"])
    exclude = ["supplier", "category", "county", "township", "village", *errors.by_field]
    invalid = full_clean_recoded(product, exclude=exclude)
    if invalid is not None:
        errors.merge(invalid)
    errors.raise_if_any()
    return cert_ids


def apply_variant_fields(variant: ProductVariant, *, fields: Mapping[str, Any]) -> None:
    """Validate ``fields`` and set them on ``variant`` (all errors at once); an empty SKU
    on a new variant is generated."""
    errors = Errors()
    for name in ("spec", "unit"):
        if name in fields:
            setattr(variant, name, errors.collect(name, clean_text, fields[name], required=True) or "")
    if "sku" in fields:
        sku = errors.collect("sku", parse_sku, fields["sku"])
        if sku == "" and not variant.sku:
            sku = f"{variant.product.supplier_id}-{secrets.token_hex(4).upper()}"
        if sku:
            if ProductVariant.objects.filter(sku=sku).exclude(pk=variant.pk).exists():
                errors.add("sku", duplicate_sku_message(), C.DUPLICATE_SKU)
            variant.sku = sku
    if "price" in fields:
        variant.price = errors.collect("price", parse_price, fields["price"])
    if "market_price" in fields:
        variant.market_price = errors.collect("market_price", parse_price, fields["market_price"], required=False)
    limits = {
        "min_order_qty": (1, MAX_MIN_ORDER_QTY, C.INVALID_QUANTITY),
        "stock": (0, MAX_STOCK, C.INVALID_STOCK),
        "lead_time_days": (0, MAX_LEAD_TIME_DAYS, C.INVALID_QUANTITY),
        "position": (0, 32767, C.INVALID),
    }
    for name, (low, high, code) in limits.items():
        if name in fields:
            value = errors.collect(name, parse_whole, fields[name], minimum=low, maximum=high, code=code)
            setattr(variant, name, low if value is None else value)
    invalid = full_clean_recoded(
        variant, exclude=["product", *errors.by_field],
        codes={"price": C.INVALID_PRICE, "market_price": C.INVALID_PRICE, "stock": C.INVALID_STOCK},
    )
    if invalid is not None:
        errors.merge(invalid)
    errors.raise_if_any()


def duplicate_sku_message() -> str:
    return _("This SKU is already used; choose another or leave it empty.")

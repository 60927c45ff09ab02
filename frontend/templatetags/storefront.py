"""Template helpers for the storefront: money, localized names, responsive images, product grids."""

from datetime import date
from decimal import Decimal
from typing import Any

from django import template
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import get_language

from frontend.page_cache import product_cards as _product_cards
from shop.common.money import format_yuan, yuan_to_fen
from shop.regions.selectors import region_reference

register = template.Library()


@register.filter
def yuan(amount: Decimal | None) -> str:
    """A Decimal yuan amount as ¥1,234.50 (empty for ``None``)."""
    if amount is None or amount == "":
        return ""
    return format_yuan(yuan_to_fen(Decimal(amount)))


@register.filter
def fen(amount: int | None) -> str:
    """An integer fen amount as ¥1,234.50."""
    return format_yuan(int(amount or 0))


@register.filter
def lname(obj: Any) -> str:
    """The object's English name when the page is in English and one exists, else its name."""
    if obj is None:
        return ""
    language = (get_language() or "").lower()
    if language.startswith("en"):
        english = getattr(obj, "name_en", "")
        if english:
            return english
    return getattr(obj, "display_name", None) or getattr(obj, "name", "") or str(obj)


@register.filter
def srcset(image: Any) -> str:
    """``srcset`` for a ProductImage from its stored thumbnails (empty when there are none)."""
    thumbs = getattr(image, "thumbnails", None) or {}
    parts = [f"{default_storage.url(thumbs[key])} {int(key)}w" for key in sorted(thumbs, key=int)]
    if parts and image.image and image.width:
        parts.append(f"{image.image.url} {image.width}w")
    return ", ".join(parts)


@register.filter
def expired(valid_until: date | None) -> bool:
    return valid_until is not None and valid_until < timezone.localdate()


@register.simple_tag
def nav_counties() -> list[Any]:
    """The supply counties for the header navigation (the process's region reference: no
    query)."""
    return region_reference().supply_counties()


@register.filter
def thumb(image: Any, size: int | str) -> str:
    """URL of the image's thumbnail at least ``size`` pixels wide (or of the original)."""
    if image is None:
        return ""
    return image.thumbnail_url(int(size))


@register.simple_tag
def product_cards(products: Any) -> str:
    """``{% product_cards products %}``: the grid's ``<li>`` cards, each kept in the shared
    cache under what it shows (``frontend.page_cache.product_cards``)."""
    return _product_cards(products)

"""Cart and checkout pages. Prices and totals always come from ``cart_view`` (the
variants now); nothing the browser sends is taken as a price."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from catalog.models import ProductVariant
from catalog.selectors import product_detail
from frontend.buying.access import apply_errors, buyer_view
from frontend.buying.forms import FUNDING_DEFAULT, CartLineForm, CheckoutForm
from frontend.once import once_claim, once_release
from orders.models import Order
from orders.selectors.cart import cart_view
from orders.services.cart import cart_for, cart_line_add, cart_line_remove, cart_line_update
from orders.services.checkout import order_place
from orders.services.invoices import INVOICE_FIELDS
from orders.services.lifecycle import new_idempotency_key
from shop.accounts.http import request_user
from shop.accounts.models import DeliveryAddress, MemberRole
from shop.accounts.selectors import invoice_profile_initial
from shop.accounts.services import organization_invoice_update


def _cart(request: HttpRequest):
    buyer = request.buyer  # type: ignore[attr-defined]
    return cart_view(cart=cart_for(user=request_user(request), organization=buyer.organization))


def _render_cart(request: HttpRequest, *, error_variant: str = "", error_text: str = "", status: int = 200) -> HttpResponse:
    view = _cart(request)
    return render(
        request, "frontend/buying/cart.html",
        {
            "buyer": request.buyer, "cart": view, "groups": view.by_supplier(),  # type: ignore[attr-defined]
            "error_variant": error_variant, "error_text": error_text,
        },
        status=status,
    )


@require_safe
@buyer_view
def cart(request: HttpRequest) -> HttpResponse:
    return _render_cart(request)


def _product_page_with_errors(request: HttpRequest, form: CartLineForm) -> HttpResponse:
    """The product page again, the refused quantity and its message next to its variant
    (400). When the variant is unknown, a short page with the message."""
    raw = str(request.POST.get("variant", ""))
    variant = (
        ProductVariant.objects.select_related("product").filter(pk=int(raw)).first()
        if raw.isdigit() and len(raw) < 10 else None
    )
    product = product_detail(slug=variant.product.slug) if variant is not None else None
    if product is None or variant is None:  # no product without a variant
        return render(request, "frontend/buying/add_error.html", {"form": form}, status=400)
    prices = [v.price for v in product.active_variants]
    return render(
        request, "frontend/product.html",
        {
            "product": product, "images": product.ordered_images,
            "main_image": product.ordered_images[0] if product.ordered_images else None,
            "variants": product.active_variants,
            "price_low": min(prices) if prices else None, "price_high": max(prices) if prices else None,
            "certifications": list(product.certifications.all()),
            "cart_form": form, "cart_variant": variant.pk,
        },
        status=400,
    )


@require_POST
@buyer_view
def cart_add(request: HttpRequest) -> HttpResponse:
    """From the product page. Success: back to the page with a message. Refused: the page
    again with the message on the quantity, 400, cart unchanged."""
    form = CartLineForm(request.POST)
    back = str(request.POST.get("next", ""))
    if not form.is_valid():
        return _product_page_with_errors(request, form)
    if not once_claim(request):  # a double click: the first POST already added it
        return redirect(_safe_next(request, back))
    try:
        line = cart_line_add(
            user=request_user(request), organization=request.buyer.organization,  # type: ignore[attr-defined]
            variant_id=form.cleaned_data["variant"], quantity=form.cleaned_data["quantity"],
        )
    except ValidationError as exc:
        once_release(request)
        apply_errors(form, exc)
        return _product_page_with_errors(request, form)
    messages.success(
        request,
        _("Added to your cart: %(name)s (%(spec)s), now %(qty)s %(unit)s.")
        % {"name": line.variant.product.name, "spec": line.variant.spec, "qty": line.quantity, "unit": line.variant.unit},
    )
    return redirect(_safe_next(request, back))


def _safe_next(request: HttpRequest, url: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse("frontend:cart")


@require_POST
@buyer_view
def cart_update(request: HttpRequest) -> HttpResponse:
    """Set a line's quantity (setting it again is harmless)."""
    form = CartLineForm(request.POST)
    variant = str(request.POST.get("variant", ""))
    if form.is_valid():
        try:
            cart_line_update(
                user=request_user(request), organization=request.buyer.organization,  # type: ignore[attr-defined]
                variant_id=form.cleaned_data["variant"], quantity=form.cleaned_data["quantity"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Quantity changed."))
            return redirect("frontend:cart")
    text = " ".join(str(m) for field_errors in form.errors.values() for m in field_errors)
    if not any(line.variant.pk == _int(variant) for line in _cart(request).lines):
        messages.error(request, text)  # not a line of this cart: say it on top
        variant = ""
    return _render_cart(request, error_variant=variant, error_text=text, status=400)


def _int(raw: str) -> int:
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


@require_POST
@buyer_view
def cart_remove(request: HttpRequest) -> HttpResponse:
    """Idempotent: removing a line twice is harmless."""
    cart_line_remove(
        user=request_user(request), organization=request.buyer.organization,  # type: ignore[attr-defined]
        variant_id=request.POST.get("variant", ""),
    )
    messages.success(request, _("Removed from your cart."))
    return redirect("frontend:cart")


@require_http_methods(["GET", "HEAD", "POST"])
@buyer_view
def checkout(request: HttpRequest) -> HttpResponse:
    """The idempotency key is made when the form is rendered: posting the same form twice
    (a double click, a reload) returns the first order instead of placing a second."""
    organization = request.buyer.organization  # type: ignore[attr-defined]
    addresses = list(DeliveryAddress.objects.filter(organization=organization).order_by("-is_default", "id"))
    status = 200
    if request.method == "POST":
        form = CheckoutForm(request.POST, addresses=addresses)
        if form.is_valid():
            data = form.cleaned_data
            invoice = {name: data[name] for name in INVOICE_FIELDS} if data["invoice_type"] else None
            try:
                order = order_place(
                    user=request_user(request), organization=organization, address_id=data["address"],
                    funding_channel=data["funding_channel"], idempotency_key=data["idempotency_key"],
                    invoice_title=data["invoice_title"], tax_number=data["tax_number"], note=data["note"],
                    invoice=invoice,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Order %(number)s placed.") % {"number": order.number})
                if invoice is not None and data["save_invoice_default"] and _is_admin(request):
                    _save_invoice_default(request, order)
                return redirect("frontend:order", pk=order.pk)
        status = 400
        if form.has_error("idempotency_key"):
            form = _with_fresh_key(form, addresses)
    else:
        default = next((a for a in addresses if a.is_default), addresses[0] if addresses else None)
        form = CheckoutForm(
            addresses=addresses,
            initial={
                "address": str(default.pk) if default else "",
                **invoice_profile_initial(organization=organization),
                "funding_channel": FUNDING_DEFAULT, "idempotency_key": new_idempotency_key(),
            },
        )
    view = _cart(request)
    if request.method != "POST" and not view.lines:
        messages.info(request, _("Your cart is empty."))
        return redirect("frontend:cart")
    return render(
        request, "frontend/buying/checkout.html",
        {"buyer": request.buyer, "form": form, "cart": view, "groups": view.by_supplier(), "addresses": addresses,  # type: ignore[attr-defined]
         "can_save_invoice_default": _is_admin(request)},
        status=status,
    )


def _is_admin(request: HttpRequest) -> bool:
    return request.buyer.role == MemberRole.ADMIN  # type: ignore[attr-defined]


def _save_invoice_default(request: HttpRequest, order: Order) -> None:
    """The order is placed either way; a profile that cannot be saved is said, not fatal."""
    try:
        organization_invoice_update(
            organization=request.buyer.organization, actor=request_user(request),  # type: ignore[attr-defined]
            **{name: getattr(order, name) for name in INVOICE_FIELDS},
        )
    except ValidationError as exc:
        messages.warning(request, _("The invoice details were not saved as the organization's default: %(reason)s")
                         % {"reason": " ".join(exc.messages)})
    else:
        messages.success(request, _("These invoice details are now the organization's default."))


def _with_fresh_key(form: CheckoutForm, addresses: list) -> CheckoutForm:
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict
    data["idempotency_key"] = new_idempotency_key()
    fresh = CheckoutForm(data, addresses=addresses)
    fresh.is_valid()
    for field, errors in form.errors.items():
        if field != "idempotency_key":
            for message in errors:
                if message not in fresh.errors.get(field, []):
                    fresh.add_error(field if field != "__all__" else None, message)
    for message in form.errors.get("idempotency_key", []):
        fresh.add_error(None, message)
    return fresh

"""再来一单: a member puts a past order's still-available items into the cart again."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.buying.access import buyer_view, member_order_or_404
from frontend.once import once_claim
from orders.services.reorder import order_reorder as order_reorder_service
from shop.accounts.http import request_user


@require_POST
@buyer_view
def order_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    order = member_order_or_404(request, pk)
    if order.organization_id != request.buyer.organization_id:  # type: ignore[attr-defined]
        # Bought through another organization: switch to it first (its cart is another cart).
        messages.error(request, _("Switch to the organization that placed this order to order it again."))
        return redirect("frontend:order", pk=order.pk)
    if not once_claim(request):  # a double click: the first POST already added the items
        return redirect("frontend:cart")
    try:
        result = order_reorder_service(user=request_user(request), organization=request.buyer.organization, order=order)  # type: ignore[attr-defined]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("frontend:order", pk=order.pk)
    if result.added:
        messages.success(
            request, _("Added to your cart at today's prices: %(items)s.") % {"items": "、".join(result.added)}
        )
    for label, reason in result.skipped:
        messages.warning(request, _("Not added: %(item)s — %(reason)s") % {"item": label, "reason": reason})
    return redirect("frontend:cart")


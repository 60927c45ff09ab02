"""Checkout, payment, the order list and detail pages, approval, cancellation, acceptance."""

import pytest

from orders.models import CartLine, FulfilmentStatus, Order, OrderStatus
from orders.services.fulfilment import fulfilment_ship
from orders.services.payments import order_mark_paid
from tests.frontend.buying_world import (  # noqa: F401
    checkout_key,
    count_queries,
    key,
    login,
    more_variants,
    place,
    world_fixture,
)

pytestmark = pytest.mark.django_db


def fill_cart(client, items) -> None:
    for variant, qty in items:
        assert client.post("/cart/add/", {"variant": variant.pk, "quantity": str(qty)}).status_code == 302


def checkout_data(world, html: str, **extra) -> dict:
    data = {
        "address": world.address_a.pk, "invoice_title": world.org_a.invoice_title,
        "tax_number": world.org_a.tax_number, "funding_channel": "union", "note": "请上午送到",
        "idempotency_key": checkout_key(html),
    }
    data.update(extra)
    return data


def test_checkout_form_is_prefilled_from_the_organization(client, world):
    login(client, world.purchaser_a)
    fill_cart(client, [(world.variant_a, 2)])
    response = client.get("/checkout/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{world.address_a.pk}"' in html and "checked" in html
    assert f'value="{world.org_a.invoice_title}"' in html
    assert f'value="{world.org_a.tax_number}"' in html
    assert '<strong class="price" id="checkout-total">¥176.00</strong>' in html


def test_empty_cart_checkout_goes_back_to_the_cart(client, world):
    login(client, world.purchaser_a)
    assert client.get("/checkout/").url == "/cart/"


def test_double_submit_places_one_order_with_exact_totals(client, world):
    login(client, world.purchaser_a)
    fill_cart(client, [(world.variant_a, 2), (world.variant_b, 3)])
    data = checkout_data(world, client.get("/checkout/").content.decode(), price="0.01", total_fen="1")
    first = client.post("/checkout/", data)
    second = client.post("/checkout/", data)
    order = Order.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == f"/orders/{order.pk}/"
    assert order.total_fen == 2 * 8800 + 3 * 4550 == 31250
    assert order.funding_channel == "union" and order.note == "请上午送到"
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert CartLine.objects.count() == 0
    world.variant_a.refresh_from_db()
    assert (world.variant_a.stock, world.variant_a.reserved) == (48, 2)
    html = client.get(first.url).content.decode()
    assert '<strong class="price" id="order-total">¥312.50</strong>' in html
    assert "¥176.00" in html and "¥136.50" in html  # the two suppliers' subtotals
    assert order.payment_reference in html


def test_checkout_errors_rerender_the_form_with_400(client, world):
    login(client, world.purchaser_a)
    fill_cart(client, [(world.variant_a, 5)])
    html = client.get("/checkout/").content.decode()
    bad = client.post("/checkout/", checkout_data(
        world, html, address=world.address_b.pk, funding_channel="casino", tax_number="bad!",
    ))
    assert bad.status_code == 400
    body = bad.content.decode()
    assert 'id="id_address_error"' in body and 'id="id_funding_channel_error"' in body
    assert 'id="id_tax_number_error"' in body
    world.variant_a.stock = 3
    world.variant_a.save(update_fields=["stock"])
    short = client.post("/checkout/", checkout_data(world, html))
    assert short.status_code == 400
    body = short.content.decode()
    assert "库存不足" in body or "Insufficient stock" in body
    assert Order.objects.count() == 0
    assert CartLine.objects.count() == 1


def test_a_bad_idempotency_key_gets_a_fresh_one(client, world):
    login(client, world.purchaser_a)
    fill_cart(client, [(world.variant_a, 1)])
    response = client.post("/checkout/", checkout_data(world, 'name="idempotency_key" value="x"'))
    assert response.status_code == 400
    assert checkout_key(response.content.decode()) != "x"
    assert Order.objects.count() == 0


def test_order_list_filters_and_shows_only_my_organization(client, world):
    mine = place(world)
    theirs = place(world, user=world.purchaser_b, organization=world.org_b)
    login(client, world.purchaser_a)
    html = client.get("/orders/").content.decode()
    assert mine.number in html and theirs.number not in html
    assert mine.number not in client.get("/orders/?status=paid").content.decode()
    assert mine.number in client.get("/orders/?status=awaiting_payment").content.decode()
    assert client.get("/orders/?status=bogus").status_code == 400
    assert client.get("/orders/?page=abc").status_code == 200


@pytest.mark.parametrize("suffix", ["", "pay/", "print/", "pay/return/"])
def test_another_organizations_order_is_404(client, world, suffix):
    theirs = place(world, user=world.purchaser_b, organization=world.org_b)
    login(client, world.purchaser_a)
    assert client.get(f"/orders/{theirs.pk}/{suffix}").status_code == 404
    assert client.get(f"/orders/99999999/{suffix}").status_code == 404


@pytest.mark.parametrize("action", ["approve", "reject", "cancel", "accept", "pay/card"])
def test_actions_on_another_organizations_order_are_404(client, world, action):
    theirs = place(world, user=world.purchaser_b, organization=world.org_b)
    login(client, world.approver_a)
    response = client.post(f"/orders/{theirs.pk}/{action}/", {"reject-reason": "x", "cancel-reason": "x", "accept-rating": "5"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.AWAITING_PAYMENT


def test_approver_flow_through_the_pages(client, world):
    login(client, world.purchaser_a)
    fill_cart(client, [(world.variant_a, 12)])  # ¥1,056 > threshold ¥1,000
    response = client.post("/checkout/", checkout_data(world, client.get("/checkout/").content.decode()))
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_APPROVAL
    html = client.get(response.url).content.decode()
    assert f'action="/orders/{order.pk}/approve/"' not in html  # a purchaser cannot approve
    assert f'href="/orders/{order.pk}/pay/"' not in html
    refused = client.post(f"/orders/{order.pk}/approve/")
    assert refused.status_code == 400 and 'id="action-error"' in refused.content.decode()
    client.logout()

    login(client, world.approver_a)
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert f'action="/orders/{order.pk}/approve/"' in html
    assert client.post(f"/orders/{order.pk}/approve/").status_code == 302
    assert client.post(f"/orders/{order.pk}/approve/").status_code == 302  # double post: harmless
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.approved_by == world.approver_a
    assert order.events.filter(kind="approved").count() == 1
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert world.approver_a.username in html  # timeline: who approved
    pay = client.get(f"/orders/{order.pk}/pay/").content.decode()
    assert order.payment_reference in pay and "¥1,056.00" in pay
    assert "js.stripe.com" not in pay  # card payment hidden without Stripe keys


def test_reject_needs_a_reason_and_releases_stock(client, world):
    order = place(world, items=[(world.variant_a, 12)])
    login(client, world.approver_a)
    empty = client.post(f"/orders/{order.pk}/reject/", {"reject-reason": "  "})
    assert empty.status_code == 400 and 'id="id_reject-reason_error"' in empty.content.decode()
    assert client.post(f"/orders/{order.pk}/reject/", {"reject-reason": "超出预算"}).status_code == 302
    order.refresh_from_db()
    world.variant_a.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.cancel_reason == "超出预算"
    assert (world.variant_a.stock, world.variant_a.reserved) == (50, 0)
    assert "超出预算" in client.get(f"/orders/{order.pk}/").content.decode()


def test_purchaser_cancels_an_unpaid_order(client, world):
    order = place(world)
    login(client, world.purchaser_a)
    assert f'action="/orders/{order.pk}/cancel/"' in client.get(f"/orders/{order.pk}/").content.decode()
    assert client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "下错单了"}).status_code == 302
    assert client.post(f"/orders/{order.pk}/cancel/", {"cancel-reason": "下错单了"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.events.filter(kind="cancelled").count() == 1
    world.variant_b.refresh_from_db()
    assert world.variant_b.stock == 50
    pay = client.get(f"/orders/{order.pk}/pay/").content.decode()
    assert order.payment_reference not in pay  # no transfer instructions for a cancelled order


def test_the_return_page_never_marks_the_order_paid(client, world):
    order = place(world)
    login(client, world.purchaser_a)
    response = client.get(f"/orders/{order.pk}/pay/return/?payment_intent=pi_fake&redirect_status=succeeded")
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.paid_fen == 0


def test_card_payment_is_refused_without_stripe_keys(client, world, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    order = place(world)
    login(client, world.purchaser_a)
    assert client.post(f"/orders/{order.pk}/pay/card/").status_code == 400
    assert not order.payments.exists()


def test_accept_delivery_with_a_rating(client, world):
    order = place(world)
    order_mark_paid(order_id=order.pk, method="bank_transfer", amount_fen=order.total_fen, actor=world.staff)
    part = order.fulfilments.get(supplier=world.supplier_a)
    login(client, world.purchaser_a)
    early = client.post(f"/orders/{order.pk}/accept/", {"accept-fulfilment": part.pk, "accept-rating": "5"})
    assert early.status_code == 400  # not shipped yet
    fulfilment_ship(actor=world.owner_a, fulfilment=part, carrier="顺丰", tracking_number="SF123456")
    html = client.get(f"/orders/{order.pk}/").content.decode()
    assert "SF123456" in html and f'id="accept-{part.pk}"' in html
    bad = client.post(f"/orders/{order.pk}/accept/", {"accept-fulfilment": part.pk, "accept-rating": "7"})
    assert bad.status_code == 400 and f'id="accept-{part.pk}-error"' in bad.content.decode()
    ok = client.post(f"/orders/{order.pk}/accept/", {"accept-fulfilment": part.pk, "accept-rating": "4", "accept-comment": "新鲜"})
    assert ok.status_code == 302
    part.refresh_from_db()
    assert (part.status, part.rating, part.comment) == (FulfilmentStatus.ACCEPTED, 4, "新鲜")


def test_print_sheet_has_organization_invoice_lines_and_total(client, world):
    order = place(world)
    login(client, world.purchaser_a)
    html = client.get(f"/orders/{order.pk}/print/").content.decode()
    for text in (world.org_a.name, world.org_a.tax_number, "龙川山茶油", "都安山羊肉", "¥312.50", order.number):
        assert text in html
    assert "page-order-sheet" in html


def test_order_pages_query_counts_do_not_grow(client, world):
    login(client, world.purchaser_a)
    extra = more_variants(world, 3)
    small_order = place(world, items=[(world.variant_a, 1)])
    small = [count_queries(client, f"/orders/{small_order.pk}/{s}") for s in ("", "print/")]
    small_list = count_queries(client, "/orders/")
    big_order = place(world, items=[(world.variant_a, 1), (world.variant_b, 1), *[(v, 1) for v in extra]])
    assert big_order.lines.count() == 5
    for _ in range(4):
        place(world, items=[(world.variant_b, 1)])
    assert [count_queries(client, f"/orders/{big_order.pk}/{s}") for s in ("", "print/")] == small
    assert count_queries(client, "/orders/") == small_list

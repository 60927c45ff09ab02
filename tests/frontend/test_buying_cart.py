"""Cart pages: adding from the product page, changing and removing lines, tampering."""

import pytest

from orders.models import CartLine
from tests.frontend.buying_world import count_queries, login, more_variants, once_of, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def lines(world):
    return {line.variant_id: line.quantity for line in CartLine.objects.filter(cart__user=world.purchaser_a)}


def product_url(variant) -> str:
    return f"/products/{variant.product.slug}/"


def test_product_page_has_an_add_to_cart_form_with_the_minimum_order(client, world):
    world.variant_a.min_order_qty = 3
    world.variant_a.save(update_fields=["min_order_qty"])
    login(client, world.purchaser_a)
    html = client.get(product_url(world.variant_a)).content.decode()
    assert 'action="/cart/add/"' in html
    assert f'id="qty-{world.variant_a.pk}" name="quantity" type="number" inputmode="numeric" min="3"' in html
    assert "3 瓶" in html  # minimum order column


def test_anonymous_visitor_is_asked_to_log_in_to_order(client, world):
    html = client.get(product_url(world.variant_a)).content.decode()
    assert 'action="/cart/add/"' not in html
    assert "/accounts/login/?next=" in html


def test_add_to_cart_redirects_back_with_a_message_and_header_count(client, world):
    login(client, world.purchaser_a)
    page = client.get(product_url(world.variant_a)).content.decode()
    response = client.post("/cart/add/", {
        "variant": world.variant_a.pk, "quantity": "2", "next": product_url(world.variant_a),
        "once": once_of(page, world.variant_a.pk),
    }, follow=True)
    assert response.redirect_chain[-1] == (product_url(world.variant_a), 302)
    html = response.content.decode()
    assert "已加入购物车" in html or "Added to your cart" in html
    assert '<span class="cart-count" id="cart-count">1</span>' in html
    assert lines(world) == {world.variant_a.pk: 2}


def test_a_double_click_on_add_adds_once(client, world):
    login(client, world.purchaser_a)
    data = {"variant": world.variant_a.pk, "quantity": "2", "once": "token-abc-123"}
    assert client.post("/cart/add/", data).status_code == 302
    assert client.post("/cart/add/", data).status_code == 302
    assert lines(world) == {world.variant_a.pk: 2}
    data["once"] = "token-abc-456"  # a new form: adds again
    client.post("/cart/add/", data)
    assert lines(world) == {world.variant_a.pk: 4}


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "The quantity must be at least 1."),
        ("-5", "Enter a whole number."),
        ("1.5", "Enter a whole number."),
        (str(10**12), "Enter a whole number."),
        ("abc", "Enter a whole number."),
        ("", "This field is required."),
        ("2", "The minimum order for this item is 5."),
        ("51", "Only 50 left in stock."),
    ],
)
def test_bad_quantities_are_refused_with_a_field_message(client, world, quantity, message):
    world.variant_a.min_order_qty = 5 if quantity == "2" else 1
    world.variant_a.save(update_fields=["min_order_qty"])
    client.cookies["django_language"] = "en"
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_b.pk, "quantity": "1"})
    before = lines(world)
    response = client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": quantity, "once": f"t-{quantity}"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html  # the page is in English (language cookie)
    assert f'id="qty-error-{world.variant_a.pk}"' in html  # next to its specification
    assert 'aria-invalid="true"' in html
    assert lines(world) == before


def test_unknown_variant_is_a_400_not_a_500(client, world):
    login(client, world.purchaser_a)
    for variant in ("999999", "abc", "", "1" * 30):
        response = client.post("/cart/add/", {"variant": variant, "quantity": "1"})
        assert response.status_code == 400
    assert lines(world) == {}


def test_injected_price_fields_are_ignored(client, world):
    login(client, world.purchaser_a)
    client.post("/cart/add/", {
        "variant": world.variant_a.pk, "quantity": "2", "price": "0.01", "unit_price_fen": "1",
        "total": "0.02", "total_fen": "2",
    })
    html = client.get("/cart/").content.decode()
    assert '<strong class="price" id="cart-total">¥176.00</strong>' in html
    assert "¥0.01" not in html


def test_cart_groups_by_supplier_with_current_prices_and_totals(client, world):
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "2"})
    client.post("/cart/add/", {"variant": world.variant_b.pk, "quantity": "3"})
    world.variant_b.price = "46.00"  # price changed since it was added: the cart shows the new one
    world.variant_b.save(update_fields=["price"])
    html = client.get("/cart/").content.decode()
    assert world.supplier_a.display_name in html and world.supplier_b.display_name in html
    assert "¥138.00" in html  # 3 × 46.00
    assert '<strong class="price" id="cart-total">¥314.00</strong>' in html


def test_change_quantity_and_remove(client, world):
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "2"})
    assert client.post("/cart/update/", {"variant": world.variant_a.pk, "quantity": "7"}).status_code == 302
    assert lines(world) == {world.variant_a.pk: 7}
    response = client.post("/cart/update/", {"variant": world.variant_a.pk, "quantity": "1.5"})
    assert response.status_code == 400
    assert f'id="qty-error-{world.variant_a.pk}"' in response.content.decode()
    assert client.post("/cart/update/", {"variant": world.variant_a.pk, "quantity": "500"}).status_code == 400
    assert lines(world) == {world.variant_a.pk: 7}
    assert client.post("/cart/remove/", {"variant": world.variant_a.pk}).status_code == 302
    assert client.post("/cart/remove/", {"variant": world.variant_a.pk}).status_code == 302  # twice: harmless
    assert lines(world) == {}


def test_line_problems_are_shown_and_block_checkout(client, world):
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "10"})
    world.variant_a.stock = 4
    world.variant_a.save(update_fields=["stock"])
    html = client.get("/cart/").content.decode()
    assert "仅剩 4" in html or "Only 4 left in stock." in html
    assert 'href="/checkout/"' not in html


def test_cart_survives_logout_and_login(client, world):
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "2"})
    client.post("/accounts/logout/")
    assert client.get("/cart/").status_code == 302  # login required
    login(client, world.purchaser_a)
    html = client.get("/cart/").content.decode()
    assert '<strong class="price" id="cart-total">¥176.00</strong>' in html


def test_someone_else_cannot_touch_my_cart(client, world):
    login(client, world.purchaser_a)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "2"})
    client.logout()
    login(client, world.purchaser_b)
    client.post("/cart/remove/", {"variant": world.variant_a.pk})
    client.post("/cart/update/", {"variant": world.variant_a.pk, "quantity": "9"})
    assert "¥176.00" not in client.get("/cart/").content.decode()
    assert lines(world) == {world.variant_a.pk: 2}


def test_a_supplier_without_a_buyer_organization_gets_a_403_page(client, world):
    login(client, world.owner_a)
    assert client.get("/cart/").status_code == 403
    assert client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "2"}).status_code == 403
    assert CartLine.objects.count() == 0


def test_cart_page_queries_do_not_grow_with_lines(client, world):
    login(client, world.purchaser_a)
    extra = more_variants(world, 4)
    client.post("/cart/add/", {"variant": world.variant_a.pk, "quantity": "1"})
    small = count_queries(client, "/cart/")
    for variant in [world.variant_b, *extra]:
        client.post("/cart/add/", {"variant": variant.pk, "quantity": "1"})
    assert CartLine.objects.count() == 6
    assert count_queries(client, "/cart/") == small

from decimal import Decimal

import pytest

from shop.common.money import fen_to_yuan, format_yuan, to_decimal, yuan_to_fen


def test_yuan_and_fen_round_trip_exactly():
    for text in ["0.01", "0.10", "58.50", "129.99", "30000000.00", "10900000"]:
        amount = to_decimal(text)
        assert fen_to_yuan(yuan_to_fen(amount)) == amount


def test_the_campaign_target_fits_in_fen_without_loss():
    assert yuan_to_fen(Decimal("30000000")) == 3_000_000_000
    assert format_yuan(3_000_000_000) == "¥30,000,000.00"
    assert format_yuan(1_090_000_000) == "¥10,900,000.00"


def test_half_fen_rounds_half_up():
    assert to_decimal("0.005") == Decimal("0.01")
    assert to_decimal("2.345") == Decimal("2.35")


@pytest.mark.parametrize("bad", ["", "abc", "NaN", "Infinity", "1e", None])
def test_garbage_is_not_money(bad):
    with pytest.raises(ValueError):
        to_decimal(bad)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_decimal(0.1)

"""Exact number text: scaled ints and Decimals written without floats, read back unchanged."""

from __future__ import annotations

from decimal import Decimal

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from kraken_tui.model.scaled import to_scaled
from kraken_tui.venues.jsontext import (
    decimal_number,
    dump,
    load_object,
    scaled_number,
    trimmed_number,
)


def _text(raw: msgspec.Raw) -> str:
    return bytes(raw).decode()


def test_scaled_number_text() -> None:
    assert _text(scaled_number(294302, 1)) == "29430.2"
    assert _text(scaled_number(100000, 8)) == "0.00100000"
    assert _text(scaled_number(1, 8)) == "0.00000001"
    assert _text(scaled_number(5660, 4)) == "0.5660"
    assert _text(scaled_number(42, 0)) == "42"


def test_trimmed_number_text() -> None:
    assert _text(trimmed_number(349000, 1)) == "34900"
    assert _text(trimmed_number(348995, 1)) == "34899.5"
    assert _text(trimmed_number(5, 4)) == "0.0005"
    assert _text(trimmed_number(0, 4)) == "0"


def test_decimal_number_text() -> None:
    assert _text(decimal_number(Decimal("0.5660"))) == "0.5660"
    assert _text(decimal_number(Decimal("1E-8"))) == "0.00000001"
    assert _text(decimal_number(Decimal("29000.04"), 1)) == "29000.0"
    assert _text(decimal_number(Decimal("0.125"), 2)) == "0.12"  # half-even
    assert _text(decimal_number(Decimal("-0.0"))) == "0.0"
    assert _text(decimal_number(7, 2)) == "7.00"


@given(
    scaled=st.integers(min_value=-(10**18), max_value=10**18),
    precision=st.integers(min_value=0, max_value=12),
)
def test_scaled_numbers_survive_the_wire(scaled: int, precision: int) -> None:
    text = dump({"p": scaled_number(scaled, precision), "t": trimmed_number(scaled, precision)})
    back = load_object(text)
    assert to_scaled(back["p"], precision) == scaled
    assert to_scaled(back["t"], precision) == scaled
    if precision:
        assert isinstance(back["p"], str) and len(back["p"].partition(".")[2]) == precision

"""Exact JSON number text and the shared frame-parsing helpers of both venues.

Server-side encoders build dicts whose numeric values are :class:`msgspec.Raw`
chunks produced here, so ``29430.2`` or ``0.00100000`` appear on the wire exactly
as the instrument precision dictates (a float would print ``0.001``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any, TypeGuard

import msgspec

from kraken_tui.model.scaled import format_scaled
from kraken_tui.venues.errors import FrameError

_DECODER = msgspec.json.Decoder(float_hook=str)
_ENCODER = msgspec.json.Encoder()

Number = msgspec.Raw
"""A JSON number already rendered as text."""


def load_object(frame: str | bytes) -> dict[str, Any]:
    """Decode one frame to a dict (floats as text), or raise :class:`FrameError`."""
    try:
        obj = _DECODER.decode(frame)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        raise FrameError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise FrameError(f"top level is {type(obj).__name__}, not an object")
    return obj


def dump(obj: Any) -> str:
    """Encode a message dict (which may hold :data:`Number` values) to text."""
    return _ENCODER.encode(obj).decode()


def fixed_text(scaled: int, precision: int) -> str:
    """Text of a scaled int with exactly ``precision`` decimals (``12345, 2`` -> ``123.45``)."""
    if precision <= 0:
        return format_scaled(scaled, precision)
    if scaled < 0:
        return "-" + fixed_text(-scaled, precision)
    digits = str(scaled).rjust(precision + 1, "0")
    return f"{digits[:-precision]}.{digits[-precision:]}"


def scaled_number(scaled: int, precision: int) -> Number:
    """A scaled int written with exactly ``precision`` decimals (``12345, 2`` -> ``123.45``)."""
    return msgspec.Raw(fixed_text(scaled, precision).encode())


def levels_array(
    levels: Iterable[tuple[int, int]], price_precision: int, qty_precision: int
) -> Number:
    """A whole ``[{"price":..,"qty":..}, ...]`` array of scaled levels as one raw chunk.

    Built as text in one pass because the exchange writes deep snapshots often.
    """
    parts = [
        f'{{"price":{fixed_text(p, price_precision)},"qty":{fixed_text(q, qty_precision)}}}'
        for p, q in levels
    ]
    return msgspec.Raw(("[" + ",".join(parts) + "]").encode())


def trimmed_number(scaled: int, precision: int) -> Number:
    """A scaled int written without trailing fractional zeros (``349000, 1`` -> ``34900``).

    Futures v1 prints its numbers this way (``34892`` next to ``34892.5``).
    """
    text = format_scaled(scaled, precision)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return msgspec.Raw(text.encode())


def decimal_number(value: Decimal | int, precision: int | None = None) -> Number:
    """A Decimal as a JSON number, rounded half-even to ``precision`` decimals if given.

    Without ``precision`` the Decimal's own digits are kept (``Decimal("0.5660")``
    -> ``0.5660``); exponent notation is never produced.
    """
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    dec = Decimal(value)
    if not dec.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if precision is not None:
        dec = dec.quantize(Decimal(1).scaleb(-precision), rounding=ROUND_HALF_EVEN)
    text = format(dec, "f")
    if text == "-0" or (text.startswith("-") and not text.strip("-0.")):
        text = text[1:]
    return msgspec.Raw(text.encode())


def is_number(value: object) -> TypeGuard[str | int]:
    """True for the number forms the decoder produces (text of a float, or an int)."""
    return (isinstance(value, str) and bool(value)) or (
        isinstance(value, int) and not isinstance(value, bool)
    )


def positive_decimal(value: Decimal | int | str, what: str) -> Decimal:
    """``value`` (a Decimal, int or decimal text, never a binary float) as a positive,
    finite Decimal, or a ValueError naming ``what``: order prices and sizes going out."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValueError(f"{what} must be a Decimal, int or decimal text")
    try:
        dec = Decimal(value)
    except ArithmeticError:
        raise ValueError(f"{what} is not a number: {value!r}") from None
    if not dec.is_finite() or dec <= 0:
        raise ValueError(f"{what} must be a positive number, got {value!r}")
    return dec


def finite_decimal(value: object) -> Decimal | None:
    """A decoded JSON number (its exact text, or an int) as a finite Decimal; anything
    else (absent, a bool, junk text, NaN, infinity) is None."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None

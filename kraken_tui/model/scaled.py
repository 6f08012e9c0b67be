"""Exact conversion between decimal text and integers scaled by a precision.

Inside the book every price and quantity is an ``int`` equal to the value times
``10**precision``. That keeps arithmetic exact and makes Kraken's checksum text of
a value simply ``str(scaled)`` (the docs' "format to precision, drop the dot,
strip leading zeros" is exactly the decimal digits of the scaled integer).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


class PrecisionError(ValueError):
    """A value carries more decimals than its instrument's precision allows."""


def to_scaled(value: str | int | Decimal, precision: int) -> int:
    """Return ``value * 10**precision`` as an exact int.

    ``value`` is the raw JSON number text (as the codec keeps it), an int, or a
    Decimal. Trailing zeros beyond the precision are accepted; any other extra
    digit raises :class:`PrecisionError` rather than rounding silently.
    """
    if type(value) is str:
        whole, _, frac = value.partition(".")
        if "e" not in frac and "E" not in frac and "e" not in whole and "E" not in whole:
            if not (whole.lstrip("+-") or frac):
                raise PrecisionError(f"not a decimal number: {value!r}")
            if len(frac) > precision:
                if frac[precision:].strip("0"):
                    raise PrecisionError(f"{value} has more than {precision} decimals")
                frac = frac[:precision]
            try:
                return int(whole + frac + "0" * (precision - len(frac)))
            except ValueError:
                raise PrecisionError(f"not a decimal number: {value!r}") from None
        value = _decimal(value)
    if isinstance(value, bool):
        raise PrecisionError(f"not a number: {value!r}")
    if isinstance(value, int):
        return int(value * 10**precision)
    scaled = _decimal(value).scaleb(precision)
    if scaled != scaled.to_integral_value():
        raise PrecisionError(f"{value} has more than {precision} decimals")
    return int(scaled)


def from_scaled(scaled: int, precision: int) -> Decimal:
    """Return the Decimal whose text has exactly ``precision`` decimals."""
    return Decimal(scaled).scaleb(-precision)


def format_scaled(scaled: int, precision: int, *, grouping: bool = False) -> str:
    """Format a scaled int as fixed-point text, optionally with thousands commas."""
    sign = "-" if scaled < 0 else ""
    digits = str(abs(scaled))
    if precision > 0:
        digits = digits.rjust(precision + 1, "0")
        whole, frac = digits[:-precision], digits[-precision:]
    else:
        whole, frac = digits + "0" * (-precision), ""
    if grouping:
        whole = f"{int(whole):,}"
    return f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}"


def _decimal(value: str | Decimal) -> Decimal:
    try:
        result = Decimal(value)
    except (InvalidOperation, ValueError):
        raise PrecisionError(f"not a decimal number: {value!r}") from None
    if not result.is_finite():
        raise PrecisionError(f"not a finite number: {value!r}")
    return result


def decimals_of(step: Decimal) -> int:
    """Number of decimals needed to write ``step`` (0.5 -> 1, 1 -> 0, 1e-08 -> 8)."""
    exponent = step.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return max(0, -exponent)

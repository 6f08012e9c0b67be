"""Text for numbers the panes show: exact prices, trimmed sizes, money, bps, percentages,
clocks and ages.

Prices in the book are scaled ints; tickers and trades carry Decimals. Both are
formatted exactly at the instrument's precision (no binary floats anywhere).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from kraken_tui.model.scaled import format_scaled

EIGHTHS = " ▏▎▍▌▋▊▉"
"""Left-aligned partial blocks, index = eighths of a cell filled."""
FULL_BLOCK = "█"


def price_text(scaled: int, precision: int) -> str:
    """A scaled price with thousands separators: ``620001, 1 -> '62,000.1'``."""
    return format_scaled(scaled, precision, grouping=True)


def decimal_text(value: Decimal, decimals: int, *, sign: bool = False) -> str:
    """A Decimal rounded half-up to ``decimals`` places, with thousands separators."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if sign and rounded > 0:
        return "+" + text
    return text


def needed_decimals(scaled: int, precision: int) -> int:
    """Decimals needed to show ``scaled`` exactly once trailing zeros are dropped."""
    if scaled == 0:
        return 0
    decimals = precision
    while decimals > 0 and scaled % 10 == 0:
        scaled //= 10
        decimals -= 1
    return decimals


def qty_text(scaled: int, precision: int, decimals: int) -> str:
    """A scaled quantity shown with ``decimals`` places (rounded half-up when fewer)."""
    decimals = min(decimals, precision)
    if decimals < precision:
        step = 10 ** (precision - decimals)
        scaled = (scaled + step // 2) // step
    return format_scaled(scaled, decimals, grouping=True)


def mid_text(mid_x2: int, precision: int) -> str:
    """The exact mid from twice its scaled value: one extra decimal only when needed."""
    if mid_x2 % 2 == 0:
        return price_text(mid_x2 // 2, precision)
    return price_text(mid_x2 * 5, precision + 1)


def bps_text(spread: int, mid_x2: int) -> str:
    """Spread in basis points of the mid, two decimals (``spread / mid * 10_000``)."""
    if mid_x2 <= 0:
        return "—"
    value = Decimal(spread * 20_000) / Decimal(mid_x2)
    return decimal_text(value, 2)


def percent_text(fraction: Decimal, decimals: int = 4) -> str:
    """A signed percentage of a fraction: ``0.000012 -> '+0.0012%'``."""
    return decimal_text(fraction * 100, decimals, sign=True) + "%"


def compact_text(value: Decimal) -> str:
    """Large amounts shortened (``1234567 -> '1.23M'``); small ones grouped with 2 decimals."""
    magnitude = abs(value)
    for power, suffix in ((12, "T"), (9, "B"), (6, "M")):
        limit = Decimal(10) ** power
        if magnitude >= limit:
            return decimal_text(value / limit, 2) + suffix
    if magnitude >= 100_000:
        return decimal_text(value / 1000, 2) + "K"
    return decimal_text(value, 2)


def utc_time_text(time_ms: int) -> str:
    """Exchange time as ``HH:MM:SS.mmm`` in UTC."""
    moment = datetime.fromtimestamp(time_ms // 1000, tz=UTC)
    return f"{moment:%H:%M:%S}.{time_ms % 1000:03d}"


def countdown_text(remaining_ms: int) -> str:
    """A non-negative duration as ``HH:MM:SS`` (whole seconds, rounded up)."""
    seconds = max(0, -(-remaining_ms // 1000))
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def age_text(seconds: float | None) -> str:
    """How long ago the last message arrived: ``0.1s``, ``12s``, ``3m``, ``2h``."""
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds // 3600)}h"


def rate_text(per_second: float) -> str:
    """Messages per second: ``412/s``, ``1.2k/s``."""
    if per_second >= 10_000:
        return f"{per_second / 1000:.0f}k/s"
    if per_second >= 1000:
        return f"{per_second / 1000:.1f}k/s"
    if per_second >= 10 or per_second == 0:
        return f"{per_second:.0f}/s"
    return f"{per_second:.1f}/s"


def bar_text(value: int, maximum: int, width: int) -> str:
    """A left-aligned bar ``value / maximum`` of ``width`` cells, to an eighth of a cell.

    Any non-zero value shows at least one eighth, so a thin level never looks empty.
    """
    if width <= 0 or maximum <= 0 or value <= 0:
        return ""
    eighths = min(width * 8, max(1, value * width * 8 // maximum))
    full, part = divmod(eighths, 8)
    return FULL_BLOCK * full + (EIGHTHS[part] if part else "")


FIAT = frozenset({"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "USDT", "USDC", "ZUSD", "ZEUR"})
"""Currencies shown with two decimals; anything else keeps its own digits."""


def decimals_needed(value: Decimal, cap: int = 8) -> int:
    """Fewest decimals that show ``value`` exactly, at most ``cap``."""
    exponent = value.normalize().as_tuple().exponent
    return min(cap, max(0, -exponent)) if isinstance(exponent, int) else cap


def plain_decimal_text(value: Decimal) -> str:
    """A Decimal exactly as it is (its own decimals), with thousands separators."""
    return f"{value:,f}"


def trimmed_text(value: Decimal, cap: int = 8) -> str:
    """A Decimal without trailing zeros, at most ``cap`` decimals: ``0.50000000 -> '0.5'``."""
    return decimal_text(value, decimals_needed(value, cap))


def money_text(value: Decimal, currency: str = "", *, sign: bool = False) -> str:
    """An amount of money: two decimals for fiat (or no currency), else trimmed to 8."""
    if not currency or currency.upper() in FIAT:
        return decimal_text(value, 2, sign=sign)
    return decimal_text(value, decimals_needed(value, 8), sign=sign)


def duration_text(seconds: int) -> str:
    """A whole-second age, coarse and short: ``45s``, ``3m``, ``2h``, ``4d``."""
    seconds = max(0, seconds)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86_400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86_400}d"


def clock_text(time_ms: int) -> str:
    """Exchange time as ``HH:MM:SS`` in UTC (no milliseconds, for narrow tables)."""
    return f"{datetime.fromtimestamp(time_ms // 1000, tz=UTC):%H:%M:%S}"

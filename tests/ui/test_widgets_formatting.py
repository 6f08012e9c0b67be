"""Number formatting and ladder layout helpers (pure functions, no app needed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kraken_tui.book import BookHealth, BookView, LevelRow
from kraken_tui.ui.widgets.formatting import (
    age_text,
    bar_text,
    bps_text,
    compact_text,
    countdown_text,
    decimal_text,
    mid_text,
    needed_decimals,
    percent_text,
    price_text,
    qty_text,
    rate_text,
    utc_time_text,
)
from kraken_tui.ui.widgets.ladder_layout import (
    SPREAD,
    Item,
    ladder_items,
    locate,
    spread_line,
    step,
    title_line,
)
from kraken_tui.ui.widgets.pane import crop_line, flow, line_plain


def test_prices_are_exact_with_thousands_separators() -> None:
    assert price_text(620001, 1) == "62,000.1"
    assert price_text(62010, 0) == "62,010"
    assert price_text(5, 4) == "0.0005"
    assert price_text(-123456789, 2) == "-1,234,567.89"
    assert decimal_text(Decimal("62620.00"), 1) == "62,620.0"
    assert decimal_text(Decimal("0.05"), 1) == "0.1"  # half-up, never banker's
    assert decimal_text(Decimal("2.31"), 2, sign=True) == "+2.31"
    assert decimal_text(Decimal("-2.31"), 2, sign=True) == "-2.31"


def test_sizes_trim_to_the_decimals_asked_for() -> None:
    assert needed_decimals(1_230_000_000, 8) == 1  # 12.3
    assert needed_decimals(0, 8) == 0
    assert needed_decimals(12_345_678, 8) == 8
    assert qty_text(1_230_000_000, 8, 3) == "12.300"
    assert qty_text(12_345_678, 8, 4) == "0.1235"
    assert qty_text(1_234_567_800_000, 8, 2) == "12,345.68"
    assert qty_text(5, 2, 6) == "0.05"  # never more decimals than the precision


def test_mid_is_exact_and_bps_rounds_to_two_places() -> None:
    assert mid_text(620001 + 620000, 1) == "62,000.05"
    assert mid_text(620002 + 620000, 1) == "62,000.1"
    # 0.1 / 62,000.05 * 10,000 = 0.01612...
    assert bps_text(1, 1_240_001) == "0.02"
    assert bps_text(50, 200_000) == "5.00"
    assert bps_text(1, 0) == "—"


def test_percentages_and_compact_amounts() -> None:
    assert percent_text(Decimal("0.000012")) == "+0.0012%"
    assert percent_text(Decimal("-0.0001")) == "-0.0100%"
    assert compact_text(Decimal("1234567")) == "1.23M"
    assert compact_text(Decimal("1204.33")) == "1,204.33"
    assert compact_text(Decimal("250000")) == "250.00K"
    assert compact_text(Decimal("3.5e9")) == "3.50B"


def test_clock_texts() -> None:
    assert utc_time_text(1_763_726_401_204) == "12:00:01.204"
    assert countdown_text(2 * 3_600_000 + 14 * 60_000) == "02:14:00"
    assert countdown_text(1) == "00:00:01"  # rounds up: the event is not due yet
    assert countdown_text(-5_000) == "00:00:00"
    assert age_text(None) == "—"
    assert age_text(0.12) == "0.1s"
    assert age_text(42.9) == "42s"
    assert age_text(190) == "3m"
    assert age_text(7300) == "2h"
    assert rate_text(412.4) == "412/s"
    assert rate_text(1234) == "1.2k/s"
    assert rate_text(2.5) == "2.5/s"


@pytest.mark.parametrize(
    ("value", "maximum", "width", "expected"),
    [
        (10, 10, 4, "████"),
        (5, 10, 4, "██"),
        (8, 16, 2, "█"),
        (4, 16, 2, "▌"),
        (1, 10_000, 4, "▏"),  # tiny but non-zero still shows
        (0, 10, 4, ""),
        (3, 8, 1, "▍"),
    ],
)
def test_depth_bar_in_eighths(value: int, maximum: int, width: int, expected: str) -> None:
    assert bar_text(value, maximum, width) == expected


def view(asks: list[tuple[int, int]], bids: list[tuple[int, int]], health: BookHealth) -> BookView:
    def rows(levels: list[tuple[int, int]]) -> tuple[LevelRow, ...]:
        out, cum = [], 0
        for price, qty in levels:
            cum += qty
            out.append(LevelRow(price, qty, cum, 0))
        return tuple(out)

    return BookView("X/USD", 1, 2, health, 1, rows(asks), rows(bids), 1)


def test_items_put_asks_worst_first_then_spread_then_bids() -> None:
    v = view([(101, 1), (103, 2)], [(100, 3), (98, 4)], BookHealth.SYNCED)
    items, spread = ladder_items(v)
    assert spread == 2 and items[spread] == SPREAD
    assert [i.row.price for i in items if i.row] == [103, 101, 100, 98]
    assert [i.side for i in items] == ["ask", "ask", "spread", "bid", "bid"]


def test_cursor_steps_skip_the_spread_and_stop_at_the_ends() -> None:
    v = view([(101, 1), (103, 2)], [(100, 3), (98, 4)], BookHealth.SYNCED)
    items, spread = ladder_items(v)
    assert step(items, spread, 1) == 3
    assert step(items, spread, -1) == 1
    assert step(items, 1, 1) == 3
    assert step(items, 3, -1) == 1
    assert step(items, 0, -5) == 0
    assert step(items, 3, 99) == 4
    only_asks, spread_only_asks = ladder_items(view([(101, 1)], [], BookHealth.SYNCED))
    assert step(only_asks, spread_only_asks, 1) == 0


def test_locate_finds_the_exact_or_nearest_price() -> None:
    items, _ = ladder_items(view([(101, 1), (103, 2)], [(100, 3), (98, 4)], BookHealth.SYNCED))
    assert locate(items, 100) == 3
    assert locate(items, 97) == 4
    assert locate(items, 200) == 0
    assert locate([SPREAD], 100) is None
    assert Item("bid", None).row is None


def test_spread_row_says_when_the_book_is_not_live() -> None:
    live = line_plain(spread_line(view([(101, 1)], [(100, 1)], BookHealth.SYNCED), 50))
    assert "spread 0.1 · 99.50 bps · mid 10.05" in live and live.startswith("─")
    crossed = spread_line(view([(101, 1)], [(100, 1)], BookHealth.CROSSED), 50)
    assert "CROSSED" in line_plain(crossed) and crossed[0][1] == "badge-bad"
    one_sided = line_plain(spread_line(view([(101, 1)], [], BookHealth.SYNCED), 30))
    assert "no bids" in one_sided
    narrow = line_plain(spread_line(view([(101, 1)], [(100, 1)], BookHealth.SYNCED), 20))
    assert "spread 0.1" in narrow and "mid" not in narrow and len(narrow) == 20


def test_title_drops_extras_before_the_health_badge() -> None:
    args = ("BTC/USD", 25, 10, "1.0", BookHealth.SYNCED, 3_412_765_123)
    wide = line_plain(title_line(*args, 80))
    assert wide == "LADDER BTC/USD  depth 25 · group 10 (1.0) · SYNCED ✓  crc 3412765123"
    assert (
        line_plain(title_line(*args, 55)) == "LADDER BTC/USD  depth 25 · group 10 (1.0) · SYNCED ✓"
    )
    assert "SYNCED ✓" in line_plain(title_line(*args, 36))
    stale = title_line("BTC/USD", 25, 1, "0.1", BookHealth.STALE, None, 80)
    assert ("STALE", "badge-bad") in [(t.strip().split()[0], r) for t, r in stale if t.strip()]


def test_line_helpers_crop_and_flow() -> None:
    assert line_plain(crop_line([("abc", "x"), ("def", "y")], 4)) == "abcd"
    assert crop_line([("abc", "x")], 0) == []
    chips = [[("aaaa", "")], [("bbbb", "")], [("cccc", "")]]
    assert [line_plain(line) for line in flow(chips, 11, gap=2)] == ["aaaa  bbbb", "cccc"]

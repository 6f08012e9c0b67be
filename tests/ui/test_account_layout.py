"""Account pane layout and number formatting as pure functions (no app needed)."""

from __future__ import annotations

from decimal import Decimal

from kraken_tui.feeds.account_store import AuthState, PrivateStatus
from kraken_tui.model import Venue
from kraken_tui.ui.widgets.account_layout import (
    Column,
    aligned_qty_texts,
    layout_table,
    price_of,
    private_problem,
)
from kraken_tui.ui.widgets.formatting import (
    clock_text,
    decimals_needed,
    duration_text,
    money_text,
    plain_decimal_text,
    trimmed_text,
)
from kraken_tui.ui.widgets.pane import line_plain
from tests.ui.fakes import StaticSession

COLUMNS = (
    Column("name"),
    Column("qty", right=True),
    Column("note", drop=2),
    Column("extra", drop=1),
)
ROWS = [
    (("alpha", "value"), ("1.5", "value"), ("n1", "muted"), ("x", "muted")),
    (("b", "value"), ("12.25", "value"), ("n2", "muted"), ("yy", "muted")),
]


def test_table_aligns_names_left_and_numbers_right() -> None:
    header, lines, hidden = layout_table(COLUMNS, ROWS, 80)
    assert line_plain(header) == " name     qty  note  extra"
    assert [line_plain(line) for line in lines] == [
        " alpha    1.5  n1    x    ",
        " b      12.25  n2    yy   ",
    ]
    assert hidden == 0


def test_narrow_table_drops_the_highest_drop_first_and_never_drop_zero() -> None:
    # Full width 26; without "note" (drop 2) 20; without "extra" too 14.
    _, lines, hidden = layout_table(COLUMNS, ROWS, 21)
    assert line_plain(lines[0]) == " alpha    1.5  x    " and hidden == 1
    _, lines, hidden = layout_table(COLUMNS, ROWS, 15)
    assert line_plain(lines[0]) == " alpha    1.5" and hidden == 2
    header, lines, hidden = layout_table(COLUMNS, ROWS, 8)  # cropped, never below drop 0
    assert line_plain(header) == " name   " and line_plain(lines[1]) == " b      "
    assert hidden == 2


def test_quantities_share_the_fewest_decimals_that_keep_each_exact() -> None:
    values = [(Decimal("0.5"), 8), (Decimal("0.0400"), 4), (Decimal("12"), 2)]
    assert aligned_qty_texts(values) == ["0.50", "0.04", "12.00"]
    # A value with more digits than its market allows is cut at the market's precision.
    assert aligned_qty_texts([(Decimal("1.23456"), 3)]) == ["1.235"]
    assert aligned_qty_texts([]) == []


def test_prices_use_the_instruments_precision_else_the_decimal_as_sent() -> None:
    store = StaticSession(account=False).store
    assert price_of(store, Venue.SPOT, "BTC/USD", Decimal("62000")) == ("62,000.0", "value")
    assert price_of(store, Venue.FUTURES, "PF_XBTUSD", Decimal("61500.0")) == ("61,500", "value")
    assert price_of(store, Venue.SPOT, "NEW/USD", Decimal("1234.5600")) == ("1,234.5600", "value")
    assert price_of(store, Venue.SPOT, "BTC/USD", None) == ("—", "muted")


def test_private_problems_are_worded_for_the_user() -> None:
    def words(state: AuthState, message: str = "") -> tuple[str, str] | None:
        return private_problem(Venue.FUTURES, PrivateStatus(state, message))

    assert words(AuthState.OK) is None
    assert words(AuthState.PENDING) == ("futures: authenticating…", "pending")
    assert words(AuthState.PENDING, "waiting for challenge") == (
        "futures: waiting for challenge",
        "pending",
    )
    assert words(AuthState.FAILED) == ("futures: auth failed", "bad")
    assert words(AuthState.FAILED, "EAPI:Invalid key") == (
        "futures: auth failed: EAPI:Invalid key",
        "bad",
    )
    assert words(AuthState.FAILED, "Auth failed: nonce") == ("futures: Auth failed: nonce", "bad")
    assert words(AuthState.OFF) == ("futures: private feed off (no keys)", "muted")
    assert words(AuthState.OFF, "no keys for demo futures") == ("no keys for demo futures", "muted")
    assert words(AuthState.OFF, "no keyring") == ("futures: no keyring", "muted")


def test_number_helpers() -> None:
    assert decimals_needed(Decimal("0.50000000")) == 1
    assert decimals_needed(Decimal("120")) == 0
    assert decimals_needed(Decimal("0.123456789"), 4) == 4
    assert trimmed_text(Decimal("0.50000000")) == "0.5"
    assert trimmed_text(Decimal("12000.0")) == "12,000"
    assert plain_decimal_text(Decimal("1234.5600")) == "1,234.5600"
    assert money_text(Decimal("104.6"), "USD", sign=True) == "+104.60"
    assert money_text(Decimal("-12.345"), "") == "-12.35"
    assert money_text(Decimal("0.00120000"), "XBT") == "0.0012"
    assert [duration_text(s) for s in (-3, 0, 59, 60, 3599, 3600, 86_399, 86_400)] == [
        "0s", "0s", "59s", "1m", "59m", "1h", "23h", "1d",
    ]  # fmt: skip
    assert clock_text(1_763_726_400_000 - 95_000) == "11:58:25"

"""Edge cases: number scaling/formatting, bad wire input, views, crossing, futures grace."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.book import (
    ApplyResult,
    BookHealth,
    FuturesBook,
    LevelRow,
    SpotBook,
    build_view,
    wire,
)
from kraken_tui.book.wire import apply_spot_book_message, scale_wire_number
from kraken_tui.model.scaled import PrecisionError, format_scaled, to_scaled

# ------------------------------------------------------------------ to_scaled / format_scaled
SCALE_CASES = [
    ("1e-08", 8, 1),
    ("1E-8", 8, 1),
    ("1.5e3", 0, 1500),
    ("0.00000001", 8, 1),
    ("29430.2", 1, 294302),
    ("0.566", 4, 5660),  # docs text that lost its trailing zero
    ("4.0", 8, 400000000),
    ("0.1000000000", 2, 10),  # extra trailing zeros are not extra precision
    ("-1.5", 1, -15),
    ("-0.001", 3, -1),
    ("12", 3, 12000),
    (12, 3, 12000),
    (0, 8, 0),
    ("1000000000000", 8, 10**20),
]


@pytest.mark.parametrize(("value", "precision", "expected"), SCALE_CASES)
def test_to_scaled(value: str | int, precision: int, expected: int) -> None:
    assert to_scaled(value, precision) == expected


@pytest.mark.parametrize(("value", "precision", "expected"), SCALE_CASES)
def test_scale_wire_number_agrees(value: str | int, precision: int, expected: int) -> None:
    assert scale_wire_number(value, precision) == expected


@pytest.mark.parametrize(
    ("value", "precision"),
    [("0.123456789", 8), ("1.05", 1), ("1e-9", 8), ("0.5", 0), ("abc", 2), ("nan", 2), ("inf", 2)],
)
def test_too_many_decimals_or_junk_raise(value: str, precision: int) -> None:
    with pytest.raises(PrecisionError):
        to_scaled(value, precision)
    with pytest.raises(PrecisionError):
        scale_wire_number(value, precision)


@pytest.mark.parametrize("value", ["", "-", "+5", " 5", "1_000", "1.0_0", "0x10", True, 1.5, None])
def test_wire_scaling_rejects_what_is_not_a_json_number(value: Any) -> None:
    with pytest.raises(PrecisionError):
        scale_wire_number(value, 2)


def test_to_scaled_accepts_decimal_and_rejects_bool() -> None:
    assert to_scaled(Decimal("0.25"), 2) == 25
    with pytest.raises(PrecisionError):
        to_scaled(True, 2)


@pytest.mark.parametrize(
    ("scaled", "precision", "grouping", "expected"),
    [
        (294302, 1, False, "29430.2"),
        (5, 3, False, "0.005"),
        (-5, 3, False, "-0.005"),
        (-15, 1, False, "-1.5"),
        (0, 2, False, "0.00"),
        (12, 0, False, "12"),
        (123456789, 2, True, "1,234,567.89"),
        (-123456789, 2, True, "-1,234,567.89"),
        (10**20, 8, True, "1,000,000,000,000.00000000"),
    ],
)
def test_format_scaled(scaled: int, precision: int, grouping: bool, expected: str) -> None:
    assert format_scaled(scaled, precision, grouping=grouping) == expected


# ---------------------------------------------------------------------- bad wire input
def _synced_book() -> SpotBook:
    book = SpotBook("T/USD", 1, 2, 10)
    snapshot = {"bids": [{"price": "10.0", "qty": "1.00"}], "asks": [{"price": "10.5", "qty": 2}]}
    assert apply_spot_book_message(book, snapshot, True) is ApplyResult.OK
    return book


@pytest.mark.parametrize(
    "data",
    [
        {"asks": [{"price": "10.6"}]},
        {"asks": [["10.6", "1.0"]]},
        {"asks": [{"price": "abc", "qty": "1"}]},
        {"asks": [{"price": "10.65", "qty": "1"}]},
        {"bids": [{"price": "9.9", "qty": "-1.0"}]},
        {"bids": [{"price": "9.9", "qty": True}]},
        {"bids": 5},
        {"bids": "xyz"},
        {"bids": [], "checksum": "123"},
        {"bids": [], "checksum": -1},
        {"bids": [], "checksum": 1.5},
    ],
)
def test_bad_wire_message_is_bad_value_and_drops_the_book(data: dict[str, Any]) -> None:
    book = _synced_book()
    result = apply_spot_book_message(book, data, False)
    assert result is ApplyResult.BAD_VALUE
    assert result.needs_resync
    assert book.messages == 2
    assert book.awaiting_snapshot and len(book) == 0
    assert book.health is BookHealth.RESYNCING


@pytest.mark.parametrize("data", [None, [1, 2], "book", 7])
def test_wire_data_that_is_not_an_object_is_bad_value(data: Any) -> None:
    book = _synced_book()
    assert apply_spot_book_message(book, data, False) is ApplyResult.BAD_VALUE
    assert apply_spot_book_message(book, data, True) is ApplyResult.BAD_VALUE
    assert book.messages == 3 and book.awaiting_snapshot


def test_update_before_snapshot_is_ignored_on_both_paths() -> None:
    book = SpotBook("T/USD", 1, 2, 10)
    assert apply_spot_book_message(book, {"bids": [{"price": "1", "qty": "x"}]}, False) is (
        ApplyResult.IGNORED
    )
    assert book.apply([("1.0", "1.00")], [], None, snapshot=False) is ApplyResult.IGNORED
    assert book.messages == 2 and len(book) == 0
    assert not ApplyResult.IGNORED.needs_resync


def test_missing_checksum_skips_verification() -> None:
    book = _synced_book()
    assert apply_spot_book_message(book, {"bids": [{"price": "9.9", "qty": "1"}]}, False) is (
        ApplyResult.OK
    )
    assert book.checksum_ok == 0
    assert book.bids() == [(100, 100), (99, 100)]


def test_price_cache_is_bounded_and_stays_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wire, "_PRICE_CACHE_LIMIT", 4)
    book = SpotBook("T/USD", 1, 0, 1000)
    apply_spot_book_message(book, {"asks": [], "bids": []}, True)
    for tick in range(1, 40):
        level = {"price": f"{tick}.{tick % 10}", "qty": 1}
        apply_spot_book_message(book, {"asks": [level]}, False)
        assert len(book.price_cache) <= 4
    assert [p for p, _ in book.asks()] == sorted(t * 10 + t % 10 for t in range(1, 40))


# ------------------------------------------------------------------------------ crossing
def test_spot_crossed_snapshot_is_rejected() -> None:
    book = SpotBook("T/USD", 1, 0, 10)
    result = book.apply([("10.0", "1")], [("10.0", "1")], None, snapshot=True)
    assert result is ApplyResult.CROSSED
    assert result.needs_resync
    assert book.crossed_count == 1
    assert book.health is BookHealth.CROSSED
    assert book.awaiting_snapshot and len(book) == 0


def test_spot_update_that_crosses_is_rejected_on_the_wire_path() -> None:
    book = _synced_book()
    result = apply_spot_book_message(book, {"bids": [{"price": "10.6", "qty": "1"}]}, False)
    assert result is ApplyResult.CROSSED
    assert book.crossed_count == 1 and book.health is BookHealth.CROSSED


def test_is_crossed_and_best_levels() -> None:
    book = FuturesBook("PF_T", 0, 0)
    book.apply_snapshot(1, [(100, 1), (99, 2)], [(101, 3)])
    assert not book.is_crossed()
    assert book.best_bid == (100, 1) and book.best_ask == (101, 3)
    book.apply_delta(2, "buy", 101, 1)
    assert book.is_crossed()


def test_futures_crossed_grace_then_drop() -> None:
    book = FuturesBook("PF_T", 0, 0, crossed_grace=2)
    assert book.apply_snapshot(10, [(100, 1)], [(101, 1)]) is ApplyResult.OK
    assert book.apply_delta(11, "buy", 102, 1) is ApplyResult.OK  # crossed, 1st
    assert book.health is BookHealth.CROSSED
    assert book.apply_delta(12, "sell", 105, 1) is ApplyResult.OK  # crossed, 2nd
    assert book.health is BookHealth.CROSSED and book.crossed_count == 0
    assert book.apply_delta(13, "sell", 106, 1) is ApplyResult.CROSSED  # 3rd > grace
    assert book.crossed_count == 1
    assert book.health is BookHealth.CROSSED
    assert book.awaiting_snapshot and len(book) == 0
    assert book.apply_delta(14, "buy", 99, 1) is ApplyResult.IGNORED


def test_futures_cross_that_clears_within_grace_resets_the_run() -> None:
    book = FuturesBook("PF_T", 0, 0, crossed_grace=1)
    book.apply_snapshot(1, [(100, 1)], [(101, 1), (104, 1)])
    assert book.apply_delta(2, "buy", 101, 1) is ApplyResult.OK
    assert book.health is BookHealth.CROSSED
    assert book.apply_delta(3, "sell", 101, 0) is ApplyResult.OK  # the cross traded away
    assert BookHealth(book.health) is BookHealth.SYNCED  # re-read: mypy narrowed it
    assert book.apply_delta(4, "buy", 104, 1) is ApplyResult.OK  # a new run starts at 1
    assert book.health is BookHealth.CROSSED
    assert book.apply_delta(5, "buy", 105, 1) is ApplyResult.CROSSED


def test_futures_bad_side_and_bad_value() -> None:
    book = FuturesBook("PF_T", 1, 0)
    assert book.apply_delta(1, "buy", "1.0", "1") is ApplyResult.IGNORED
    book.apply_snapshot(1, [("1.0", "1")], [("2.0", "1")])
    assert book.apply_delta(2, "hold", "1.5", "1") is ApplyResult.BAD_VALUE
    book.apply_snapshot(5, [("1.0", "1")], [("2.0", "1")])
    assert book.apply_delta(6, "buy", "1.25", "1") is ApplyResult.BAD_VALUE
    assert book.seq_gaps == 0 and book.resyncs == 2


# ------------------------------------------------------------------------------- views
def _view_book() -> SpotBook:
    book = SpotBook("T/USD", 1, 0, 100)
    bids = [("100.5", "2"), ("100.3", "3"), ("100.1", "4"), ("99.8", "5")]
    asks = [("100.7", "1"), ("100.9", "2"), ("101.2", "3")]
    assert book.apply(bids, asks, None, snapshot=True) is ApplyResult.OK
    return book


def test_build_view_ungrouped_cumulates_qty_and_notional() -> None:
    view = build_view(_view_book(), 3)
    assert view.bids == (
        LevelRow(1005, 2, 2, 2010),
        LevelRow(1003, 3, 5, 5019),
        LevelRow(1001, 4, 9, 9023),
    )
    assert view.asks == (
        LevelRow(1007, 1, 1, 1007),
        LevelRow(1009, 2, 3, 3025),
        LevelRow(1012, 3, 6, 6061),
    )
    assert (view.best_bid, view.best_ask, view.spread, view.mid_x2) == (1005, 1007, 2, 2012)
    assert view.max_cum_qty == 9
    assert view.group_size == 1 and view.health is BookHealth.SYNCED


def test_build_view_grouping_floors_bids_and_ceils_asks() -> None:
    view = build_view(_view_book(), 10, tick=1, group=5)
    assert view.group_size == 5
    # bids 100.5 | 100.3+100.1 -> 100.0 | 99.8 -> 99.5 (never better than any level inside)
    assert view.bids == (
        LevelRow(1005, 2, 2, 2010),
        LevelRow(1000, 7, 9, 9023),
        LevelRow(995, 5, 14, 14013),
    )
    # asks 100.7+100.9 -> 101.0 | 101.2 -> 101.5
    assert view.asks == (LevelRow(1010, 3, 3, 3025), LevelRow(1015, 3, 6, 6061))


def test_build_view_grouped_respects_row_limit() -> None:
    view = build_view(_view_book(), 2, tick=1, group=5)
    assert [row.price for row in view.bids] == [1005, 1000]
    assert [row.price for row in view.asks] == [1010, 1015]


def test_build_view_of_empty_book() -> None:
    view = build_view(SpotBook("T/USD", 1, 0), 10)
    assert view.asks == () and view.bids == ()
    assert view.spread is None and view.mid_x2 is None and view.max_cum_qty == 0
    assert view.health is BookHealth.RESYNCING


@pytest.mark.parametrize("text", ["", "-", ".", "+", "-."])
def test_to_scaled_rejects_text_without_digits(text: str) -> None:
    with pytest.raises(PrecisionError):
        to_scaled(text, 2)

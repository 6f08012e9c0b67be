"""SpotBook and FuturesBook against a plain dict/sorted/Decimal reference, on random streams."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from kraken_tui.book import ApplyResult, BookHealth, FuturesBook, L2Book, SpotBook
from kraken_tui.book.wire import apply_spot_book_message
from kraken_tui.model.scaled import from_scaled
from tests.book.reference import ReferenceBook

Wire = str | int
"""A number as msgspec(float_hook=str) hands it over: float text, or int."""


def wire_number(units: int, precision: int, style: str) -> Wire:
    """``units * 10**-precision`` written the ways a JSON number can arrive."""
    value = Decimal(units).scaleb(-precision)
    padded = f"{value:.{precision}f}"
    if style == "padded":
        return padded
    if style == "int" and units % 10**precision == 0:
        whole: int = units // 10**precision
        return whole
    if style == "exponent" and units:
        return f"{value.normalize():e}"
    if "." not in padded:
        return padded + ".0"
    stripped = padded.rstrip("0")
    return stripped + "0" if stripped.endswith(".") else stripped


STYLES = st.sampled_from(["padded", "stripped", "int", "exponent"])
BID_TICKS = st.integers(1, 40)
ASK_TICKS = st.integers(41, 80)  # disjoint from bids: these streams never cross


def qty_units(qp: int, allow_zero: bool) -> st.SearchStrategy[int]:
    sizes = [
        st.just(1),  # one unit at the qty precision
        st.integers(1, 10**7),
        st.just(10**12 * 10**qp),  # a trillion whole units
    ]
    if allow_zero:
        sizes.append(st.just(0))
    return st.one_of(*sizes)


@dataclass
class Scenario:
    pp: int
    qp: int
    depth: int
    snapshot: tuple[list[tuple[Wire, Wire]], list[tuple[Wire, Wire]]]
    """(bids, asks)"""
    updates: list[tuple[list[tuple[Wire, Wire]], list[tuple[Wire, Wire]]]]


@st.composite
def scenarios(draw: st.DrawFn, max_updates: int = 12) -> Scenario:
    pp = draw(st.integers(0, 8))
    qp = draw(st.integers(0, 8))
    depth = draw(st.sampled_from([1, 3, 10, 25, 100, 1000]))

    def side(ticks: st.SearchStrategy[int], allow_zero: bool, max_size: int) -> Any:
        level = st.tuples(ticks, qty_units(qp, allow_zero), STYLES, STYLES)
        raw = draw(st.lists(level, max_size=max_size))
        return [(wire_number(t, pp, ps), wire_number(q, qp, qs)) for t, q, ps, qs in raw]

    snapshot = (side(BID_TICKS, False, 30), side(ASK_TICKS, False, 30))
    count = draw(st.integers(0, max_updates))
    # Same price several times in one message, deletes of unknown prices and both sides
    # in one message all come out of small tick ranges and qty 0 in the mix.
    updates = [(side(BID_TICKS, True, 5), side(ASK_TICKS, True, 5)) for _ in range(count)]
    return Scenario(pp, qp, depth, snapshot, updates)


def as_text(levels: list[tuple[Wire, Wire]]) -> list[tuple[str, str]]:
    return [(str(p), str(q)) for p, q in levels]


def as_wire(bids: list[tuple[Wire, Wire]], asks: list[tuple[Wire, Wire]], crc: int) -> Any:
    return {
        "symbol": "T/USD",
        "bids": [{"price": p, "qty": q} for p, q in bids],
        "asks": [{"price": p, "qty": q} for p, q in asks],
        "checksum": crc,
    }


def assert_same_levels(book: L2Book, ref: ReferenceBook, n: int) -> None:
    pp, qp = book.price_precision, book.qty_precision
    asks = [(from_scaled(p, pp), from_scaled(q, qp)) for p, q in book.asks(n)]
    bids = [(from_scaled(p, pp), from_scaled(q, qp)) for p, q in book.bids(n)]
    assert asks == ref.top_asks(n)
    assert bids == ref.top_bids(n)


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_spot_book_matches_reference_on_every_step(s: Scenario) -> None:
    ref = ReferenceBook(s.pp, s.qp, s.depth)
    by_apply = SpotBook("T/USD", s.pp, s.qp, s.depth)
    by_wire = SpotBook("T/USD", s.pp, s.qp, s.depth)
    for index, (bids, asks) in enumerate([s.snapshot, *s.updates]):
        snapshot = index == 0
        ref.apply(as_text(bids), as_text(asks), snapshot=snapshot)
        crc = ref.checksum()
        result = by_apply.apply(bids, asks, crc, snapshot=snapshot)
        assert result is ApplyResult.OK
        assert apply_spot_book_message(by_wire, as_wire(bids, asks, crc), snapshot) is result
        for book in (by_apply, by_wire):
            assert book.checksum() == crc
            assert_same_levels(book, ref, s.depth)
            assert len(book.asks()) <= s.depth and len(book.bids()) <= s.depth
            assert book.health is BookHealth.SYNCED
    assert by_apply.checksum_ok == by_wire.checksum_ok == 1 + len(s.updates)


@settings(max_examples=80, deadline=None)
@given(scenarios(max_updates=3), st.integers(1, 2**32 - 1), st.booleans())
def test_wrong_checksum_is_a_mismatch_and_drops_the_book(
    s: Scenario, offset: int, use_wire: bool
) -> None:
    ref = ReferenceBook(s.pp, s.qp, s.depth)
    book = SpotBook("T/USD", s.pp, s.qp, s.depth)
    bids, asks = s.snapshot
    ref.apply(as_text(bids), as_text(asks), snapshot=True)
    good = ref.checksum()
    wrong = (good + offset) % 2**32
    if use_wire:
        assert apply_spot_book_message(book, as_wire(bids, asks, good), True) is ApplyResult.OK
        result = apply_spot_book_message(book, as_wire([], [], wrong), False)
        after = apply_spot_book_message(book, as_wire([], [], good), False)
    else:
        assert book.apply(bids, asks, good, snapshot=True) is ApplyResult.OK
        result = book.apply([], [], wrong, snapshot=False)
        after = book.apply([], [], good, snapshot=False)
    assert result is ApplyResult.CHECKSUM_MISMATCH
    assert result.needs_resync
    assert after is ApplyResult.IGNORED
    assert (book.checksum_ok, book.checksum_bad, book.resyncs) == (1, 1, 1)
    assert book.health is BookHealth.RESYNCING
    assert book.awaiting_snapshot
    assert len(book) == 0


@st.composite
def futures_streams(draw: st.DrawFn) -> tuple[int, int, list[Any], list[Any]]:
    pp = draw(st.integers(0, 6))
    qp = draw(st.integers(0, 6))

    def levels(ticks: st.SearchStrategy[int]) -> list[tuple[Wire, Wire]]:
        raw = draw(st.lists(st.tuples(ticks, qty_units(qp, False), STYLES), max_size=25))
        return [(wire_number(t, pp, style), wire_number(q, qp, style)) for t, q, style in raw]

    snapshot = [levels(BID_TICKS), levels(ASK_TICKS)]
    delta = st.one_of(
        st.tuples(st.just("buy"), BID_TICKS, qty_units(qp, True), STYLES),
        st.tuples(st.just("sell"), ASK_TICKS, qty_units(qp, True), STYLES),
    )
    deltas = [
        (side, wire_number(t, pp, style), wire_number(q, qp, style))
        for side, t, q, style in draw(st.lists(delta, max_size=40))
    ]
    return pp, qp, snapshot, deltas


@settings(max_examples=150, deadline=None)
@given(futures_streams(), st.integers(0, 10**9))
def test_futures_book_matches_reference_on_every_step(
    stream: tuple[int, int, list[Any], list[Any]], first_seq: int
) -> None:
    pp, qp, (bids, asks), deltas = stream
    ref = ReferenceBook(pp, qp, None)
    book = FuturesBook("PF_TEST", pp, qp)
    ref.apply(as_text(bids), as_text(asks), snapshot=True)
    assert book.apply_snapshot(first_seq, bids, asks) is ApplyResult.OK
    assert_same_levels(book, ref, 10**6)
    for offset, (side, price, qty) in enumerate(deltas, start=1):
        level = [(str(price), str(qty))]
        ref.apply(level if side == "buy" else [], level if side == "sell" else [], snapshot=False)
        assert book.apply_delta(first_seq + offset, side, price, qty) is ApplyResult.OK
        assert_same_levels(book, ref, 10**6)
        assert book.health is BookHealth.SYNCED
    assert book.last_seq == first_seq + len(deltas)
    assert book.seq_gaps == 0


@settings(max_examples=80, deadline=None)
@given(scenarios(), st.lists(st.booleans(), min_size=13, max_size=13))
def test_mixing_both_entry_points_on_one_book_stays_exact(
    s: Scenario, use_wire: list[bool]
) -> None:
    """SpotBook.apply and the wire fast path share the book's cached checksum halves."""
    ref = ReferenceBook(s.pp, s.qp, s.depth)
    book = SpotBook("T/USD", s.pp, s.qp, s.depth)
    for index, (bids, asks) in enumerate([s.snapshot, *s.updates]):
        snapshot = index == 0
        ref.apply(as_text(bids), as_text(asks), snapshot=snapshot)
        crc = ref.checksum()
        if use_wire[index]:
            result = apply_spot_book_message(book, as_wire(bids, asks, crc), snapshot)
        else:
            result = book.apply(bids, asks, crc, snapshot=snapshot)
        assert result is ApplyResult.OK
        assert_same_levels(book, ref, s.depth)

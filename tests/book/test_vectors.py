"""Every book/checksum vector in shared/vectors reproduced by the engine (both entry points)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import msgspec
import pytest

from kraken_tui.book import ApplyResult, BookHealth, FuturesBook, SpotBook, level_text
from kraken_tui.book.wire import apply_spot_book_message
from kraken_tui.model.scaled import from_scaled
from tests.book.vectors import LOCAL_VECTORS, SHARED_VECTORS, load_vector, vector_path

SpotApplier = Callable[[SpotBook, dict[str, Any], bool], ApplyResult]


def _apply_tuples(book: SpotBook, data: dict[str, Any], is_snapshot: bool) -> ApplyResult:
    """SpotBook.apply with (price_text, qty_text) pairs."""
    bids = [(level["price"], level["qty"]) for level in data.get("bids", [])]
    asks = [(level["price"], level["qty"]) for level in data.get("asks", [])]
    return book.apply(bids, asks, data.get("checksum"), snapshot=is_snapshot)


APPLIERS = pytest.mark.parametrize(
    "apply", [_apply_tuples, apply_spot_book_message], ids=["SpotBook.apply", "wire"]
)


def test_vector_copies_match_the_shared_set() -> None:
    """Every shared vector has a byte-identical copy here (book, checksum and signing)."""
    names = sorted(p.name for p in LOCAL_VECTORS.glob("*.json"))
    assert len(names) == 8
    if not SHARED_VECTORS.is_dir():
        pytest.skip("no shared/vectors beside this clone")
    assert names == sorted(p.name for p in SHARED_VECTORS.glob("*.json"))
    for name in names:
        assert (LOCAL_VECTORS / name).read_bytes() == (SHARED_VECTORS / name).read_bytes(), name


# --------------------------------------------------------------------- official v2 example
@APPLIERS
def test_official_v2_example_strings_and_checksum(apply: SpotApplier) -> None:
    vector = load_vector("book_checksum_v2.json")
    book = SpotBook(vector["symbol"], vector["price_precision"], vector["qty_precision"], 10)
    data = {
        "symbol": vector["symbol"],
        "asks": [{"price": p, "qty": q} for p, q in vector["asks"]],
        "bids": [{"price": p, "qty": q} for p, q in vector["bids"]],
        "checksum": vector["expected_checksum"],
    }
    assert apply(book, data, True) is ApplyResult.OK
    asks_string = "".join(level_text(p, q) for p, q in book.asks(10))
    bids_string = "".join(level_text(p, q) for p, q in book.bids(10))
    assert asks_string == vector["expected_asks_string"]
    assert bids_string == vector["expected_bids_string"]
    assert asks_string + bids_string == vector["expected_checksum_input"]
    assert book.checksum() == vector["expected_checksum"] == 3310070434
    assert book.checksum_ok == 1
    assert book.health is BookHealth.SYNCED


# ------------------------------------------------------------------------- MATIC docs pair
@APPLIERS
def test_matic_docs_snapshot_then_update(apply: SpotApplier) -> None:
    vector = load_vector("book_checksum_v2_matic_docs.json")
    assert (vector["price_precision"], vector["qty_precision"]) == (4, 8)
    book = SpotBook("MATIC/USD", 4, 8, vector["depth"])
    snapshot = vector["snapshot_message"]["data"][0]
    # The docs' numbers lost trailing zeros; the engine must pad to the precision.
    assert any(level["price"] == "0.566" for level in snapshot["bids"])
    assert apply(book, snapshot, True) is ApplyResult.OK
    assert book.checksum() == vector["expected_checksum_after_snapshot"] == 2439117997
    update = vector["update_message"]["data"][0]
    assert apply(book, update, False) is ApplyResult.OK
    assert book.checksum() == vector["expected_checksum_after_update"] == 2114181697
    assert book.checksum_ok == 2
    assert book.checksum_bad == 0
    assert len(book.bids()) == 10  # the update's new bid pushed one level out of depth 10


# ------------------------------------------------------------------ real v2 BTC/USD stream
@APPLIERS
def test_real_v2_sequence_all_510_checksums(apply: SpotApplier) -> None:
    vector = load_vector("book_checksum_v2_sequence_btcusd.json")
    book = SpotBook(vector["symbol"], vector["price_precision"], vector["qty_precision"], 10)
    messages = [vector["fixture"]["init"], *vector["fixture"]["updates"]]
    results = [apply(book, m["data"][0], m["type"] == "snapshot") for m in messages]
    assert len(results) == 510
    assert results.count(ApplyResult.OK) == 510
    assert book.checksum_ok == 510
    assert book.checksum_bad == 0
    assert messages[0]["data"][0]["checksum"] == 2785033588
    assert messages[1]["data"][0]["checksum"] == 3547452596


def test_real_v2_sequence_detects_a_tampered_level() -> None:
    vector = load_vector("book_checksum_v2_sequence_btcusd.json")
    book = SpotBook("BTC/USD", 1, 8, 10)
    messages = [vector["fixture"]["init"], *vector["fixture"]["updates"]]
    assert messages[6]["data"][0]["asks"], "pick an update that carries an ask"
    tampered = msgspec.json.decode(msgspec.json.encode(messages[6]))
    tampered["data"][0]["asks"][-1]["qty"] = "0.12345678"
    results = [
        apply_spot_book_message(book, m["data"][0], m["type"] == "snapshot")
        for m in [*messages[:6], tampered, *messages[7:9]]
    ]
    assert results[:6] == [ApplyResult.OK] * 6
    assert results[6] is ApplyResult.CHECKSUM_MISMATCH
    assert results[7:] == [ApplyResult.IGNORED] * 2
    assert book.health is BookHealth.RESYNCING
    assert len(book) == 0


# ------------------------------------------------------------------ legacy v1 XBT/USD stream
def _v1_levels(rows: list[list[str]]) -> list[tuple[str, str]]:
    """v1 levels are [price, volume, timestamp(, "r")]; the strings are already padded."""
    return [(row[0], row[1]) for row in rows]


def _v1_decimals(text: str) -> int:
    return len(text.partition(".")[2])


def _replay_v1(
    messages: list[Any], book: SpotBook | None = None
) -> tuple[SpotBook, list[ApplyResult]]:
    """Feed a v1 book stream to SpotBook (v1 is not part of the product; this helper is the test's).

    Snapshot: ``[chan, {"as": [...], "bs": [...]}, "book-10", pair]``. Update:
    ``[chan, {"a": [...]}?, {"b": [...]}?, "book-10", pair]`` where the checksum string
    ``"c"`` sits in the last dict. Events (dicts) are skipped.
    """
    results: list[ApplyResult] = []
    for message in messages:
        if not isinstance(message, list):
            continue
        parts = [part for part in message[1:-2] if isinstance(part, dict)]
        if "as" in parts[0]:
            asks, bids = parts[0]["as"], parts[0]["bs"]
            if book is None:
                book = SpotBook(message[-1], _v1_decimals(asks[0][0]), _v1_decimals(asks[0][1]))
            results.append(book.apply(_v1_levels(bids), _v1_levels(asks), None, snapshot=True))
            continue
        assert book is not None, "update before snapshot"
        asks = [row for part in parts for row in part.get("a", [])]
        bids = [row for part in parts for row in part.get("b", [])]
        checksum = int(parts[-1]["c"])
        results.append(book.apply(_v1_levels(bids), _v1_levels(asks), checksum, snapshot=False))
    assert book is not None
    return book, results


def test_legacy_v1_sequence_all_979_checksums() -> None:
    vector = load_vector("book_checksum_v1_sequence_xbtusd.json")
    init, updates = vector["fixture"]["init"], vector["fixture"]["updates"]
    book, results = _replay_v1([*init, *updates])
    assert (book.price_precision, book.qty_precision, book.depth) == (5, 8, 10)
    assert results[0] is ApplyResult.OK  # the snapshot (v1 sends no checksum on it)
    assert len(results) == 1 + 979
    assert results[1:].count(ApplyResult.OK) == 979
    assert book.checksum_ok == 979
    assert book.checksum_bad == 0
    assert updates[0][1]["c"] == "3572756970"


# ----------------------------------------------------------------- Futures v1 capture
def _futures_frames() -> list[dict[str, Any]]:
    decoder = msgspec.json.Decoder(float_hook=str)
    return [
        decoder.decode(frame) for frame in load_vector("fixture_futures_ws_capture.json")["frames"]
    ]


def _max_decimals(frames: list[dict[str, Any]], product: str, field: str) -> int:
    values: list[Any] = []
    for frame in frames:
        if frame.get("product_id") != product:
            continue
        if frame.get("feed") == "book_snapshot":
            values += [level[field] for level in frame["bids"] + frame["asks"]]
        elif frame.get("feed") == "book":
            values.append(frame[field])
    return max(_v1_decimals(v) if isinstance(v, str) else 0 for v in values)


def _futures_books(frames: list[dict[str, Any]]) -> dict[str, FuturesBook]:
    products = {f["product_id"] for f in frames if f.get("feed") == "book_snapshot"}
    return {
        p: FuturesBook(p, _max_decimals(frames, p, "price"), _max_decimals(frames, p, "qty"))
        for p in products
    }


def test_futures_capture_replays_without_gaps_and_never_crosses() -> None:
    frames = _futures_frames()
    books = _futures_books(frames)
    assert set(books) == {"PI_LTCUSD"}
    reference: dict[str, dict[str, dict[str, str]]] = {}
    applied = 0
    for frame in frames:
        feed, product = frame.get("feed"), str(frame.get("product_id"))
        if "event" in frame:
            continue
        if feed == "book_snapshot":
            book = books[product]
            result = book.apply_snapshot(
                frame["seq"],
                *[[(lvl["price"], lvl["qty"]) for lvl in frame[side]] for side in ("bids", "asks")],
            )
            reference[product] = {
                "buy": {lvl["price"]: lvl["qty"] for lvl in frame["bids"]},
                "sell": {lvl["price"]: lvl["qty"] for lvl in frame["asks"]},
            }
        elif feed == "book":
            book = books[product]
            result = book.apply_delta(frame["seq"], frame["side"], frame["price"], frame["qty"])
            levels_by_price = reference[product][frame["side"]]
            if Decimal(frame["qty"]) == 0:
                levels_by_price.pop(frame["price"], None)
            else:
                levels_by_price[frame["price"]] = frame["qty"]
        else:
            continue
        applied += 1
        assert result is ApplyResult.OK, frame
        assert book.health is BookHealth.SYNCED
        assert not book.is_crossed()
    assert applied == 41  # one snapshot and 40 deltas
    book = books["PI_LTCUSD"]
    assert book.seq_gaps == 0
    assert book.last_seq == 3423075
    # Final levels equal an independent dict replay of the same frames.
    for side, levels in (("buy", book.bids()), ("sell", book.asks())):
        expected = sorted(
            ((Decimal(p), Decimal(q)) for p, q in reference["PI_LTCUSD"][side].items()),
            reverse=side == "buy",
        )
        got = [
            (from_scaled(p, book.price_precision), from_scaled(q, book.qty_precision))
            for p, q in levels
        ]
        assert got == expected, side


def test_futures_capture_injected_gap_is_detected() -> None:
    frames = [
        f for f in _futures_frames() if f.get("feed") in ("book_snapshot", "book") and "seq" in f
    ]
    book = _futures_books(frames)["PI_LTCUSD"]
    snapshot, deltas = frames[0], frames[1:]
    book.apply_snapshot(
        snapshot["seq"],
        [(lvl["price"], lvl["qty"]) for lvl in snapshot["bids"]],
        [(lvl["price"], lvl["qty"]) for lvl in snapshot["asks"]],
    )
    results = [
        book.apply_delta(d["seq"], d["side"], d["price"], d["qty"])
        for i, d in enumerate(deltas)
        if i != 10  # drop one delta: the next seq jumps by two
    ]
    assert results[:10] == [ApplyResult.OK] * 10
    assert results[10] is ApplyResult.SEQ_GAP
    assert results[11:] == [ApplyResult.IGNORED] * (len(deltas) - 12)
    assert book.seq_gaps == 1
    assert book.health is BookHealth.RESYNCING
    assert book.awaiting_snapshot
    assert len(book) == 0


def test_vector_path_prefers_shared_then_local() -> None:
    path = vector_path("book_checksum_v2.json")
    assert path.is_file()
    expected = SHARED_VECTORS if SHARED_VECTORS.is_dir() else LOCAL_VECTORS
    assert path.parent == expected

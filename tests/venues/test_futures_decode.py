"""Futures v1 decoding: docs examples, the real capture, leniency, FrameError contract."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kraken_tui.venues import FrameError, UnknownFrame
from kraken_tui.venues.kraken_futures import codec
from kraken_tui.venues.kraken_futures.messages import (
    FuturesBookDelta,
    FuturesBookSnapshot,
    FuturesEvent,
    FuturesHeartbeat,
    FuturesRequest,
    FuturesTicker,
    FuturesTickerLite,
    FuturesTrade,
    FuturesTradeSnapshot,
)
from tests.venues import futures_docs as docs

CAPTURE = Path(__file__).resolve().parents[1] / "vectors" / "fixture_futures_ws_capture.json"


def test_book_snapshot_and_delta() -> None:
    snap = codec.decode(docs.BOOK_SNAPSHOT)
    assert snap == FuturesBookSnapshot(
        product_id="PI_XBTUSD",
        seq=326072249,
        bids=[("34892.5", 6385), (34892, 10924)],
        asks=[("34911.5", 20598), (34912, 2300)],
        timestamp=1612269825817,
        tick_size=None,
    )
    delta = codec.decode(docs.BOOK_DELTA)
    assert delta == FuturesBookDelta("PI_XBTUSD", "sell", 326094134, 34981, 0, 1612269953629)


def test_ticker_all_fields() -> None:
    ticker = codec.decode(docs.TICKER)
    assert isinstance(ticker, FuturesTicker)
    assert ticker.product_id == "PI_XBTUSD"
    assert ticker.funding_rate == Decimal("-6.2604214e-11")
    assert ticker.relative_funding_rate == Decimal("-1.380384722222e-6")
    assert ticker.next_funding_rate_time == 1676394000000
    assert str(ticker.mark_price) == "21979.68641534714"
    assert str(ticker.open_interest) == "30072580.0"
    assert ticker.volume_quote == Decimal("31403908")
    assert ticker.maturity_time == 0 and ticker.dtm == 0
    assert (ticker.tag, ticker.pair, ticker.leverage) == ("perpetual", "XBT:USD", "50x")
    assert ticker.suspended is False and ticker.post_only is False
    assert (ticker.open, ticker.high, ticker.low) == (
        Decimal("21968.5"),
        Decimal("22123.0"),
        Decimal("21456.0"),
    )


def test_ticker_without_funding_fields() -> None:
    trimmed = {k: v for k, v in json.loads(docs.TICKER).items() if "funding" not in k}
    ticker = codec.decode(json.dumps(trimmed))
    assert isinstance(ticker, FuturesTicker)
    assert ticker.funding_rate is None and ticker.next_funding_rate_time is None


def test_ticker_lite_trade_heartbeat() -> None:
    lite = codec.decode(docs.TICKER_LITE)
    assert isinstance(lite, FuturesTickerLite)
    assert lite.bid == Decimal(34932) and str(lite.ask) == "34949.5"
    assert lite.volume_quote == Decimal(264126741)
    trade = codec.decode(docs.TRADE)
    assert isinstance(trade, FuturesTrade)
    assert (trade.uid, trade.side, trade.type, trade.seq) == (
        "05af78ac-a774-478c-a50c-8b9c234e071e",
        "sell",
        "fill",
        653355,
    )
    assert trade.qty == Decimal(15000) and str(trade.price) == "34969.5"
    beat = codec.decode(docs.HEARTBEAT)
    assert isinstance(beat, FuturesHeartbeat) and beat.time == 1534262350627


def test_trade_snapshot_newest_first() -> None:
    snap = codec.decode(docs.TRADE_SNAPSHOT)
    assert isinstance(snap, FuturesTradeSnapshot)
    assert [t.seq for t in snap.trades] == [653354, 653353]
    assert snap.trades[1].type == "liquidation" and str(snap.trades[1].qty) == "5.5"


def test_events() -> None:
    sub = codec.decode(docs.SUBSCRIBED_BOOK)
    assert isinstance(sub, FuturesEvent)
    assert (sub.event, sub.feed, sub.product_ids) == ("subscribed", "book", ["PI_XBTUSD"])
    spaced = codec.decode(docs.SUBSCRIBED_TRAILING_SPACE)
    assert isinstance(spaced, FuturesEvent) and spaced.event == "subscribed"
    err = codec.decode(docs.ERROR)
    assert isinstance(err, FuturesEvent) and err.message == "Invalid product id"
    alert = codec.decode(docs.ALERT)
    assert isinstance(alert, FuturesEvent) and alert.event == "alert"
    info = codec.decode(docs.INFO)
    assert isinstance(info, FuturesEvent) and info.version == 1
    chal = codec.decode(docs.CHALLENGE_REPLY)
    assert isinstance(chal, FuturesEvent)
    assert chal.message == "226aee50-88fc-4618-a42a-34f7709570b2"
    for name in ("unsubscribed", "subscribed_failed", "unsubscribed_failed"):
        event = codec.decode(json.dumps({"event": name, "feed": "ticker"}))
        assert isinstance(event, FuturesEvent) and event.event == name


def test_requests_decode_for_the_server() -> None:
    sub = codec.decode_request(docs.SUBSCRIBE_BOOK)
    assert isinstance(sub, FuturesRequest)
    assert (sub.event, sub.feed, sub.product_ids) == ("subscribe", "book", ["PI_XBTUSD"])
    beat = codec.decode_request(docs.SUBSCRIBE_HEARTBEAT)
    assert isinstance(beat, FuturesRequest) and beat.product_ids is None
    chal = codec.decode_request(docs.CHALLENGE_REQUEST)
    assert isinstance(chal, FuturesRequest) and chal.api_key is not None
    assert isinstance(codec.decode_request('{"event":"dance"}'), UnknownFrame)


def test_capture_frames_all_decode() -> None:
    capture = json.loads(CAPTURE.read_text())
    frames = capture["frames"]
    assert len(frames) == 47
    decoded = [codec.decode(frame) for frame in frames]
    assert not any(isinstance(d, UnknownFrame) for d in decoded)
    snapshots = [d for d in decoded if isinstance(d, FuturesBookSnapshot)]
    deltas = [d for d in decoded if isinstance(d, FuturesBookDelta)]
    assert len(snapshots) == 1 and len(deltas) == 40
    assert snapshots[0].product_id == "PI_LTCUSD" and snapshots[0].seq == 3423035
    assert snapshots[0].bids[0] == ("119.31", "320.0")
    seqs = [snapshots[0].seq, *(d.seq for d in deltas)]
    assert seqs == list(range(seqs[0], seqs[0] + 41))
    for request in capture["client_requests"]:
        req = codec.decode_request(request)
        assert isinstance(req, FuturesRequest) and req.product_ids is not None
        assert len(req.product_ids) == 10


def test_unknown_fields_and_values_parse() -> None:
    trade = codec.decode(
        '{"feed":"trade","product_id":"PF_XBTUSD","side":"buy","type":"auction",'
        '"seq":1,"time":1,"qty":1,"price":2,"venue":"moon"}'
    )
    assert isinstance(trade, FuturesTrade) and trade.type == "auction"
    ticker = codec.decode(
        '{"feed":"ticker","product_id":"OF_ETHUSD_240101_1000_C","tag":"weekly",'
        '"greeks":{"iv":0.5},"markPrice":1.5}'
    )
    assert isinstance(ticker, FuturesTicker) and ticker.tag == "weekly"


@pytest.mark.parametrize(
    "frame",
    [
        "<html>301 Moved</html>",
        "[]",
        "[{}]",
        "null",
        '{"event": 5}',
        '{"feed": 5}',
        '{"feed":"book","product_id":"X","side":"buy","seq":1,"qty":1,"timestamp":1}',
        '{"feed":"book","product_id":"X","side":"buy","seq":1,"price":1,"timestamp":1}',
        '{"feed":"book","product_id":"X","side":"buy","seq":"1","price":1,"qty":1}',
        '{"feed":"book","product_id":"X","seq":1,"price":1,"qty":1}',
        '{"feed":"book","side":"buy","seq":1,"price":1,"qty":1}',
        '{"feed":"book_snapshot","product_id":"X","seq":1,"asks":[]}',
        '{"feed":"book_snapshot","product_id":"X","seq":1,"bids":[[1,2]],"asks":[]}',
        '{"feed":"book_snapshot","product_id":"X","seq":1,"bids":[{"qty":2}],"asks":[]}',
        '{"feed":"book_snapshot","product_id":"X","bids":[],"asks":[]}',
        '{"feed":"ticker","bid":1}',
        '{"feed":"ticker","product_id":"X","bid":"lots"}',
        '{"feed":"trade","product_id":"X","side":"buy","time":1,"qty":1}',
        '{"feed":"trade_snapshot","product_id":"X","trades":[1]}',
        '{"event":"subscribed","product_ids":"PI_XBTUSD"}',
    ],
)
def test_malformed_frames_raise_frame_error(frame: str) -> None:
    with pytest.raises(FrameError):
        codec.decode(frame)


@pytest.mark.parametrize(
    "frame",
    [
        '{"feed":"open_orders","orders":[]}',
        '{"event":"something_new"}',
        '{"product_id":"X"}',
    ],
)
def test_unknown_kinds(frame: str) -> None:
    assert isinstance(codec.decode(frame), UnknownFrame)

"""Spot v2 server encoders -> client decoders, exact number text, and mapping."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kraken_tui.book import SpotBook
from kraken_tui.model import Instrument, InstrumentKind, Ticker, Trade, TradeSide, Venue
from kraken_tui.venues import FrameError
from kraken_tui.venues.kraken_spot import codec
from kraken_tui.venues.kraken_spot.mapping import (
    instrument_from_pair,
    pair_from_instrument,
    ticker_from_wire,
    trade_from_wire,
)
from kraken_tui.venues.kraken_spot.messages import (
    BookFrame,
    HeartbeatMessage,
    InstrumentMessage,
    MethodResponse,
    PongMessage,
    StatusMessage,
    SubscribeRequest,
    TickerMessage,
    TradeData,
    TradeMessage,
)
from tests.venues import spot_docs as docs

BTC_USD = Instrument(
    symbol="BTC/USD",
    venue=Venue.SPOT,
    kind=InstrumentKind.SPOT,
    base="BTC",
    quote="USD",
    price_precision=1,
    qty_precision=8,
    tick_size=Decimal("0.1"),
    qty_min=Decimal("0.0001"),
)


def test_book_numbers_written_with_exact_precision() -> None:
    text = codec.encode_book("BTC/USD", [(294302, 100000)], [(294310, 5)], 77, 0, True, 1, 8)
    assert '"price":29430.2,"qty":0.00100000' in text
    assert '"price":29431.0,"qty":0.00000005' in text
    frame = codec.decode(text)
    assert isinstance(frame, BookFrame)
    assert frame.is_snapshot and frame.checksum == 77
    assert frame.bids == [("29430.2", "0.00100000")]
    assert frame.asks == [("29431.0", "0.00000005")]
    assert frame.timestamp == "1970-01-01T00:00:00.000000Z"


def test_book_roundtrip_reproduces_docs_checksum() -> None:
    # The docs MATIC/USD levels (precision 4/8) as scaled ints, written by the
    # server encoder and fed back through decode into the book engine.
    source = codec.decode(docs.BOOK_SNAPSHOT)
    assert isinstance(source, BookFrame)

    def scaled(levels: list[tuple[str | int, str | int]]) -> list[tuple[int, int]]:
        return [(int(Decimal(p).scaleb(4)), int(Decimal(q).scaleb(8))) for p, q in levels]

    text = codec.encode_book(
        "MATIC/USD",
        scaled(source.bids),
        scaled(source.asks),
        2439117997,
        "2023-10-06T17:35:55.440295Z",
        True,
        4,
        8,
    )
    assert '{"price":0.5660,"qty":18097.15470000}' in text
    frame = codec.decode(text)
    assert isinstance(frame, BookFrame)
    book = SpotBook("MATIC/USD", 4, 8, depth=10)
    result = book.apply(frame.bids, frame.asks, frame.checksum, snapshot=True)
    assert not result.needs_resync
    assert book.checksum() == 2439117997


def test_ticker_roundtrip_and_mapping() -> None:
    ticker = Ticker(
        symbol="BTC/USD",
        bid=Decimal("29430.2"),
        bid_qty=Decimal("1.5"),
        ask=Decimal("29430.3"),
        ask_qty=Decimal("0.25"),
        last=Decimal("29430.2"),
        volume=Decimal("1234.5"),
        vwap=Decimal("29000.04"),
        low=Decimal("28000"),
        high=Decimal("30000"),
        change_pct=Decimal("1.234"),
        time_ms=1_696_613_755_440,
    )
    text = codec.encode_ticker(ticker, 1, 8, change=Decimal("100.5"), snapshot=True)
    assert '"bid_qty":1.50000000' in text
    assert '"vwap":29000.0' in text  # rounded to the price precision
    assert '"change_pct":1.23' in text
    msg = codec.decode(text)
    assert isinstance(msg, TickerMessage) and msg.type == "snapshot"
    assert msg.data[0].timestamp == "2023-10-06T17:35:55.440000Z"
    back = ticker_from_wire(msg.data[0])
    assert back.bid == Decimal("29430.2") and back.ask_qty == Decimal("0.25")
    assert back.change_pct == Decimal("1.23")
    assert back.time_ms == 1_696_613_755_440
    assert back.mark is None and back.funding_rate is None


def test_trade_roundtrip_and_mapping() -> None:
    trades = [
        Trade(
            "BTC/USD", TradeSide.SELL, Decimal("29430.2"), Decimal("0.5"), 1_695_628_177_708, "42"
        ),
        Trade(
            "BTC/USD", TradeSide.SELL, Decimal("29430.1"), Decimal("0.1"), 1_695_628_177_708, "43"
        ),
    ]
    text = codec.encode_trade(trades, 1, 8, ord_type="market")
    assert '"qty":0.50000000' in text and '"trade_id":42' in text
    msg = codec.decode(text)
    assert isinstance(msg, TradeMessage) and msg.type == "update"
    mapped = [trade_from_wire(d) for d in msg.data]
    assert mapped[0] == Trade(
        "BTC/USD", TradeSide.SELL, Decimal("29430.2"), Decimal("0.5"), 1_695_628_177_708, "42"
    )
    assert mapped[1].trade_id == "43"
    assert all(d.ord_type == "market" for d in msg.data)


def test_instrument_snapshot_roundtrip_and_mapping() -> None:
    matic = Instrument(
        "MATIC/GBP",
        Venue.SPOT,
        InstrumentKind.SPOT,
        "MATIC",
        "GBP",
        4,
        8,
        Decimal("0.0001"),
        Decimal("4"),
        status="post_only",
    )
    text = codec.encode_instrument_snapshot([BTC_USD, matic])
    assert '"qty_increment":0.00000001' in text
    assert '"price_increment":0.1' in text
    msg = codec.decode(text)
    assert isinstance(msg, InstrumentMessage) and msg.type == "snapshot"
    assert {a.id for a in msg.data.assets} == {"BTC", "USD", "MATIC", "GBP"}
    assert [instrument_from_pair(p) for p in msg.data.pairs] == [BTC_USD, matic]
    assert instrument_from_pair(pair_from_instrument(matic)) == matic


def test_docs_instrument_pairs_map() -> None:
    msg = codec.decode(docs.INSTRUMENT_SNAPSHOT)
    assert isinstance(msg, InstrumentMessage)
    btc = instrument_from_pair(msg.data.pairs[0])
    assert btc == BTC_USD
    assert btc.tick_scaled == 1


def test_tick_size_fallbacks() -> None:
    msg = codec.decode(
        '{"channel":"instrument","type":"snapshot","data":{"assets":[],"pairs":['
        '{"symbol":"A/B","base":"A","quote":"B","qty_precision":2,"price_precision":3,'
        '"tick_size":0.005},{"symbol":"C/D","base":"C","quote":"D","qty_precision":0,'
        '"price_precision":2}]}}'
    )
    assert isinstance(msg, InstrumentMessage)
    first, second = (instrument_from_pair(p) for p in msg.data.pairs)
    assert first.tick_size == Decimal("0.005")
    assert second.tick_size == Decimal("0.01")


def test_acks_and_error_acks() -> None:
    ack = codec.decode(
        codec.encode_ack(
            "subscribe",
            "book",
            "BTC/USD",
            depth=25,
            snapshot=True,
            req_id=7,
            warnings=["w"],
            time_in="2023-10-06T17:35:55.219022Z",
        )
    )
    assert isinstance(ack, MethodResponse)
    assert ack.success and ack.req_id == 7 and ack.time_in == "2023-10-06T17:35:55.219022Z"
    assert ack.result is not None and ack.result.depth == 25 and ack.result.warnings == ["w"]
    assert ack.time_out is not None and ack.time_out.endswith("Z")

    err_text = codec.encode_error_ack("Subscription Not Found", symbol="BTC/USD", req_id=9)
    assert json.loads(err_text)["method"] == "subscribe"
    err = codec.decode(err_text)
    assert isinstance(err, MethodResponse)
    assert (err.success, err.error, err.subscribed_symbol) == (
        False,
        "Subscription Not Found",
        "BTC/USD",
    )


def test_heartbeat_status_pong() -> None:
    assert isinstance(codec.decode(codec.encode_heartbeat()), HeartbeatMessage)
    status = codec.decode(codec.encode_status("maintenance", 13834774380200032777))
    assert isinstance(status, StatusMessage)
    assert status.data[0].system == "maintenance"
    assert status.data[0].connection_id == 13834774380200032777
    pong = codec.decode(codec.encode_pong(101))
    assert isinstance(pong, PongMessage) and pong.req_id == 101


def test_client_requests() -> None:
    text = codec.subscribe("book", ["BTC/USD", "ETH/USD"], depth=25, snapshot=True, req_id=3)
    assert json.loads(text) == {
        "method": "subscribe",
        "params": {
            "channel": "book",
            "symbol": ["BTC/USD", "ETH/USD"],
            "depth": 25,
            "snapshot": True,
        },
        "req_id": 3,
    }
    req = codec.decode_request(text)
    assert isinstance(req, SubscribeRequest) and req.params.depth == 25
    assert json.loads(codec.unsubscribe("ticker", ["BTC/USD"], event_trigger="bbo")) == {
        "method": "unsubscribe",
        "params": {"channel": "ticker", "symbol": ["BTC/USD"], "event_trigger": "bbo"},
    }
    assert json.loads(codec.subscribe("instrument")) == {
        "method": "subscribe",
        "params": {"channel": "instrument"},
    }
    assert json.loads(codec.ping(5)) == {"method": "ping", "req_id": 5}


def test_trade_mapping_rejects_unknown_side_and_bad_time() -> None:
    base = {"symbol": "X", "price": "1", "qty": "1", "timestamp": "2023-09-25T07:49:37Z"}
    with pytest.raises(FrameError):
        trade_from_wire(TradeData.model_validate({**base, "side": "sideways"}))
    with pytest.raises(FrameError):
        trade_from_wire(TradeData.model_validate({**base, "side": "buy", "timestamp": "soon"}))

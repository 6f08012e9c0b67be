"""Spot v2 decoding: every docs example, leniency, and the FrameError contract."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kraken_tui.venues import FrameError, UnknownFrame
from kraken_tui.venues.kraken_spot import codec
from kraken_tui.venues.kraken_spot.messages import (
    BookFrame,
    HeartbeatMessage,
    InstrumentMessage,
    MethodResponse,
    PingRequest,
    PongMessage,
    StatusMessage,
    SubscribeRequest,
    TickerMessage,
    TradeMessage,
)
from tests.venues import spot_docs as docs


def test_book_snapshot_keeps_exact_number_text() -> None:
    frame = codec.decode(docs.BOOK_SNAPSHOT)
    assert isinstance(frame, BookFrame)
    assert frame.symbol == "MATIC/USD"
    assert frame.is_snapshot
    assert frame.checksum == 2439117997
    assert frame.timestamp == "2023-10-06T17:35:55.440295Z"
    assert frame.bids[0] == ("0.5666", "4831.75496356")
    assert frame.bids[6] == ("0.566", "18097.1547")
    assert frame.asks[2] == ("0.567", "49844.89424998")
    assert len(frame.bids) == len(frame.asks) == 10
    assert frame.data["bids"][0] == {"price": "0.5666", "qty": "4831.75496356"}


def test_book_update() -> None:
    frame = codec.decode(docs.BOOK_UPDATE)
    assert isinstance(frame, BookFrame)
    assert not frame.is_snapshot
    assert frame.bids == [("0.5657", "1098.3947558")]
    assert frame.asks == []
    assert frame.checksum == 2114181697


def test_book_trailing_zero_survives() -> None:
    text = (
        '{"channel":"book","type":"update","data":[{"symbol":"MATIC/USD",'
        '"bids":[{"price":0.5660,"qty":12}],"asks":[],"checksum":1,"timestamp":"t"}]}'
    )
    frame = codec.decode(text.encode())
    assert isinstance(frame, BookFrame)
    assert frame.bids == [("0.5660", 12)]


def test_docs_acks() -> None:
    for text, symbol in ((docs.ACK_BOOK_ALGO, "ALGO/USD"), (docs.ACK_BOOK_MATIC, "MATIC/USD")):
        ack = codec.decode(text)
        assert isinstance(ack, MethodResponse)
        assert ack.success and ack.method == "subscribe"
        assert ack.result is not None
        assert (ack.result.channel, ack.result.depth, ack.result.snapshot) == ("book", 10, True)
        assert ack.subscribed_symbol == symbol
        assert ack.time_in == "2023-10-06T17:35:55.219022Z"


def test_docs_error_ack_has_symbol_at_top_level() -> None:
    ack = codec.decode(docs.ERROR_ACK)
    assert isinstance(ack, MethodResponse)
    assert not ack.success
    assert ack.error == "Subscription Not Found"
    assert ack.result is None
    assert ack.subscribed_symbol == "BTC/USD"
    assert ack.req_id == 123456789


def test_docs_ticker_acks_echo_event_trigger_and_warnings() -> None:
    ack = codec.decode(docs.ACK_TICKER_TRIGGER)
    assert isinstance(ack, MethodResponse) and ack.result is not None
    assert ack.result.event_trigger == "trades"
    assert ack.req_id == 12345678
    unsub = codec.decode(docs.UNSUB_ACK_TICKER)
    assert isinstance(unsub, MethodResponse) and unsub.method == "unsubscribe"
    ohlc = codec.decode(docs.ACK_OHLC)
    assert isinstance(ohlc, MethodResponse) and ohlc.result is not None
    assert ohlc.result.interval == 5
    assert ohlc.result.warnings == ["timestamp is deprecated, use interval_begin"]
    inst = codec.decode(docs.ACK_INSTRUMENT)
    assert isinstance(inst, MethodResponse) and inst.result is not None
    assert inst.result.symbol is None and inst.req_id == 79
    plain = codec.decode(docs.ACK_TICKER)
    assert isinstance(plain, MethodResponse) and plain.subscribed_symbol == "ALGO/USD"


def test_pong_heartbeat_status() -> None:
    pong = codec.decode(docs.PONG)
    assert isinstance(pong, PongMessage) and pong.req_id == 101
    assert isinstance(codec.decode(docs.HEARTBEAT), HeartbeatMessage)
    status = codec.decode(docs.STATUS)
    assert isinstance(status, StatusMessage)
    assert status.data[0].system == "online"
    assert status.data[0].connection_id == 13834774380200032777


def test_ticker_snapshot_and_update() -> None:
    snap = codec.decode(docs.TICKER_SNAPSHOT)
    assert isinstance(snap, TickerMessage) and snap.type == "snapshot"
    entry = snap.data[0]
    assert entry.bid_qty is not None and str(entry.bid_qty) == "740.0"
    assert entry.change == Decimal("-0.00017")
    assert entry.change_pct == Decimal("-0.17")
    assert str(entry.volume) == "997038.98383185"
    upd = codec.decode(docs.TICKER_UPDATE)
    assert isinstance(upd, TickerMessage) and upd.data[0].ask == Decimal("0.10035")


def test_trade_snapshot_and_update() -> None:
    snap = codec.decode(docs.TRADE_SNAPSHOT)
    assert isinstance(snap, TradeMessage) and len(snap.data) == 2
    assert snap.data[0].trade_id == 4665846
    assert str(snap.data[1].qty) == "1136.19677815"
    upd = codec.decode(docs.TRADE_UPDATE)
    assert isinstance(upd, TradeMessage)
    assert (upd.data[0].side, upd.data[0].ord_type, str(upd.data[0].qty)) == (
        "sell",
        "market",
        "40.0",
    )


def test_instrument_snapshot_and_update() -> None:
    snap = codec.decode(docs.INSTRUMENT_SNAPSHOT)
    assert isinstance(snap, InstrumentMessage)
    assert [a.id for a in snap.data.assets] == ["USD", "BTC", "XRP"]
    btc, matic = snap.data.pairs
    assert btc.qty_increment == Decimal("1E-8")
    assert (btc.price_precision, btc.qty_precision) == (1, 8)
    assert str(btc.price_increment) == "0.1"
    assert matic.qty_min == Decimal(4)
    upd = codec.decode(docs.INSTRUMENT_UPDATE)
    assert isinstance(upd, InstrumentMessage) and upd.data.pairs == []


def test_ohlc_is_unknown_not_error() -> None:
    frame = codec.decode(docs.OHLC_UPDATE)
    assert isinstance(frame, UnknownFrame)
    assert frame.raw["channel"] == "ohlc"


def test_docs_requests_decode_for_the_server() -> None:
    req = codec.decode_request(docs.SUBSCRIBE_BOOK)
    assert isinstance(req, SubscribeRequest)
    assert req.params.channel == "book" and req.params.symbol == ["ALGO/USD", "MATIC/USD"]
    trade = codec.decode_request(docs.SUBSCRIBE_TRADE)
    assert isinstance(trade, SubscribeRequest) and trade.params.snapshot is True
    ohlc = codec.decode_request(docs.SUBSCRIBE_OHLC)
    assert isinstance(ohlc, SubscribeRequest) and ohlc.params.interval == 5
    inst = codec.decode_request(docs.SUBSCRIBE_INSTRUMENT)
    assert isinstance(inst, SubscribeRequest) and inst.params.symbol is None
    assert inst.req_id == 79
    ticker = codec.decode_request(docs.SUBSCRIBE_TICKER)
    assert isinstance(ticker, SubscribeRequest) and ticker.params.symbol == ["ALGO/USD"]
    ping = codec.decode_request(docs.PING)
    assert isinstance(ping, PingRequest) and ping.req_id == 101
    assert isinstance(codec.decode_request('{"method":"add_order","params":{}}'), UnknownFrame)


def test_unknown_fields_and_enum_values_parse() -> None:
    status = codec.decode(
        '{"channel":"status","type":"update","data":[{"system":"halted_for_lunch",'
        '"api_version":"v3","connection_id":1,"version":"9","brand_new":[1,2]}]}'
    )
    assert isinstance(status, StatusMessage) and status.data[0].system == "halted_for_lunch"
    trade = codec.decode(
        '{"channel":"trade","type":"update","data":[{"symbol":"BTC/USD","side":"buy",'
        '"price":1.5,"qty":2,"ord_type":"iceberg","trade_id":1,'
        '"timestamp":"2023-09-25T07:49:37.708706Z","venue":"x"}],"extra":true}'
    )
    assert isinstance(trade, TradeMessage) and trade.data[0].ord_type == "iceberg"
    inst = codec.decode(
        '{"channel":"instrument","type":"snapshot","data":{"assets":[],"pairs":[{"symbol":'
        '"A/B","base":"A","quote":"B","status":"gone_fishing","qty_precision":2,'
        '"price_precision":3,"price_increment":0.001,"new_field":"x"}],"other":[]}}'
    )
    assert isinstance(inst, InstrumentMessage) and inst.data.pairs[0].status == "gone_fishing"


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        b"\xff\xfe",
        "",
        '[{"channel":"book"}]',
        '"book"',
        '{"channel":"book","type":"snapshot"}',
        '{"channel":"book","type":"update","data":[]}',
        '{"channel":"book","type":"update","data":{"symbol":"X"}}',
        '{"channel":"book","type":"update","data":["x"]}',
        '{"channel":"book","type":"update","data":[{"bids":[],"asks":[]}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","bids":[{"qty":1}]}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","asks":[{"price":1}]}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","asks":[[1,2]]}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","asks":{"price":1}}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","bids":[{"price":null,"qty":1}]}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","bids":[],"checksum":"12"}]}',
        '{"channel":"book","type":"update","data":[{"symbol":"X","bids":[],"checksum":true}]}',
        '{"channel":["book"]}',
        '{"channel":"ticker","type":"update","data":["nope"]}',
        '{"channel":"ticker","type":"update","data":[{"symbol":"X","bid":"abc"}]}',
        '{"channel":"trade","type":"update","data":[{"symbol":"X"}]}',
        '{"channel":"instrument","type":"snapshot","data":[]}',
        '{"channel":"status","data":"online"}',
        '{"method":"subscribe","success":"maybe"}',
        '{"method":"pong","req_id":"x"}',
    ],
)
def test_malformed_frames_raise_frame_error(frame: str | bytes) -> None:
    with pytest.raises(FrameError) as info:
        codec.decode(frame)
    assert info.value.reason


@pytest.mark.parametrize(
    "frame", ['{"method":"subscribe"}', '{"method":"ping","req_id":[]}', "[1]"]
)
def test_malformed_requests_raise_frame_error(frame: str) -> None:
    with pytest.raises(FrameError):
        codec.decode_request(frame)


@pytest.mark.parametrize(
    "frame",
    [
        '{"channel":"level3","type":"update","data":[]}',
        '{"method":"add_order","success":true,"result":{}}',
        '{"Error":"Exceeded msg rate"}',
        "{}",
    ],
)
def test_unknown_kinds_are_unknown_frames(frame: str) -> None:
    result = codec.decode(frame)
    assert isinstance(result, UnknownFrame)
    assert isinstance(result.raw, dict)

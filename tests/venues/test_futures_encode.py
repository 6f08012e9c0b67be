"""Futures v1 server encoders -> client decoders, exact numbers, and WS mapping."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kraken_tui.book import FuturesBook
from kraken_tui.model import Ticker, Trade, TradeSide
from kraken_tui.venues import FrameError
from kraken_tui.venues.kraken_futures import codec
from kraken_tui.venues.kraken_futures.mapping import (
    ticker_from_lite,
    ticker_from_wire,
    trade_from_wire,
)
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


def test_book_snapshot_roundtrip_into_engine() -> None:
    text = codec.encode_book_snapshot(
        "PF_XBTUSD",
        10,
        [(349000, 12345), (348995, 5)],
        [(349010, 10000)],
        1612269825817,
        1,
        4,
        tick_size=Decimal("0.5"),
    )
    assert '"bids":[{"price":34900,"qty":1.2345},{"price":34899.5,"qty":0.0005}]' in text
    assert '"tickSize":0.5' in text
    snap = codec.decode(text)
    # Whole numbers go out without a fraction, so they decode as ints.
    assert snap == FuturesBookSnapshot(
        "PF_XBTUSD",
        10,
        [(34900, "1.2345"), ("34899.5", "0.0005")],
        [(34901, 1)],
        1612269825817,
        "0.5",
    )
    assert isinstance(snap, FuturesBookSnapshot)
    book = FuturesBook("PF_XBTUSD", 1, 4)
    assert not book.apply_snapshot(snap.seq, snap.bids, snap.asks).needs_resync
    delta = codec.decode(
        codec.encode_book_delta("PF_XBTUSD", "buy", 11, 349000, 0, 1612269825818, 1, 4)
    )
    assert delta == FuturesBookDelta("PF_XBTUSD", "buy", 11, 34900, 0, 1612269825818)
    assert not book.apply_delta(delta.seq, delta.side, delta.price, delta.qty).needs_resync
    assert book.bids() == [(348995, 5)]
    assert book.asks() == [(349010, 10000)]


def test_events_roundtrip() -> None:
    assert json.loads(codec.encode_info()) == {"event": "info", "version": 1}
    assert json.loads(codec.encode_subscribed("book", "PI_XBTUSD")) == json.loads(
        docs.SUBSCRIBED_BOOK
    )
    assert json.loads(codec.encode_subscribed("heartbeat")) == {
        "event": "subscribed",
        "feed": "heartbeat",
    }
    unsub = codec.decode(codec.encode_unsubscribed("ticker", "PF_ETHUSD"))
    assert isinstance(unsub, FuturesEvent)
    assert (unsub.event, unsub.product_ids) == ("unsubscribed", ["PF_ETHUSD"])
    assert json.loads(codec.encode_error("Invalid feed")) == {
        "event": "error",
        "message": "Invalid feed",
    }
    alert = codec.decode(codec.encode_alert("Failed"))
    assert isinstance(alert, FuturesEvent) and alert.message == "Failed"
    failed = codec.decode(
        codec.encode_event("subscribed_failed", feed="book", product_ids=["NOPE"])
    )
    assert isinstance(failed, FuturesEvent) and failed.event == "subscribed_failed"
    beat = codec.decode(codec.encode_heartbeat(1534262350627))
    assert isinstance(beat, FuturesHeartbeat) and beat.time == 1534262350627


def test_requests() -> None:
    assert json.loads(codec.subscribe("book", ["PI_XBTUSD"])) == json.loads(docs.SUBSCRIBE_BOOK)
    assert json.loads(codec.subscribe("heartbeat")) == json.loads(docs.SUBSCRIBE_HEARTBEAT)
    req = codec.decode_request(codec.unsubscribe("ticker", ["PF_XBTUSD", "PF_ETHUSD"]))
    assert isinstance(req, FuturesRequest)
    assert (req.event, req.product_ids) == ("unsubscribe", ["PF_XBTUSD", "PF_ETHUSD"])


PERP = Ticker(
    symbol="PF_XBTUSD",
    last=Decimal("21983.5"),
    bid=Decimal("21978.5"),
    ask=Decimal("21987"),
    bid_qty=Decimal("2.536"),
    ask_qty=Decimal("13.948"),
    change_pct=Decimal("1.99"),
    volume=Decimal("3140.3908"),
    high=Decimal("22123"),
    low=Decimal("21456"),
    mark=Decimal("21979.68"),
    index=Decimal("21984.54"),
    funding_rate=Decimal("0.0000125"),
    next_funding_ms=1676394000000,
    open_interest=Decimal("300.7258"),
    time_ms=1676393235406,
)


def test_ticker_roundtrip_and_mapping() -> None:
    text = codec.encode_ticker(PERP, pair="XBT:USD", extra={"premium": Decimal("-0.0"), "x": 1})
    # The model keeps the relative rate; the absolute one is relative x index.
    assert '"relative_funding_rate":0.0000125' in text
    assert '"funding_rate":0.27480675' in text
    assert '"markPrice":21979.68' in text and '"ask":21987' in text
    msg = codec.decode(text)
    assert isinstance(msg, FuturesTicker)
    assert msg.premium == Decimal(0)
    assert ticker_from_wire(msg) == PERP


def test_ticker_zero_funding_is_omitted_and_mapped_back_to_zero() -> None:
    zero = Ticker(symbol="PF_XBTUSD", mark=Decimal(100), funding_rate=Decimal(0), time_ms=5)
    text = codec.encode_ticker(zero, pair="XBT:USD")
    assert "funding_rate" not in text
    msg = codec.decode(text)
    assert isinstance(msg, FuturesTicker)
    assert ticker_from_wire(msg).funding_rate == Decimal(0)
    dated = codec.decode(
        codec.encode_ticker(
            Ticker(symbol="FI_XBTUSD_220930", time_ms=1), pair="XBT:USD", tag="quarter"
        )
    )
    assert isinstance(dated, FuturesTicker)
    assert ticker_from_wire(dated).funding_rate is None


def test_docs_ticker_maps() -> None:
    msg = codec.decode(docs.TICKER)
    assert isinstance(msg, FuturesTicker)
    ticker = ticker_from_wire(msg)
    assert ticker.mark == Decimal("21979.68641534714")
    assert ticker.index == Decimal("21984.54")
    # The relative rate, not the absolute funding_rate (-6.2604214e-11).
    assert ticker.funding_rate == Decimal("-1.380384722222e-6")
    assert ticker.next_funding_ms == 1676394000000
    assert ticker.open_interest == Decimal("30072580.0")
    assert ticker.bid_qty == Decimal("2536.0")
    assert ticker.change_pct == Decimal("1.9974017538161748")
    assert ticker.time_ms == 1676393235406


def test_ticker_lite_roundtrip() -> None:
    text = codec.encode_ticker_lite(
        Ticker("PI_XBTUSD", bid=Decimal(34932), ask=Decimal("34949.5"), volume=Decimal(264126741)),
        pair="XBT:USD",
    )
    msg = codec.decode(text)
    assert isinstance(msg, FuturesTickerLite)
    mapped = ticker_from_lite(msg)
    assert (mapped.bid, mapped.ask, mapped.volume) == (
        Decimal(34932),
        Decimal("34949.5"),
        Decimal(264126741),
    )
    docs_lite = codec.decode(docs.TICKER_LITE)
    assert isinstance(docs_lite, FuturesTickerLite)
    assert ticker_from_lite(docs_lite).change_pct == Decimal("3.3705205220015966")


def test_trades_roundtrip_and_mapping() -> None:
    newest = Trade("PI_XBTUSD", TradeSide.BUY, Decimal("34970"), Decimal("10"), 1612266317000, "b")
    older = Trade(
        "PI_XBTUSD", TradeSide.SELL, Decimal("34969.5"), Decimal("5.5"), 1612266316000, "a"
    )
    snap = codec.decode(codec.encode_trade_snapshot("PI_XBTUSD", [(newest, 2), (older, 1)]))
    assert isinstance(snap, FuturesTradeSnapshot)
    assert [trade_from_wire(t) for t in snap.trades] == [newest, older]
    assert [t.seq for t in snap.trades] == [2, 1]
    live = codec.decode(codec.encode_trade(newest, 3, kind="liquidation"))
    assert isinstance(live, FuturesTrade) and live.type == "liquidation" and live.seq == 3
    docs_trade = codec.decode(docs.TRADE)
    assert isinstance(docs_trade, FuturesTrade)
    assert trade_from_wire(docs_trade) == Trade(
        "PI_XBTUSD",
        TradeSide.SELL,
        Decimal("34969.5"),
        Decimal(15000),
        1612266317519,
        "05af78ac-a774-478c-a50c-8b9c234e071e",
    )


def test_trade_with_unknown_side_is_a_frame_error_in_mapping() -> None:
    msg = codec.decode(
        '{"feed":"trade","product_id":"X","side":"up","seq":1,"time":1,"qty":1,"price":1}'
    )
    assert isinstance(msg, FuturesTrade)
    with pytest.raises(FrameError):
        trade_from_wire(msg)

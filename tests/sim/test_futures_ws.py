"""Futures WebSocket v1 public feeds of the embedded exchange, over real sockets."""

from __future__ import annotations

from typing import Any

from kraken_tui.book import ApplyResult, FuturesBook
from kraken_tui.sim import ExchangeServer
from tests.sim.wsclient import WsClient, levels


def _feed(name: str, product: str | None = None) -> Any:
    def check(msg: dict[str, Any]) -> bool:
        return (
            "event" not in msg
            and msg.get("feed") == name
            and (product is None or msg.get("product_id") == product)
        )

    return check


def _event(name: str) -> Any:
    return lambda msg: msg.get("event") == name


async def test_info_then_one_ack_per_product_uppercased(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.futures_ws)
    assert await client.recv() == {"event": "info", "version": 1}
    await client.send(
        {"event": "subscribe", "feed": "ticker_lite", "product_ids": ["pf_xbtusd", "PF_ETHUSD"]}
    )
    acks = await client.collect(_event("subscribed"), 2)
    await client.close()
    assert acks == [
        {"event": "subscribed", "feed": "ticker_lite", "product_ids": ["PF_XBTUSD"]},
        {"event": "subscribed", "feed": "ticker_lite", "product_ids": ["PF_ETHUSD"]},
    ]


async def test_book_snapshot_then_contiguous_seq() -> None:
    async with ExchangeServer(seed=4, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.futures_ws)
        await client.send({"event": "subscribe", "feed": "book", "product_ids": ["PF_ETHUSD"]})
        snapshot = await client.recv_until(_feed("book_snapshot"))
        deltas = await client.collect(_feed("book", "PF_ETHUSD"), 500, within=20)
        await client.close()
    book = FuturesBook("PF_ETHUSD", 1, 3)
    assert len(snapshot["bids"]) >= 1000 and len(snapshot["asks"]) >= 1000
    assert (
        book.apply_snapshot(snapshot["seq"], levels(snapshot["bids"]), levels(snapshot["asks"]))
        is ApplyResult.OK
    )
    assert deltas[0]["seq"] == snapshot["seq"] + 1
    results = {book.apply_delta(d["seq"], d["side"], d["price"], d["qty"]) for d in deltas}
    assert results == {ApplyResult.OK}
    assert book.last_seq == snapshot["seq"] + 500
    assert book.seq_gaps == 0
    assert all(d["side"] in ("buy", "sell") and isinstance(d["timestamp"], int) for d in deltas)


async def test_ticker_has_perpetual_fields(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.futures_ws)
    await client.send({"event": "subscribe", "feed": "ticker", "product_ids": ["PF_XBTUSD"]})
    first = await client.recv_until(_feed("ticker"))
    second = await client.recv_until(_feed("ticker"), within=3)
    await client.close()
    for msg in (first, second):
        for key in (
            "bid",
            "ask",
            "bid_size",
            "ask_size",
            "last",
            "volume",
            "markPrice",
            "index",
            "openInterest",
            "next_funding_rate_time",
            "tag",
            "pair",
            "time",
            "change",
            "high",
            "low",
        ):
            assert key in msg, key
        assert msg["tag"] == "perpetual" and msg["pair"] == "XBT:USD"
    assert second["time"] > first["time"]
    hour_ms = 3_600_000
    assert first["next_funding_rate_time"] % hour_ms == 0
    assert 0 < first["next_funding_rate_time"] - first["time"] <= hour_ms
    # The seeded PF_XBTUSD funding rate is non-zero, so the funding fields are present.
    assert "funding_rate" in first and "relative_funding_rate" in first


async def test_trade_snapshot_newest_first() -> None:
    async with ExchangeServer(seed=5, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.futures_ws)
        await client.send({"event": "subscribe", "feed": "book", "product_ids": ["PF_SOLUSD"]})
        await client.collect(_feed("book", "PF_SOLUSD"), 300)
        await client.send({"event": "subscribe", "feed": "trade", "product_ids": ["PF_SOLUSD"]})
        snap = await client.recv_until(_feed("trade_snapshot"))
        live = await client.recv_until(_feed("trade", "PF_SOLUSD"), within=10)
        await client.close()
    trades = snap["trades"]
    assert snap["product_id"] == "PF_SOLUSD" and len(trades) >= 1
    seqs = [t["seq"] for t in trades]
    assert seqs == sorted(seqs, reverse=True)
    assert all(t["feed"] == "trade" and t["type"] == "fill" for t in trades)
    assert live["seq"] > seqs[0]
    assert {"uid", "side", "qty", "price", "time"} <= set(live)


async def test_error_messages(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.futures_ws)
    await client.send({"event": "subscribe", "feed": "book", "product_ids": ["PF_NOPE"]})
    invalid_product = await client.recv_until(_event("error"))
    await client.send({"event": "subscribe", "feed": "bogus", "product_ids": ["PF_XBTUSD"]})
    invalid_feed = await client.recv_until(_event("error"))
    await client.ws.send("{oops")
    json_error = await client.recv_until(_event("error"))
    await client.close()
    assert invalid_product == {"event": "error", "message": "Invalid product id"}
    assert invalid_feed == {"event": "error", "message": "Invalid feed"}
    assert json_error == {"event": "error", "message": "Json Error"}


async def test_heartbeat_feed_and_unsubscribe(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.futures_ws)
    await client.send({"event": "subscribe", "feed": "heartbeat"})
    ack = await client.recv_until(_event("subscribed"))
    beat = await client.recv_until(_feed("heartbeat"), within=3)
    await client.send({"event": "subscribe", "feed": "book", "product_ids": ["PI_XBTUSD"]})
    await client.recv_until(_feed("book_snapshot"))
    await client.send({"event": "unsubscribe", "feed": "book", "product_ids": ["pi_xbtusd"]})
    unsub = await client.recv_until(_event("unsubscribed"))
    await client.close()
    assert ack == {"event": "subscribed", "feed": "heartbeat"}
    assert isinstance(beat["time"], int)
    assert unsub == {"event": "unsubscribed", "feed": "book", "product_ids": ["PI_XBTUSD"]}
    assert not exchange.futures_feeds["PI_XBTUSD"].book_subs

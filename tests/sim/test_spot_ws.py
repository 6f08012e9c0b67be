"""Spot WebSocket v2 public protocol of the embedded exchange, over real sockets."""

from __future__ import annotations

import pytest

from kraken_tui.book import ApplyResult, SpotBook
from kraken_tui.sim import ExchangeServer
from tests.sim.wsclient import WsClient, is_ack, is_book, levels


def _decimals(text: str) -> int:
    _, _, frac = text.partition(".")
    return len(frac)


@pytest.mark.parametrize("depth", [10, 1000])
async def test_book_checksums_verify_at_depth(depth: int) -> None:
    async with ExchangeServer(seed=3, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.spot_ws)
        await client.send(
            {
                "method": "subscribe",
                "params": {"channel": "book", "symbol": ["BTC/USD"], "depth": depth},
            }
        )
        book = SpotBook("BTC/USD", 1, 8, depth)
        messages = await client.collect(is_book("BTC/USD"), 400, within=20)
        await client.close()
    assert messages[0]["type"] == "snapshot"
    snapshot = messages[0]["data"][0]
    assert len(snapshot["bids"]) == depth and len(snapshot["asks"]) == depth
    results = []
    for msg in messages:
        data = msg["data"][0]
        for level in data["bids"] + data["asks"]:
            assert _decimals(level["price"]) == 1 and _decimals(level["qty"]) == 8
        results.append(
            book.apply(
                levels(data["bids"]),
                levels(data["asks"]),
                data["checksum"],
                snapshot=msg["type"] == "snapshot",
            )
        )
        assert len(book.bids()) == depth and len(book.asks()) == depth
    assert results == [ApplyResult.OK] * 400
    assert book.checksum_ok == 400


async def test_one_ack_per_symbol_and_unknown_symbol(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send(
        {
            "method": "subscribe",
            "req_id": 42,
            "params": {"channel": "ticker", "symbol": ["BTC/USD", "ETH/USD", "XBT/USD"]},
        }
    )
    acks = await client.collect(is_ack, 3)
    await client.close()
    ok = [a for a in acks if a["success"]]
    assert [a["result"]["symbol"] for a in ok] == ["BTC/USD", "ETH/USD"]
    assert all(a["req_id"] == 42 and a["result"]["channel"] == "ticker" for a in ok)
    assert ok[0]["result"]["event_trigger"] == "trades" and ok[0]["result"]["snapshot"] is True
    (bad,) = [a for a in acks if not a["success"]]
    assert bad["error"] == "Currency pair not supported XBT/USD"
    assert bad["symbol"] == "XBT/USD" and bad["method"] == "subscribe"
    assert "time_in" in bad and "time_out" in bad


async def test_invalid_depth_is_an_error_ack(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send(
        {
            "method": "subscribe",
            "req_id": 5,
            "params": {"channel": "book", "symbol": ["BTC/USD"], "depth": 7},
        }
    )
    ack = await client.recv_until(is_ack)
    await client.close()
    assert ack["success"] is False and ack["req_id"] == 5
    assert "depth" in ack["error"]


async def test_unsubscribe_not_subscribed_answers_like_kraken(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send(
        {
            "method": "unsubscribe",
            "req_id": 123456789,
            "params": {"channel": "ticker", "symbol": ["BTC/USD"]},
        }
    )
    ack = await client.recv_until(is_ack)
    await client.close()
    assert ack["error"] == "Subscription Not Found"
    assert ack["method"] == "subscribe"
    assert ack["success"] is False and ack["symbol"] == "BTC/USD" and ack["req_id"] == 123456789


async def test_subscribe_then_unsubscribe_book(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    params = {"channel": "book", "symbol": ["ETH/USD"], "depth": 25}
    await client.send({"method": "subscribe", "params": params})
    snapshot = await client.recv_until(is_book("ETH/USD"))
    assert len(snapshot["data"][0]["bids"]) == 25
    await client.send({"method": "unsubscribe", "params": params})
    ack = await client.recv_until(lambda m: m.get("method") == "unsubscribe")
    await client.close()
    assert ack["success"] is True
    assert ack["result"] == {"channel": "book", "depth": 25, "symbol": "ETH/USD"}
    assert not exchange.spot_feeds["ETH/USD"].has_book_subscribers


async def test_ping_pong_echoes_req_id(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send({"method": "ping", "req_id": 101})
    pong = await client.recv_until(lambda m: m.get("method") == "pong")
    await client.close()
    assert pong["req_id"] == 101
    assert pong["time_in"].endswith("Z") and pong["time_out"].endswith("Z")


async def test_heartbeat_when_nothing_else_flows(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send({"method": "subscribe", "params": {"channel": "instrument"}})
    heartbeat = await client.recv_until(lambda m: m.get("channel") == "heartbeat", within=4)
    await client.close()
    assert heartbeat == {"channel": "heartbeat"}


async def test_instrument_channel_carries_precisions(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send({"method": "subscribe", "req_id": 79, "params": {"channel": "instrument"}})
    ack = await client.recv_until(is_ack)
    snap = await client.recv_until(lambda m: m.get("channel") == "instrument")
    await client.close()
    assert ack["result"]["channel"] == "instrument" and ack["req_id"] == 79
    assert snap["type"] == "snapshot"
    pairs = {p["symbol"]: p for p in snap["data"]["pairs"]}
    assert {"BTC/USD", "ETH/USD", "SOL/USD", "XRP/USD", "DOGE/USD", "ADA/USD"} <= set(pairs)
    assert (pairs["BTC/USD"]["price_precision"], pairs["BTC/USD"]["qty_precision"]) == (1, 8)
    assert pairs["BTC/USD"]["price_increment"] == "0.1"
    assert pairs["ETH/USD"]["price_precision"] == 2
    assert pairs["XRP/USD"]["price_precision"] == 5
    assert pairs["DOGE/USD"]["price_precision"] == 7


async def test_ticker_snapshot_fields(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send(
        {"method": "subscribe", "params": {"channel": "ticker", "symbol": ["ETH/USD"]}}
    )
    msg = await client.recv_until(lambda m: m.get("channel") == "ticker")
    await client.close()
    assert msg["type"] == "snapshot"
    data = msg["data"][0]
    for key in (
        "bid",
        "bid_qty",
        "ask",
        "ask_qty",
        "last",
        "volume",
        "vwap",
        "low",
        "high",
        "change",
        "change_pct",
        "timestamp",
    ):
        assert key in data
    assert _decimals(data["bid"]) == 2 and _decimals(data["bid_qty"]) == 8
    assert float(data["bid"]) < float(data["ask"])
    assert float(data["low"]) <= float(data["last"]) <= float(data["high"])


async def test_trade_snapshot_only_on_request() -> None:
    async with ExchangeServer(seed=2, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.spot_ws)
        await client.send(
            {"method": "subscribe", "params": {"channel": "book", "symbol": ["SOL/USD"]}}
        )
        await client.recv_until(is_book("SOL/USD"))
        # Let some trades happen, then ask for the trade snapshot.
        await client.collect(is_book("SOL/USD"), 100)
        await client.send(
            {
                "method": "subscribe",
                "params": {"channel": "trade", "symbol": ["SOL/USD"], "snapshot": True},
            }
        )
        ack = await client.recv_until(lambda m: m.get("method") == "subscribe")
        trades = await client.recv_until(lambda m: m.get("channel") == "trade")
        await client.close()
    assert ack["result"] == {"channel": "trade", "snapshot": True, "symbol": "SOL/USD"}
    assert trades["type"] == "snapshot"
    assert 1 <= len(trades["data"]) <= 50
    first = trades["data"][0]
    assert first["side"] in ("buy", "sell") and isinstance(first["trade_id"], int)
    assert _decimals(first["price"]) == 2 and _decimals(first["qty"]) == 8
    ids = [t["trade_id"] for t in trades["data"]]
    assert ids == sorted(ids)


async def test_trade_default_has_no_snapshot(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send(
        {"method": "subscribe", "params": {"channel": "trade", "symbol": ["BTC/USD"]}}
    )
    ack = await client.recv_until(is_ack)
    heartbeat_or_trade = await client.recv_until(
        lambda m: m.get("channel") in ("heartbeat", "trade"), within=4
    )
    await client.close()
    assert ack["result"]["snapshot"] is False
    assert heartbeat_or_trade.get("type") != "snapshot"


async def test_malformed_request_is_answered_not_fatal(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.ws.send("{not json")
    error = await client.recv_until(is_ack)
    await client.send({"method": "ping", "req_id": 9})
    pong = await client.recv_until(lambda m: m.get("method") == "pong")
    await client.close()
    assert error["success"] is False
    assert pong["req_id"] == 9


async def test_auth_port_serves_v2(exchange: ExchangeServer) -> None:
    assert exchange.auth_port != exchange.port
    client = await WsClient.connect(exchange.urls.spot_auth_ws)
    status = await client.recv()
    await client.close()
    assert status["channel"] == "status"


async def test_unsubscribe_book_without_depth_releases_held_depth(
    exchange: ExchangeServer,
) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send(
        {"method": "subscribe", "params": {"channel": "book", "symbol": ["LTC/USD"], "depth": 100}}
    )
    await client.recv_until(is_book("LTC/USD"))
    await client.send(
        {"method": "unsubscribe", "params": {"channel": "book", "symbol": ["LTC/USD"], "depth": 10}}
    )
    wrong_depth = await client.recv_until(is_ack)
    await client.send(
        {"method": "unsubscribe", "params": {"channel": "book", "symbol": ["LTC/USD"]}}
    )
    ack = await client.recv_until(lambda m: m.get("method") == "unsubscribe")
    await client.close()
    assert wrong_depth["error"] == "Subscription Not Found"
    assert ack["success"] is True and ack["result"]["depth"] == 100

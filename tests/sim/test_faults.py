"""Fault injection: each fault hits only what it names."""

from __future__ import annotations

import asyncio
import time

import pytest
from websockets.exceptions import ConnectionClosed

from kraken_tui.book import ApplyResult, FuturesBook, SpotBook
from kraken_tui.sim import ExchangeServer
from tests.helpers import wait_for
from tests.sim.wsclient import WsClient, is_book, levels


async def test_bad_checksum_once_for_that_symbol_only() -> None:
    async with ExchangeServer(seed=6, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.spot_ws)
        await client.send(
            {"method": "subscribe", "params": {"channel": "book", "symbol": ["BTC/USD", "ETH/USD"]}}
        )
        books = {"BTC/USD": SpotBook("BTC/USD", 1, 8), "ETH/USD": SpotBook("ETH/USD", 2, 8)}
        results: dict[str, list[ApplyResult]] = {"BTC/USD": [], "ETH/USD": []}

        async def read(count: int) -> None:
            for msg in await client.collect(is_book(), count, within=20):
                data = msg["data"][0]
                book = books[data["symbol"]]
                snapshot = msg["type"] == "snapshot"
                if book.awaiting_snapshot and not snapshot:
                    continue
                results[data["symbol"]].append(
                    book.apply(
                        levels(data["bids"]),
                        levels(data["asks"]),
                        data["checksum"],
                        snapshot=snapshot,
                    )
                )

        await read(100)
        ex.inject_bad_checksum("ETH/USD")
        await read(300)
        await client.close()
    assert results["BTC/USD"].count(ApplyResult.OK) == len(results["BTC/USD"]) > 0
    assert results["ETH/USD"].count(ApplyResult.CHECKSUM_MISMATCH) == 1
    # After the bad one the book waits for a snapshot, so the rest are ignored or OK.
    assert set(results["ETH/USD"]) <= {ApplyResult.OK, ApplyResult.CHECKSUM_MISMATCH}


async def test_seq_gap_for_that_product() -> None:
    async with ExchangeServer(seed=7, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.futures_ws)
        await client.send({"event": "subscribe", "feed": "book", "product_ids": ["PF_XBTUSD"]})
        snapshot = await client.recv_until(lambda m: m.get("feed") == "book_snapshot")
        book = FuturesBook("PF_XBTUSD", 0, 4)
        book.apply_snapshot(snapshot["seq"], levels(snapshot["bids"]), levels(snapshot["asks"]))
        is_delta = lambda m: m.get("feed") == "book" and "event" not in m  # noqa: E731
        before = [
            book.apply_delta(d["seq"], d["side"], d["price"], d["qty"])
            for d in await client.collect(is_delta, 50)
        ]
        ex.inject_seq_gap("pf_xbtusd")
        # Deltas sent before the injection may still be queued (the fast scenario sends
        # ~1,500 a second and a busy machine reads slowly): read on until the gap shows.
        after: list[ApplyResult] = []
        while ApplyResult.SEQ_GAP not in after and len(after) < 5000:
            after += [
                book.apply_delta(d["seq"], d["side"], d["price"], d["qty"])
                for d in await client.collect(is_delta, 50)
            ]
        await client.close()
    assert set(before) == {ApplyResult.OK}
    assert after.count(ApplyResult.SEQ_GAP) == 1
    assert book.seq_gaps == 1


async def test_drop_connections_closes_sockets(exchange: ExchangeServer) -> None:
    spot = await WsClient.connect(exchange.urls.spot_ws)
    futures = await WsClient.connect(exchange.urls.futures_ws)
    await spot.recv()
    await futures.recv()
    await wait_for(lambda: exchange.stats.connections_open == 2)
    await exchange.drop_connections()
    for client in (spot, futures):
        with pytest.raises(ConnectionClosed):
            while True:
                await client.recv(within=5)
    await wait_for(lambda: exchange.stats.connections_open == 0)
    assert exchange.stats.connections_opened == 2
    # The server keeps accepting new connections.
    again = await WsClient.connect(exchange.urls.spot_ws)
    assert (await again.recv())["channel"] == "status"
    await again.close()


async def test_stall_stops_every_frame_then_resumes(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send({"method": "subscribe", "params": {"channel": "book", "symbol": ["BTC/USD"]}})
    await client.recv_until(is_book("BTC/USD"))
    exchange.stall(1.5)
    stalled_at = time.monotonic()
    # Frames already on the wire may still land just after the call.
    with pytest.raises(TimeoutError):
        while True:
            await client.recv(within=0.2)
    assert time.monotonic() - stalled_at < 1.2
    with pytest.raises(TimeoutError):
        await client.recv(within=max(0.05, 1.3 - (time.monotonic() - stalled_at)))
    resumed = await client.recv(within=5)
    await client.send({"method": "ping", "req_id": 1})
    await client.recv_until(lambda m: m.get("method") == "pong")
    await client.close()
    assert resumed.get("channel") in ("book", "heartbeat")
    assert time.monotonic() - stalled_at >= 1.3


async def test_fast_scenario_rate_is_reported() -> None:
    """Print the book message rate of ``fast`` (no timing assertion: CI machines vary)."""
    async with ExchangeServer(seed=8, scenario="fast") as ex:
        client = await WsClient.connect(ex.urls.spot_ws)
        await client.send(
            {
                "method": "subscribe",
                "params": {"channel": "book", "symbol": ["BTC/USD"], "depth": 1000},
            }
        )
        await client.recv_until(is_book("BTC/USD"))
        start = time.monotonic()
        count = 0
        while time.monotonic() - start < 1.0:
            msg = await client.recv()
            count += msg.get("channel") == "book"
        await client.close()
    elapsed = time.monotonic() - start
    print(f"fast scenario: {count / elapsed:.0f} book messages/s on one depth-1000 symbol")
    assert count > 0


async def test_writer_survives_client_vanishing(exchange: ExchangeServer) -> None:
    client = await WsClient.connect(exchange.urls.spot_ws)
    await client.send({"method": "subscribe", "params": {"channel": "book", "symbol": ["BTC/USD"]}})
    await client.recv_until(is_book("BTC/USD"))
    await client.close()
    await wait_for(lambda: exchange.stats.connections_open == 0)
    await asyncio.sleep(0.3)
    assert not exchange.spot_feeds["BTC/USD"].has_book_subscribers

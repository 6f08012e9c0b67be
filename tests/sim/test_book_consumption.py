"""Practice taker fills consume the embedded exchange's master book, for everyone.

The exchange's market is frozen (no synthetic steps) so the only book changes are
the ones our orders cause. At seed 1 the BTC/USD asks start 0.01962103 @ 97250.1,
0.73523998 @ 97250.2; the PF_XBTUSD asks 2.3449 @ 97261, 0.2377 @ 97262, 0.0347 @
97264 (read from the master book at the start of each test, then worked out by hand).
A subscriber's own book engine checks every spot checksum and futures seq.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest_asyncio

from kraken_tui.book import ApplyResult, FuturesBook, SpotBook
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.order_desk import OrderRequest, PlaceResult
from tests.sim.wsclient import WsClient, levels

D = Decimal


@pytest_asyncio.fixture
async def frozen() -> AsyncIterator[ExchangeServer]:
    """An exchange whose synthetic markets never step (seed 1)."""
    server = ExchangeServer(seed=1, scenario="calm")
    server.scenario = replace(server.scenario, per_symbol_rate=0.0, idle_rate=0.0)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _now() -> int:
    return time.time_ns() // 1_000_000


def _market_buy(exchange: ExchangeServer, venue: Venue, symbol: str, qty: str) -> PlaceResult:
    request = OrderRequest(venue, symbol, OrderSide.BUY, "market", D(qty))
    result = exchange.order_desk.place(request, _now())
    assert result.outcome == "filled", result
    return result


def _average(result: PlaceResult) -> Decimal:
    return sum((f.price * f.qty for f in result.fills), D(0)) / sum(f.qty for f in result.fills)


class SpotFollower:
    """One subscriber's BTC/USD book (depth 10) and trade tape, checked as they come."""

    def __init__(self, client: WsClient) -> None:
        self.client = client
        self.book = SpotBook("BTC/USD", 1, 8, 10)
        self.trades: list[tuple[Decimal, Decimal, str]] = []
        self.trade_batches: list[int] = []
        self.results: list[ApplyResult] = []

    def _take(self, msg: dict[str, Any]) -> None:
        if msg.get("channel") == "trade":
            self.trade_batches.append(len(msg["data"]))
            self.trades += [(D(str(t["price"])), D(str(t["qty"])), t["side"]) for t in msg["data"]]
        elif msg.get("channel") == "book":
            data = msg["data"][0]
            bids, asks = levels(data["bids"]), levels(data["asks"])
            snapshot = msg["type"] == "snapshot"
            self.results.append(self.book.apply(bids, asks, data["checksum"], snapshot=snapshot))

    async def until(self, done: Any) -> None:
        def check(msg: dict[str, Any]) -> bool:
            self._take(msg)
            return bool(done())

        await self.client.recv_until(check)

    def best_ask(self) -> tuple[Decimal, Decimal] | None:
        asks = self.book.asks(1)
        return (D(asks[0][0]).scaleb(-1), D(asks[0][1]).scaleb(-8)) if asks else None


async def test_spot_market_buy_takes_the_best_ask_off_every_subscribers_book(
    frozen: ExchangeServer,
) -> None:
    (ask0, qty0), (ask1, qty1) = frozen.book_levels("BTC/USD")[1][:2]
    assert (ask0, qty0) == (D("97250.1"), D("0.01962103"))
    assert (ask1, qty1) == (D("97250.2"), D("0.73523998"))
    client = await WsClient.connect(frozen.urls.spot_ws)
    for channel, extra in (("book", {"depth": 10}), ("trade", {"snapshot": False})):
        params = {"channel": channel, "symbol": ["BTC/USD"], **extra}
        await client.send({"method": "subscribe", "params": params})
    sub = SpotFollower(client)
    await sub.until(lambda: sub.best_ask() == (ask0, qty0))

    first = _market_buy(frozen, Venue.SPOT, "BTC/USD", "0.1")
    rest = D("0.1") - qty0  # 0.08037897 from the second level
    assert [(f.price, f.qty) for f in first.fills] == [(ask0, qty0), (ask1, rest)]
    await sub.until(lambda: sub.best_ask() == (ask1, qty1 - rest) and len(sub.trades) == 2)
    assert sub.trades == [(ask0, qty0, "buy"), (ask1, rest, "buy")]
    assert sub.trade_batches == [2]  # one taker's trades in one message, as Kraken batches
    assert frozen.book_levels("BTC/USD")[1][0] == (ask1, qty1 - rest)

    # The same order again: the liquidity it took is gone, so it fills worse.
    second = _market_buy(frozen, Venue.SPOT, "BTC/USD", "0.1")
    assert [(f.price, f.qty) for f in second.fills] == [(ask1, D("0.1"))]
    assert _average(second) > _average(first)
    await sub.until(lambda: sub.best_ask() == (ask1, qty1 - rest - D("0.1")))
    await client.close()
    assert set(sub.results) == {ApplyResult.OK}
    assert sub.book.checksum_bad == 0 and sub.book.checksum_ok == len(sub.results)
    assert len(sub.book.asks()) == 10  # the window refilled from below


async def test_futures_market_buy_takes_the_best_ask_with_seq_continuous(
    frozen: ExchangeServer,
) -> None:
    asks = frozen.book_levels("PF_XBTUSD")[1][:3]
    assert asks == [(D(97261), D("2.3449")), (D(97262), D("0.2377")), (D(97264), D("0.0347"))]
    client = await WsClient.connect(frozen.urls.futures_ws)
    for feed in ("book", "trade"):
        await client.send({"event": "subscribe", "feed": feed, "product_ids": ["PF_XBTUSD"]})
    book = FuturesBook("PF_XBTUSD", 0, 4)
    trades: list[tuple[Decimal, Decimal, str]] = []
    results: list[ApplyResult] = []

    def follow(done: Any) -> Any:
        def check(msg: dict[str, Any]) -> bool:
            feed = None if "event" in msg else msg.get("feed")
            if feed == "book_snapshot":
                results.append(
                    book.apply_snapshot(msg["seq"], levels(msg["bids"]), levels(msg["asks"]))
                )
            elif feed == "book":
                results.append(book.apply_delta(msg["seq"], msg["side"], msg["price"], msg["qty"]))
            elif feed == "trade":
                trades.append((D(str(msg["price"])), D(str(msg["qty"])), msg["side"]))
            return bool(done())

        return check

    def best_ask() -> tuple[int, int] | None:
        top = book.asks(1)
        return top[0] if top else None

    await client.recv_until(follow(lambda: best_ask() == (97261, 23449)))
    first = _market_buy(frozen, Venue.FUTURES, "PF_XBTUSD", "2.4")
    assert [(f.price, f.qty) for f in first.fills] == [
        (D(97261), D("2.3449")),
        (D(97262), D("0.0551")),
    ]
    await client.recv_until(follow(lambda: best_ask() == (97262, 1826) and len(trades) == 2))
    assert trades == [(D(97261), D("2.3449"), "buy"), (D(97262), D("0.0551"), "buy")]
    second = _market_buy(frozen, Venue.FUTURES, "PF_XBTUSD", "0.2")
    # 0.1826 left at 97262, then 0.0174 of 0.0347 at 97264
    assert [(f.price, f.qty) for f in second.fills] == [
        (D(97262), D("0.1826")),
        (D(97264), D("0.0174")),
    ]
    assert second.fills[0].price > first.fills[0].price
    await client.recv_until(follow(lambda: best_ask() == (97264, 173) and len(trades) == 4))
    await client.close()
    assert set(results) == {ApplyResult.OK} and book.seq_gaps == 0
    assert book.health.name == "SYNCED"


def test_market_take_is_clamped_to_the_level_and_observed() -> None:
    exchange = ExchangeServer(seed=1)
    market = exchange.markets["BTC/USD"]
    seen: list[object] = []
    market.add_observer(seen.append)
    price, qty = market.asks.level(0)
    changes, trades = market.take(False, price, qty + 5, 1)  # more than rests there
    assert [(c.is_bid, c.price, c.qty) for c in changes] == [(False, price, 0)]
    assert seen == changes and price not in market.asks
    assert [(t.price, t.qty, t.side) for t in trades] == [(price, qty, "buy")]
    assert market.stats.last == Decimal(price).scaleb(-market.pp)
    assert market.take(False, price, 1, 2) == ([], [])  # nothing left there
    bid, bid_qty = market.bids.level(0)
    changes, trades = market.take(True, bid, 1, 3)
    assert [(c.price, c.qty) for c in changes] == [(bid, bid_qty - 1)]
    assert trades[0].side == "sell"

"""Shared set-up for the paper relay tests: a frozen upstream exchange, a paper exchange
relaying it, and a downstream reader built from the dashboard's own feed code."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, replace

from kraken_tui.book import BookHealth, L2Book
from kraken_tui.feeds.futures_public import FuturesPublicFeed
from kraken_tui.feeds.spot_public import SpotPublicFeed
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue
from kraken_tui.sim.relay_exchange import PaperExchange
from kraken_tui.sim.server import ExchangeServer
from tests.helpers import wait_for

SPOT = ("BTC/USD", "ETH/USD")
FUTURES = ("PF_XBTUSD", "PI_XBTUSD")


def frozen_upstream(seed: int = 5) -> ExchangeServer:
    """An upstream exchange whose markets move only when a test steps them."""
    upstream = ExchangeServer(seed=seed)
    upstream.scenario = replace(upstream.scenario, per_symbol_rate=0.0, idle_rate=0.0)
    return upstream


async def step_upstream(upstream: ExchangeServer, symbols: Iterable[str], steps: int) -> None:
    """Step each symbol ``steps`` times, yielding now and then so frames flow meanwhile."""
    names = list(symbols)
    for index in range(steps):
        now_ms = time.time_ns() // 1_000_000
        for symbol in names:
            upstream.step_market(symbol, now_ms)
        if index % 10 == 9:
            await asyncio.sleep(0.002)


@dataclass
class Downstream:
    """The dashboard's public feeds connected to the paper exchange."""

    store: MarketStore
    spot: SpotPublicFeed
    futures: FuturesPublicFeed

    def book(self, venue: Venue, symbol: str) -> L2Book:
        return self.store.books[(venue, symbol)]

    def synced(self) -> bool:
        keys = [(Venue.SPOT, s) for s in self.spot.book_depths] + [
            (Venue.FUTURES, p) for p in self.futures.books
        ]
        books = [self.store.books.get(key) for key in keys]
        return all(b is not None and b.health is BookHealth.SYNCED for b in books)


def mirrors(down: L2Book, up: ExchangeServer, symbol: str, depth: int | None) -> bool:
    """The downstream book holds exactly the upstream master's top ``depth`` levels."""
    market = up.markets[symbol]
    return down.health is BookHealth.SYNCED and (
        down.bids() == market.bids.top(depth) and down.asks() == market.asks.top(depth)
    )


@contextlib.asynccontextmanager
async def frozen_upstream_started(seed: int = 5) -> AsyncIterator[ExchangeServer]:
    """A started :func:`frozen_upstream`, stopped afterwards."""
    upstream = frozen_upstream(seed)
    await upstream.start()
    try:
        yield upstream
    finally:
        await upstream.stop()


@contextlib.asynccontextmanager
async def paper_pair(seed: int = 5) -> AsyncIterator[tuple[ExchangeServer, PaperExchange]]:
    """A frozen upstream and a paper exchange relaying it, both started."""
    upstream = frozen_upstream(seed)
    await upstream.start()
    try:
        paper = PaperExchange(upstream.urls, start_timeout=10.0)
        await paper.start()
        try:
            yield upstream, paper
        finally:
            await paper.stop()
    finally:
        await upstream.stop()


@contextlib.asynccontextmanager
async def downstream(
    paper: PaperExchange, *, spot_depth: int = 100, tickers: bool = False
) -> AsyncIterator[Downstream]:
    """Downstream feeds subscribed to the SPOT/FUTURES books (and trades, tickers)."""
    urls = paper.urls
    store = MarketStore()
    spot = SpotPublicFeed(urls.spot_ws, store, stale_after=None)
    futures = FuturesPublicFeed(urls.futures_ws, urls.futures_rest, store, stale_after=None)
    for symbol in SPOT:
        spot.want_book(symbol, spot_depth)
        spot.want_trades(symbol)
        if tickers:
            spot.want_ticker(symbol)
    for product in FUTURES:
        futures.want_book(product)
        futures.want_trades(product)
        if tickers:
            futures.want_ticker(product)
    tasks = [asyncio.create_task(spot.run()), asyncio.create_task(futures.run())]
    reader = Downstream(store, spot, futures)
    try:
        await wait_for(reader.synced, timeout=10.0)
        yield reader
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

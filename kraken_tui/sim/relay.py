"""The paper relay: live public market data from an upstream exchange, re-served.

:class:`Relay` reads the upstream's Spot v2 and Futures v1 public feeds with the
dashboard's own feed code (see :mod:`kraken_tui.sim.relay_feeds`), keeping each
upstream book exact (checksums and seqs checked; a bad book is resubscribed
alone; a dropped socket reconnects with backoff). After every upstream frame it
copies the *difference* between each upstream book and the relay's master book
(a :class:`~kraken_tui.sim.relay_market.RelayMarket`) into the master, then lets
the embedded exchange fan it out as a market step. Downstream clients therefore
see ordinary deltas with the embedded exchange's own checksums and seqs: an
upstream resync shows downstream only as the deltas that close the gap.

Upstream trades become trades of the relayed market (so the practice account's
resting orders fill when the live market trades through them); upstream tickers
set the market's 24h statistics, mark, index and funding rate.

The relayed symbols are the catalog's symbols that the upstream lists, with the
upstream's precisions and tick sizes.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Protocol

from kraken_tui.book import BookHealth
from kraken_tui.endpoints import LIVE, Endpoints
from kraken_tui.feeds.connection import ConnectionManager
from kraken_tui.feeds.stores import ConnState
from kraken_tui.feeds.tasks import cancel_and_wait
from kraken_tui.model import Ticker, Trade, Venue
from kraken_tui.model.scaled import PrecisionError, to_scaled
from kraken_tui.sim.catalog import Catalog, Listing
from kraken_tui.sim.futures_feed import FuturesProductFeed
from kraken_tui.sim.market import LevelChange
from kraken_tui.sim.relay_feeds import RelayStore, UpstreamFuturesFeed, UpstreamSpotFeed
from kraken_tui.sim.relay_market import (
    RelayedMarkets,
    RelayFeed,
    RelayFuturesFeed,
    RelayMarket,
    RelaySpotFeed,
)
from kraken_tui.sim.spot_feed import SpotSymbolFeed
from kraken_tui.venues.kraken_futures.messages import FuturesBookDelta

SPOT_DEPTH = 100
"""Upstream spot book depth: plenty for practice fills, light on the live socket."""
START_TIMEOUT = 15.0
"""Seconds to wait for the upstream's instruments and first books."""
SUSPEND_AFTER = 3.0
"""Seconds an upstream socket may be lost (reconnecting) before its books are suspended."""
RELAYED_HEALTH = (BookHealth.SYNCED, BookHealth.STALE)
"""Upstream book states whose levels are exact (STALE: quiet, not wrong)."""


class UpstreamUnavailable(RuntimeError):
    """The upstream could not be reached, or sent no instruments/books in time."""


class MarketStepper(Protocol):
    """What the relay needs from the embedded exchange (an ``ExchangeServer``)."""

    @property
    def spot_feeds(self) -> Mapping[str, SpotSymbolFeed]: ...

    @property
    def futures_feeds(self) -> Mapping[str, FuturesProductFeed]: ...

    def step_market(self, symbol: str, now_ms: int) -> None: ...


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class Relay:
    """Start with :meth:`start` (waits for instruments and books), then :meth:`attach`."""

    def __init__(
        self,
        upstream: Endpoints = LIVE,
        catalog: Catalog | None = None,
        *,
        spot_depth: int = SPOT_DEPTH,
    ) -> None:
        self.upstream = upstream
        self._wanted = catalog if catalog is not None else Catalog()
        self._spot_depth = spot_depth
        self.store = RelayStore(self._on_trades, self._on_ticker)
        self.spot = UpstreamSpotFeed(
            upstream.spot_ws, self.store, self._after_frame, self._on_upstream_lost
        )
        self.futures = UpstreamFuturesFeed(
            upstream.futures_ws,
            upstream.futures_rest,
            self.store,
            self._after_frame,
            self._on_futures_delta,
            self._on_upstream_lost,
        )
        self.catalog = Catalog(spot=(), futures=())
        self.markets: dict[str, RelayMarket] = {}
        self._symbols: dict[Venue, list[str]] = {Venue.SPOT: [], Venue.FUTURES: []}
        self._versions: dict[str, int] = {}
        self._pending_trades: dict[str, list[Trade]] = {}
        self._relayed_once: set[str] = set()
        self._stepper: MarketStepper | None = None
        self.suspend_after = SUSPEND_AFTER
        """Seconds an upstream socket may stay lost before its books stop being served."""
        self._lost_at: dict[Venue, float] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self.dropped: list[str] = []
        """Listed symbols left out because the upstream sent no book for them at start."""
        self.diffs = 0
        """Upstream book states copied into a master book (tests and diagnostics)."""

    @property
    def relayed(self) -> RelayedMarkets:
        return RelayedMarkets(self.catalog, self.markets)

    # --------------------------------------------------------- lifecycle
    async def start(self, timeout: float = START_TIMEOUT) -> None:  # noqa: ASYNC109
        """Connect upstream and wait until every relayed book has arrived.

        Raises :class:`UpstreamUnavailable` (after stopping again) when the
        upstream cannot be reached or is not ready within ``timeout`` seconds.
        """
        self._tasks = [
            asyncio.create_task(self.spot.run(), name="relay-spot"),
            asyncio.create_task(self.futures.run(), name="relay-futures"),
        ]
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            await self._until(self._instruments_known, deadline, "no instruments")
            self._select()
            try:
                await self._until(self._books_known, deadline, "no order books")
            except UpstreamUnavailable:
                if not self._relayed_once:
                    raise
            # One market the upstream will not serve must not keep the others from trading.
            self._drop_unrelayed()
        except BaseException:
            await self.stop()
            raise

    def attach(self, stepper: MarketStepper) -> None:
        """From now on every relayed change is fanned out by ``stepper``."""
        self._stepper = stepper
        self._tasks.append(asyncio.create_task(self._watch_upstream(), name="relay-watch"))

    async def stop(self) -> None:
        self._stepper = None
        await cancel_and_wait(self._tasks)
        self._tasks = []

    # ------------------------------------------------------------ start-up
    async def _until(self, ready: Callable[[], bool], deadline: float, missing: str) -> None:
        loop = asyncio.get_running_loop()
        while not ready():
            problem = self._unreachable()
            if problem is not None:
                raise UpstreamUnavailable(problem)
            if loop.time() >= deadline:
                raise UpstreamUnavailable(
                    f"{missing} from {self.upstream.spot_ws} and "
                    f"{self.upstream.futures_ws} in time{self._last_errors()}"
                )
            await asyncio.sleep(0.05)

    def _unreachable(self) -> str | None:
        """Why the upstream cannot be reached, once a first attempt has failed."""
        feeds: tuple[tuple[ConnectionManager, str], ...] = (
            (self.spot.conn, self.upstream.spot_ws),
            (self.futures.conn, self.upstream.futures_ws),
        )
        for conn, url in feeds:
            status = conn.status
            error = status.last_error
            never_opened = conn.connections == 0 and bool(error)
            if status.state is ConnState.DOWN or never_opened:
                if error.startswith("instruments:"):
                    url, error = self.upstream.futures_rest, error.removeprefix("instruments:")
                return f"could not reach {url}: {error.strip() or 'no answer'}"
        return None

    def _last_errors(self) -> str:
        errors = [
            f"{conn.name}: {conn.status.last_error}"
            for conn in (self.spot.conn, self.futures.conn)
            if conn.status.last_error
        ]
        return f" ({'; '.join(errors)})" if errors else ""

    def _instruments_known(self) -> bool:
        spot_known = any(venue is Venue.SPOT for venue, _ in self.store.instruments)
        return spot_known and self.futures.instruments_loaded

    def _books_known(self) -> bool:
        refused = {sym for (channel, sym) in self.spot.rejected if channel == "book"}
        refused |= {pid for (feed, pid) in self.futures.rejected if feed == "book"}
        return all(s in self._relayed_once or s in refused for s in self.markets)

    def _drop_unrelayed(self) -> None:
        """Stop relaying the markets whose first book never came (refused, or too slow)."""
        for symbol in [s for s in self.markets if s not in self._relayed_once]:
            del self.markets[symbol]
            self.dropped.append(symbol)
            if symbol in self._symbols[Venue.SPOT]:
                self._symbols[Venue.SPOT].remove(symbol)
                self.spot.drop_book(symbol)
                self.spot.drop_ticker(symbol)
                self.spot.drop_trades(symbol)
            else:
                self._symbols[Venue.FUTURES].remove(symbol)
                self.futures.drop_book(symbol)
                self.futures.drop_ticker(symbol)
                self.futures.drop_trades(symbol)
        self.catalog = Catalog(
            spot=tuple(ls for ls in self.catalog.spot if ls.symbol in self.markets),
            futures=tuple(ls for ls in self.catalog.futures if ls.symbol in self.markets),
        )

    def _select(self) -> None:
        """Relay the wanted listings the upstream lists, with its instrument data."""
        spot = tuple(self._relisted(Venue.SPOT, listing) for listing in self._wanted.spot)
        futures = tuple(self._relisted(Venue.FUTURES, listing) for listing in self._wanted.futures)
        self.catalog = Catalog(
            spot=tuple(listing for listing in spot if listing is not None),
            futures=tuple(listing for listing in futures if listing is not None),
        )
        for listing in self.catalog.listings:
            self.markets[listing.symbol] = RelayMarket(listing)
        for listing in self.catalog.spot:
            self._symbols[Venue.SPOT].append(listing.symbol)
            self.spot.want_book(listing.symbol, self._spot_depth)
            self.spot.want_ticker(listing.symbol)
            self.spot.want_trades(listing.symbol)
        for listing in self.catalog.futures:
            self._symbols[Venue.FUTURES].append(listing.symbol)
            self.futures.want_book(listing.symbol)
            self.futures.want_ticker(listing.symbol)
            self.futures.want_trades(listing.symbol)

    def _relisted(self, venue: Venue, listing: Listing) -> Listing | None:
        instrument = self.store.instruments.get((venue, listing.symbol))
        if instrument is None:
            return None
        return replace(listing, instrument=instrument, start_price=Decimal(0))

    # ------------------------------------------------------------ relaying
    def _after_frame(self, venue: Venue) -> None:
        now_ms = 0
        for symbol in self._symbols[venue]:
            market = self.markets[symbol]
            book = self.store.books.get((venue, symbol))
            if (
                book is not None
                and book.health in RELAYED_HEALTH
                and book.version != self._versions.get(symbol)
            ):
                self._versions[symbol] = book.version
                self._lost_at.pop(venue, None)
                feed = self._fanout(symbol)
                if feed is not None and feed.suspended:
                    feed.resume(now_ms or _now_ms())  # snapshots first, then the deltas
                market.queue(market.diff_to(book.bids(), book.asks()), [])
                self._relayed_once.add(symbol)
                self.diffs += 1
            trades = self._pending_trades.pop(symbol, None)
            if trades:
                market.queue([], trades)
            if market.has_pending:
                now_ms = now_ms or _now_ms()
                self._step(symbol, now_ms)

    def _on_futures_delta(self, product_id: str, before: int, delta: FuturesBookDelta) -> None:
        """One applied upstream delta on a book the master mirrors: pass that level on."""
        market = self.markets.get(product_id)
        book = self.store.books.get((Venue.FUTURES, product_id))
        if market is None or book is None or self._versions.get(product_id) != before:
            return  # not in step with the master: after_frame compares the whole book
        if book.health not in RELAYED_HEALTH:
            return
        try:
            price = to_scaled(delta.price, market.pp)
            qty = to_scaled(delta.qty, market.qp)
        except (PrecisionError, ValueError):
            return
        market.queue([LevelChange(delta.side == "buy", price, qty)], [])
        self._versions[product_id] = book.version

    # ------------------------------------------------------ upstream away
    def _on_upstream_lost(self, venue: Venue) -> None:
        self._lost_at.setdefault(venue, time.monotonic())

    async def _watch_upstream(self) -> None:
        """Suspend a venue's books once its upstream socket has been lost for a while:
        a blip is bridged invisibly, an outage must not pass frozen prices off as live."""
        while True:
            await asyncio.sleep(min(0.25, self.suspend_after / 2))
            now = time.monotonic()
            for venue, since in list(self._lost_at.items()):
                if now - since >= self.suspend_after:
                    for symbol in self._symbols[venue]:
                        feed = self._fanout(symbol)
                        if feed is not None:
                            feed.suspend()

    def _fanout(self, symbol: str) -> RelayFeed | None:
        if self._stepper is None:
            return None
        feed = self._stepper.spot_feeds.get(symbol) or self._stepper.futures_feeds.get(symbol)
        return feed if isinstance(feed, RelaySpotFeed | RelayFuturesFeed) else None

    def _step(self, symbol: str, now_ms: int) -> None:
        if self._stepper is not None:
            self._stepper.step_market(symbol, now_ms)
        else:
            self.markets[symbol].step(now_ms)

    def _on_trades(self, venue: Venue, trades: list[Trade], snapshot: bool) -> None:
        for trade in trades:
            market = self.markets.get(trade.symbol)
            if market is None:
                continue
            if snapshot:
                # History for the downstream trade snapshot (it filled nothing then);
                # a reconnect's snapshot repeats trades already kept.
                if not market.trades or trade.time_ms > market.trades[-1].time_ms:
                    market.record_upstream_trade(trade)
            else:
                self._pending_trades.setdefault(trade.symbol, []).append(trade)

    def _on_ticker(self, venue: Venue, ticker: Ticker) -> None:
        market = self.markets.get(ticker.symbol)
        if market is None:
            return
        market.apply_ticker(ticker)
        if self._stepper is not None:
            feed = self._stepper.spot_feeds.get(ticker.symbol)
            if isinstance(feed, RelaySpotFeed):
                feed.send_ticker()

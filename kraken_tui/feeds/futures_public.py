"""Kraken Derivatives (Futures) WebSocket v1 public feed: books, tickers, trades, heartbeat.

Precisions come from REST ``GET /derivatives/api/v3/instruments`` (loaded once,
retried with backoff); book subscriptions wait for them. Keepalive is WebSocket
protocol pings (Kraken asks for one at least every 60 s; we ping every 25 s)
plus the ``heartbeat`` feed, whose frames keep the stale watchdog fed when the
books are quiet. A ``seq`` gap or a lasting cross drops that one product's book
and resubscribes it alone. Product ids are upper case everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import aiohttp

from kraken_tui.book import ApplyResult, BookHealth, FuturesBook
from kraken_tui.endpoints import is_loopback
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.connection import Clock, ConnectionManager, ConnectionSettings
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Instrument, Venue
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_futures import codec
from kraken_tui.venues.kraken_futures.mapping import (
    instrument_from_rest,
    ticker_from_lite,
    ticker_from_wire,
    trade_from_wire,
)
from kraken_tui.venues.kraken_futures.messages import (
    FuturesBookDelta,
    FuturesBookSnapshot,
    FuturesEvent,
    FuturesTicker,
    FuturesTickerLite,
    FuturesTrade,
    FuturesTradeSnapshot,
)
from kraken_tui.venues.kraken_futures.rest import RestInstrument

FEED_NAME = "futures"
INSTRUMENTS_PATH = "/derivatives/api/v3/instruments"

InstrumentLoader = Callable[[], Awaitable[list[Instrument]]]


async def fetch_instruments(base_url: str, total_seconds: float = 10.0) -> list[Instrument]:
    """GET the futures instrument list and map it; raises on HTTP or shape errors."""
    url = base_url.rstrip("/") + INSTRUMENTS_PATH
    client_timeout = aiohttp.ClientTimeout(total=total_seconds)
    # Proxy settings from the environment apply to real hosts, never to the local exchange.
    trust_env = not is_loopback(url)
    async with (
        aiohttp.ClientSession(timeout=client_timeout, trust_env=trust_env) as http,
        http.get(url) as response,
    ):
        response.raise_for_status()
        body: Any = await response.json(content_type=None)
    if not isinstance(body, dict) or not isinstance(body.get("instruments"), list):
        raise ValueError(f"unexpected instruments payload from {url}")
    instruments = []
    for raw in body["instruments"]:
        try:
            instruments.append(instrument_from_rest(RestInstrument.model_validate(raw)))
        except (ValueError, TypeError, FrameError):
            continue  # one odd instrument (e.g. an index) must not hide the rest
    return instruments


class FuturesPublicFeed:
    """One Futures v1 public socket and the store entries it owns (venue FUTURES)."""

    def __init__(
        self,
        url: str,
        rest_url: str,
        store: MarketStore,
        *,
        stale_after: float | None = 15.0,
        stale_grace: float = 10.0,
        ping_interval: float = 25.0,
        backoff: Backoff | None = None,
        clock: Clock = time.monotonic,
        load_instruments: InstrumentLoader | None = None,
    ) -> None:
        self.store = store
        settings = ConnectionSettings(
            url=url,
            ping_interval=ping_interval,
            ping_timeout=min(ping_interval, 20.0),
            stale_after=stale_after,
            stale_grace=stale_grace,
        )
        self.conn = ConnectionManager(
            FEED_NAME, settings, store, self, backoff=backoff, clock=clock
        )
        self._load: InstrumentLoader = load_instruments or (lambda: fetch_instruments(rest_url))
        self.books: set[str] = set()
        self.tickers: set[str] = set()
        self.trades: set[str] = set()
        self.confirmed: set[tuple[str, str]] = set()
        """(feed, product id) acknowledged on this socket."""
        self.rejected: dict[tuple[str, str], str] = {}
        self.instruments_loaded = False
        self._requested: set[tuple[str, str]] = set()
        """(feed, product id) subscribed on this socket, acknowledged or not."""

    # ------------------------------------------------------------------ control
    async def run(self) -> None:
        loader = asyncio.create_task(self._load_instruments_until_done())
        try:
            await self.conn.run()
        finally:
            loader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await loader

    def want_book(self, product_id: str) -> None:
        pid = product_id.upper()
        if pid in self.books:
            return
        self.books.add(pid)
        self.rejected.pop(("book", pid), None)
        self._subscribe("book", [pid])

    def drop_book(self, product_id: str) -> None:
        pid = product_id.upper()
        self.books.discard(pid)
        self._unsubscribe("book", pid)
        self.store.books.pop((Venue.FUTURES, pid), None)

    def want_ticker(self, product_id: str) -> None:
        self._want(self.tickers, "ticker", product_id.upper())

    def drop_ticker(self, product_id: str) -> None:
        self._drop(self.tickers, "ticker", product_id.upper())

    def want_trades(self, product_id: str) -> None:
        self._want(self.trades, "trade", product_id.upper())

    def drop_trades(self, product_id: str) -> None:
        self._drop(self.trades, "trade", product_id.upper())

    def resync_book(self, product_id: str) -> None:
        pid = product_id.upper()
        book = self.book(pid)
        if book is not None:
            book.invalidate()
            self._resubscribe_book(pid)

    def book(self, product_id: str) -> FuturesBook | None:
        book = self.store.books.get((Venue.FUTURES, product_id))
        return book if isinstance(book, FuturesBook) else None

    # -------------------------------------------------------- connection hooks
    async def on_open(self, conn: ConnectionManager) -> None:
        self.confirmed.clear()
        self._requested.clear()
        for pid in self.books:
            book = self.book(pid)
            if book is not None:
                book.invalidate()  # seq trackers restart with the new snapshots
        conn.send(codec.subscribe("heartbeat"))
        self._subscribe_wanted()

    def on_close(self) -> None:
        self.confirmed.clear()
        self._requested.clear()
        self._set_health(BookHealth.DEGRADED, only_from=None)

    def on_stale(self) -> None:
        self._set_health(BookHealth.STALE, only_from=BookHealth.SYNCED)

    def on_fresh(self) -> None:
        self._set_health(BookHealth.SYNCED, only_from=BookHealth.STALE)

    def on_frame(self, raw: str | bytes) -> None:
        try:
            msg = codec.decode(raw)
            if isinstance(msg, FuturesBookDelta):
                self._on_delta(msg)
            elif isinstance(msg, FuturesBookSnapshot):
                self._on_snapshot(msg)
            elif isinstance(msg, FuturesTicker):
                self.store.set_ticker(Venue.FUTURES, ticker_from_wire(msg))
            elif isinstance(msg, FuturesTickerLite):
                self.store.set_ticker(Venue.FUTURES, ticker_from_lite(msg))
            elif isinstance(msg, FuturesTrade):
                self.store.add_trades(Venue.FUTURES, [trade_from_wire(msg)])
            elif isinstance(msg, FuturesTradeSnapshot):
                trades = [trade_from_wire(t) for t in reversed(msg.trades)]  # newest first
                if trades:
                    self.store.add_trades(Venue.FUTURES, trades, snapshot=True)
            elif isinstance(msg, FuturesEvent):
                self._on_event(msg)
        except FrameError as exc:
            status = self.conn.status
            status.malformed += 1
            status.last_error = f"dropped frame: {exc.reason}"
        # Heartbeats and unknown frames need nothing beyond the frame count.

    # ------------------------------------------------------------- inbound data
    def _on_snapshot(self, msg: FuturesBookSnapshot) -> None:
        pid = msg.product_id.upper()
        book = self.book(pid)
        if book is None or pid not in self.books:
            return
        result = book.apply_snapshot(msg.seq, msg.bids, msg.asks)
        if result is ApplyResult.OK:
            self.conn.mark_healthy()
        elif result.needs_resync:
            self._book_failed(pid, result)

    def _on_delta(self, msg: FuturesBookDelta) -> None:
        pid = msg.product_id.upper()
        book = self.book(pid)
        if book is None or pid not in self.books:
            return
        result = book.apply_delta(msg.seq, msg.side, msg.price, msg.qty)
        if result.needs_resync:
            self._book_failed(pid, result)

    def _on_event(self, msg: FuturesEvent) -> None:
        event = msg.event
        ids = [p.upper() for p in msg.product_ids or ()]
        feed = msg.feed or "?"
        if event == "subscribed":
            self.confirmed.update((feed, p) for p in ids)
        elif event == "unsubscribed":
            self.confirmed.difference_update((feed, p) for p in ids)
        elif event == "subscribed_failed":
            error = msg.message or "subscription failed"
            for pid in ids:
                self.rejected[(feed, pid)] = error
                self._requested.discard((feed, pid))
                if feed == "book":
                    book = self.book(pid)
                    if book is not None:
                        book.set_health(BookHealth.DEGRADED)
            self._note(f"{feed} {' '.join(ids)}: {error}")
        elif event in ("error", "alert"):
            self._note(f"{event}: {msg.message or ''}".strip())

    def _book_failed(self, pid: str, result: ApplyResult) -> None:
        self.conn.status.last_error = f"book {pid}: {result.value}, resyncing"
        self._resubscribe_book(pid)

    # --------------------------------------------------------------- requests
    async def _load_instruments_until_done(self) -> None:
        backoff = Backoff(base=1.0, cap=30.0)
        while not self.instruments_loaded:
            try:
                instruments = await self._load()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # network or shape: retry, the feed stays usable
                self._note(f"instruments: {exc}"[:160])
                await asyncio.sleep(backoff.next_delay())
                continue
            self.store.add_instruments(instruments)
            self.instruments_loaded = True
            if self.conn.connected:
                self._subscribe_wanted()

    def _subscribe_wanted(self) -> None:
        self._subscribe("book", sorted(self.books))
        self._subscribe("ticker", sorted(self.tickers))
        self._subscribe("trade", sorted(self.trades))

    def _subscribe(self, feed: str, product_ids: Iterable[str]) -> None:
        """Batch-subscribe known products only.

        Kraken refuses a whole request with one ``Invalid product id`` (and the
        error names no product), so an unknown id is rejected here instead of
        taking its neighbours down with it. Books also need the precisions.
        """
        if not self.instruments_loaded:
            return  # _load_instruments_until_done subscribes once they are known
        ready = []
        for pid in product_ids:
            if (feed, pid) in self.rejected or (feed, pid) in self._requested:
                continue
            instrument = self.store.instruments.get((Venue.FUTURES, pid))
            if instrument is None:
                self.rejected[(feed, pid)] = "unknown product id"
                self._note(f"{feed} {pid}: unknown product id")
                continue
            if feed == "book" and self.book(pid) is None:
                self.store.books[(Venue.FUTURES, pid)] = FuturesBook(
                    pid, instrument.price_precision, instrument.qty_precision
                )
            ready.append(pid)
        if ready and self.conn.send(codec.subscribe(feed, ready)):
            self._requested.update((feed, pid) for pid in ready)

    def _unsubscribe(self, feed: str, pid: str) -> None:
        if (feed, pid) in self._requested:
            self._requested.discard((feed, pid))
            self.conn.send(codec.unsubscribe(feed, [pid]))

    def _resubscribe_book(self, pid: str) -> None:
        if pid not in self.books or not self.conn.connected:
            return
        self.conn.send(codec.unsubscribe("book", [pid]))
        self.conn.send(codec.subscribe("book", [pid]))
        self._requested.add(("book", pid))

    def _want(self, wanted: set[str], feed: str, pid: str) -> None:
        if pid not in wanted:
            wanted.add(pid)
            self.rejected.pop((feed, pid), None)
            self._subscribe(feed, [pid])

    def _drop(self, wanted: set[str], feed: str, pid: str) -> None:
        if pid in wanted:
            wanted.discard(pid)
            self._unsubscribe(feed, pid)

    def _set_health(self, health: BookHealth, only_from: BookHealth | None) -> None:
        for pid in self.books:
            book = self.book(pid)
            if book is not None and (only_from is None or book.health is only_from):
                book.set_health(health)

    def _note(self, error: str) -> None:
        self.conn.status.last_error = error
        self.store.feeds_version += 1


"""Kraken Spot WebSocket v2 public feed: instruments, books, tickers and trades.

The feed keeps a *wanted* set (book per symbol at a depth, ticker, trade) and
what the server *confirmed* on the current socket. Every new socket starts from
the wanted set alone: books are cleared and wait for fresh snapshots, and only
what was wanted and never rejected is subscribed again, symbols batched per
request. Books need their instrument's precisions, so the ``instrument`` channel
is subscribed first and book subscriptions wait for its snapshot.

One book failing (checksum mismatch, crossed, bad value) is unsubscribed and
subscribed again on its own; every other symbol keeps streaming untouched.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Iterable
from typing import Any

from kraken_tui.book import ApplyResult, BookHealth, SpotBook
from kraken_tui.book.wire import apply_spot_book_message
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.connection import Clock, ConnectionManager, ConnectionSettings
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Instrument, Venue
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import load_object
from kraken_tui.venues.kraken_spot import codec
from kraken_tui.venues.kraken_spot.mapping import (
    instrument_from_pair,
    ticker_from_wire,
    trade_from_wire,
)
from kraken_tui.venues.kraken_spot.messages import (
    InstrumentMessage,
    MethodResponse,
    StatusMessage,
    TickerMessage,
    TradeMessage,
)

FEED_NAME = "spot"
FAILED_RESYNCS_BEFORE_DEGRADED = 3
"""Resyncs in a row without one good message before a book is shown DEGRADED."""

MAX_TRACKED_REQUESTS = 256
"""Requests remembered for matching error acks (oldest forgotten first)."""

SubKey = tuple[str, str]
"""(channel, symbol) of one subscription."""


class SpotPublicFeed:
    """One Spot v2 public socket and the store entries it owns (venue SPOT)."""

    def __init__(
        self,
        url: str,
        store: MarketStore,
        *,
        stale_after: float | None = 5.0,
        stale_grace: float = 5.0,
        backoff: Backoff | None = None,
        clock: Clock = time.monotonic,
        ping_interval: float = 10.0,
    ) -> None:
        self.store = store
        self._ping_ids = itertools.count(1)
        settings = ConnectionSettings(
            url=url,
            ping_interval=ping_interval,
            ping_timeout=ping_interval,
            app_ping=lambda: {"method": "ping", "req_id": next(self._ping_ids)},
            app_ping_interval=ping_interval,
            stale_after=stale_after,
            stale_grace=stale_grace,
        )
        self.conn = ConnectionManager(
            FEED_NAME, settings, store, self, backoff=backoff, clock=clock
        )
        self.book_depths: dict[str, int] = {}
        """Wanted books: symbol -> depth."""
        self.tickers: set[str] = set()
        self.trades: set[str] = set()
        self.confirmed: dict[SubKey, int | None] = {}
        """Subscriptions the server acknowledged on this socket (value: book depth)."""
        self.rejected: dict[SubKey, str] = {}
        """Subscriptions the server refused, with its error text; not retried on reconnect."""
        self.system_status = ""
        self._requests: dict[int, tuple[str, str, tuple[str, ...]]] = {}
        self._req_ids = itertools.count(1000)
        self._book_requested: dict[str, int] = {}
        """Books subscribed on this socket (pending or confirmed): symbol -> depth."""
        self._instruments_loaded = False
        self._failed_resyncs: dict[str, int] = {}
        self._retry_handles: dict[str, asyncio.TimerHandle] = {}

    # ------------------------------------------------------------------ control
    async def run(self) -> None:
        await self.conn.run()

    def want_book(self, symbol: str, depth: int) -> None:
        """Subscribe ``symbol``'s book at ``depth`` (resubscribing if the depth changed)."""
        old = self.book_depths.get(symbol)
        self.book_depths[symbol] = depth
        self.rejected.pop(("book", symbol), None)
        book = self.book(symbol)
        if old is not None and old != depth and book is not None:
            # Replace rather than mutate: a deeper book is a different subscription.
            self._unsubscribe_book(symbol)
            self._new_book(symbol)
        elif book is None:
            self._new_book(symbol)
        if self._book_requested.get(symbol) != depth:
            self._subscribe_books([symbol], depth)

    def drop_book(self, symbol: str) -> None:
        self.book_depths.pop(symbol, None)
        self._cancel_retry(symbol)
        self._unsubscribe_book(symbol)
        self.store.books.pop((Venue.SPOT, symbol), None)

    def want_ticker(self, symbol: str) -> None:
        if symbol not in self.tickers:
            self.tickers.add(symbol)
            self.rejected.pop(("ticker", symbol), None)
            self._request("subscribe", "ticker", [symbol])

    def drop_ticker(self, symbol: str) -> None:
        if symbol in self.tickers:
            self.tickers.discard(symbol)
            self._request("unsubscribe", "ticker", [symbol])

    def want_trades(self, symbol: str) -> None:
        if symbol not in self.trades:
            self.trades.add(symbol)
            self.rejected.pop(("trade", symbol), None)
            self._request("subscribe", "trade", [symbol], snapshot=True)

    def drop_trades(self, symbol: str) -> None:
        if symbol in self.trades:
            self.trades.discard(symbol)
            self._request("unsubscribe", "trade", [symbol])

    def resync_book(self, symbol: str) -> None:
        """Drop ``symbol``'s book and fetch a fresh snapshot (the user asked)."""
        book = self.book(symbol)
        if book is None:
            return
        book.invalidate()
        self._resubscribe_book(symbol)

    def book(self, symbol: str) -> SpotBook | None:
        book = self.store.books.get((Venue.SPOT, symbol))
        return book if isinstance(book, SpotBook) else None

    # -------------------------------------------------------- connection hooks
    async def on_open(self, conn: ConnectionManager) -> None:
        self.confirmed.clear()
        self._requests.clear()
        self._book_requested.clear()
        self._failed_resyncs.clear()
        for symbol in list(self._retry_handles):
            self._cancel_retry(symbol)
        for symbol in self.book_depths:
            book = self.book(symbol)
            if book is not None:
                book.invalidate()  # stale levels from the old socket must not be shown
        self._request("subscribe", "instrument", [])
        if self._instruments_loaded:
            self._subscribe_wanted_books()
        tickers = sorted(s for s in self.tickers if ("ticker", s) not in self.rejected)
        if tickers:
            self._request("subscribe", "ticker", tickers)
        trades = sorted(s for s in self.trades if ("trade", s) not in self.rejected)
        if trades:
            self._request("subscribe", "trade", trades, snapshot=True)

    def on_close(self) -> None:
        self.confirmed.clear()
        self._book_requested.clear()
        for symbol in list(self._retry_handles):
            self._cancel_retry(symbol)
        for symbol in self.book_depths:
            book = self.book(symbol)
            if book is not None:
                book.set_health(BookHealth.DEGRADED)

    def on_stale(self) -> None:
        for symbol in self.book_depths:
            book = self.book(symbol)
            if book is not None and book.health is BookHealth.SYNCED:
                book.set_health(BookHealth.STALE)

    def on_fresh(self) -> None:
        # Any frame proves the socket alive again; heartbeats flow when books are quiet.
        for symbol in self.book_depths:
            book = self.book(symbol)
            if book is not None and book.health is BookHealth.STALE:
                book.set_health(BookHealth.SYNCED)

    def on_frame(self, raw: str | bytes) -> None:
        try:
            obj = load_object(raw)
            if obj.get("channel") == "book":
                self._on_book(obj)  # the hot path: no second parse, no pydantic
                return
            msg = codec.decode(raw)
            if isinstance(msg, TickerMessage):
                for ticker in msg.data:
                    self.store.set_ticker(Venue.SPOT, ticker_from_wire(ticker))
            elif isinstance(msg, TradeMessage):
                self._on_trades(msg)
            elif isinstance(msg, MethodResponse):
                self._on_response(msg)
            elif isinstance(msg, InstrumentMessage):
                self._on_instruments(msg)
            elif isinstance(msg, StatusMessage) and msg.data:
                self.system_status = msg.data[0].system
        except FrameError as exc:
            status = self.conn.status
            status.malformed += 1
            status.last_error = f"dropped frame: {exc.reason}"
        # UnknownFrame, heartbeat and pong need nothing beyond the frame count.

    # ------------------------------------------------------------- inbound data
    def _on_book(self, msg: dict[str, Any]) -> None:
        data = msg.get("data")
        if type(data) is not list or len(data) != 1 or type(data[0]) is not dict:
            raise FrameError("book data must be a list of exactly one object")
        entry: dict[str, Any] = data[0]
        symbol = entry.get("symbol")
        if type(symbol) is not str:
            raise FrameError("book entry without symbol")
        book = self.book(symbol)
        if book is None or symbol not in self.book_depths:
            return  # a late message for a book we dropped
        is_snapshot = msg.get("type") == "snapshot"
        result = apply_spot_book_message(book, entry, is_snapshot)
        if result is ApplyResult.OK:
            if is_snapshot:
                self.conn.mark_healthy()
            else:  # a checked update after the snapshot: this book's resync worked
                self._failed_resyncs.pop(symbol, None)
        elif result.needs_resync:
            if result is ApplyResult.BAD_VALUE:
                self.conn.status.malformed += 1
            self._after_book_failure(symbol, result)

    def _on_trades(self, msg: TradeMessage) -> None:
        trades = []
        for data in msg.data:
            try:
                trades.append(trade_from_wire(data))
            except FrameError:
                self.conn.status.malformed += 1
        if trades:
            trades.sort(key=lambda t: t.time_ms)
            self.store.add_trades(Venue.SPOT, trades, snapshot=msg.type == "snapshot")

    def _on_instruments(self, msg: InstrumentMessage) -> None:
        instruments: list[Instrument] = [instrument_from_pair(p) for p in msg.data.pairs]
        if instruments:
            self.store.add_instruments(instruments)
        for instrument in instruments:
            book = self.book(instrument.symbol)
            if book is not None and (
                book.price_precision != instrument.price_precision
                or book.qty_precision != instrument.qty_precision
            ):
                self._new_book(instrument.symbol)
                self._resubscribe_book(instrument.symbol)
        if msg.type == "snapshot":
            self._instruments_loaded = True
            self._subscribe_wanted_books()

    def _on_response(self, msg: MethodResponse) -> None:
        request = self._requests.get(msg.req_id) if msg.req_id is not None else None
        if msg.result is not None:
            channel = msg.result.channel
        elif request is not None:
            channel = request[1]
        else:
            channel = "?"
        symbol = msg.subscribed_symbol
        symbols: tuple[str, ...] = (symbol,) if symbol is not None else ()
        if not symbols and request is not None:
            symbols = request[2]
        method = request[0] if request is not None else msg.method
        if msg.success:
            for sym in symbols:
                if msg.method == "unsubscribe":
                    self.confirmed.pop((channel, sym), None)
                else:
                    depth = msg.result.depth if msg.result is not None else None
                    self.confirmed[(channel, sym)] = depth
            return
        error = msg.error or "request failed"
        if method == "unsubscribe" or "not found" in error.lower():
            for sym in symbols:  # nothing to undo: it is gone either way
                self.confirmed.pop((channel, sym), None)
            return
        if "already subscribed" in error.lower():
            for sym in symbols:
                self.confirmed.setdefault((channel, sym), None)
            return
        status = self.conn.status
        for sym in symbols:
            self.rejected[(channel, sym)] = error
            status.last_error = f"{channel} {sym}: {error}"
            if channel == "book":
                self._book_requested.pop(sym, None)
                book = self.book(sym)
                if book is not None:
                    book.set_health(BookHealth.DEGRADED)
        self.store.feeds_version += 1

    # ---------------------------------------------------------------- resyncing
    def _after_book_failure(self, symbol: str, result: ApplyResult) -> None:
        failures = self._failed_resyncs.get(symbol, 0) + 1
        self._failed_resyncs[symbol] = failures
        self.conn.status.last_error = f"book {symbol}: {result.value}, resyncing"
        if failures <= FAILED_RESYNCS_BEFORE_DEGRADED:
            self._resubscribe_book(symbol)
            return
        # Resyncs keep failing: show it, and retry later with a growing delay.
        book = self.book(symbol)
        if book is not None:
            book.set_health(BookHealth.DEGRADED)
        self._unsubscribe_book(symbol)
        delay = Backoff().ceiling(failures - FAILED_RESYNCS_BEFORE_DEGRADED)
        self._cancel_retry(symbol)
        loop = asyncio.get_running_loop()
        self._retry_handles[symbol] = loop.call_later(delay, self._retry_book, symbol)

    def _retry_book(self, symbol: str) -> None:
        self._retry_handles.pop(symbol, None)
        depth = self.book_depths.get(symbol)
        if depth is not None and self.conn.connected:
            book = self.book(symbol)
            if book is not None:
                book.invalidate()
            self._subscribe_books([symbol], depth)

    def _cancel_retry(self, symbol: str) -> None:
        handle = self._retry_handles.pop(symbol, None)
        if handle is not None:
            handle.cancel()

    def _resubscribe_book(self, symbol: str) -> None:
        depth = self.book_depths.get(symbol)
        if depth is None:
            return
        self._unsubscribe_book(symbol)
        self._subscribe_books([symbol], depth)

    # --------------------------------------------------------------- requests
    def _new_book(self, symbol: str) -> None:
        instrument = self.store.instruments.get((Venue.SPOT, symbol))
        depth = self.book_depths.get(symbol)
        if instrument is None or depth is None:
            return
        self.store.books[(Venue.SPOT, symbol)] = SpotBook(
            symbol, instrument.price_precision, instrument.qty_precision, depth
        )

    def _subscribe_wanted_books(self) -> None:
        by_depth: dict[int, list[str]] = {}
        for symbol, depth in sorted(self.book_depths.items()):
            if ("book", symbol) in self.rejected or symbol in self._book_requested:
                continue
            by_depth.setdefault(depth, []).append(symbol)
        for depth, symbols in by_depth.items():
            self._subscribe_books(symbols, depth)

    def _subscribe_books(self, symbols: Iterable[str], depth: int) -> None:
        if not self._instruments_loaded:
            return  # sent once the instrument snapshot gives the precisions
        ready = []
        for symbol in symbols:
            if (Venue.SPOT, symbol) not in self.store.instruments:
                self.rejected[("book", symbol)] = "unknown symbol"
                self.conn.status.last_error = f"book {symbol}: unknown symbol"
                continue
            if self.book(symbol) is None:
                self._new_book(symbol)
            ready.append(symbol)
        if ready and self._request("subscribe", "book", ready, depth=depth):
            for symbol in ready:
                self._book_requested[symbol] = depth

    def _unsubscribe_book(self, symbol: str) -> None:
        depth = self._book_requested.pop(symbol, None)
        if depth is not None:
            self._request("unsubscribe", "book", [symbol], depth=depth)

    def _request(
        self,
        method: str,
        channel: str,
        symbols: list[str],
        *,
        depth: int | None = None,
        snapshot: bool | None = None,
    ) -> bool:
        if not self.conn.connected:
            return False  # on_open sends the wanted set on the next socket
        req_id = next(self._req_ids)
        self._requests[req_id] = (method, channel, tuple(symbols))
        if len(self._requests) > MAX_TRACKED_REQUESTS:
            del self._requests[next(iter(self._requests))]
        sym_list = symbols if channel != "instrument" else None
        if method == "subscribe":
            text = codec.subscribe(channel, sym_list, depth=depth, snapshot=snapshot, req_id=req_id)
        else:
            text = codec.unsubscribe(channel, sym_list, depth=depth, req_id=req_id)
        return self.conn.send(text)

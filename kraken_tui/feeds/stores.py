"""State the feeds write and the panes poll, each part with a version counter.

Feed tasks mutate these objects on the event loop; panes read them on a timer
and redraw only when a version changed. Nothing here sends Textual messages:
one message per delta costs far more loop time than a polled counter.
"""

from __future__ import annotations

import enum
import time
from collections import deque
from dataclasses import dataclass, field

from kraken_tui.book import L2Book
from kraken_tui.feeds.account_store import AccountStore
from kraken_tui.model import Instrument, Ticker, Trade, Venue

MarketKey = tuple[Venue, str]
"""(venue, symbol): spot symbols look like ``BTC/USD``, futures like ``PF_XBTUSD``."""

TRADES_KEPT = 200
"""Trades kept per symbol for the tape (bounded so memory stays flat all day)."""


class ConnState(enum.StrEnum):
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    DOWN = "down"
    STOPPED = "stopped"


@dataclass(slots=True)
class FeedStatus:
    """Health of one WebSocket connection, as the status bar shows it."""

    name: str
    state: ConnState = ConnState.CONNECTING
    messages: int = 0
    malformed: int = 0
    """Frames dropped because they could not be decoded."""
    reconnects: int = 0
    last_message_at: float | None = None
    """``time.monotonic()`` of the last frame received."""
    last_error: str = ""
    next_retry_at: float | None = None
    _rate_window: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=64))

    def record_message(self, now: float) -> None:
        self.messages += 1
        self.last_message_at = now

    def age(self, now: float | None = None) -> float | None:
        """Seconds since the last frame, or None before the first."""
        if self.last_message_at is None:
            return None
        return (time.monotonic() if now is None else now) - self.last_message_at

    def rate(self, now: float | None = None) -> float:
        """Messages per second over the last few seconds (sampled on each call)."""
        now = time.monotonic() if now is None else now
        window = self._rate_window
        window.append((now, self.messages))
        while len(window) > 2 and now - window[0][0] > 3.0:
            window.popleft()
        first_t, first_n = window[0]
        span = now - first_t
        return (self.messages - first_n) / span if span > 0.25 else 0.0


class MarketStore:
    """Everything the dashboard shows: instruments, books, tickers, trades, feed health,
    and (in ``account``) what the private feeds report."""

    def __init__(self) -> None:
        self.account = AccountStore()
        self.instruments: dict[MarketKey, Instrument] = {}
        self.instruments_version = 0
        self.books: dict[MarketKey, L2Book] = {}
        self.tickers: dict[MarketKey, Ticker] = {}
        self.tickers_version = 0
        self.trades: dict[MarketKey, deque[Trade]] = {}
        self.trades_version: dict[MarketKey, int] = {}
        self.feeds: dict[str, FeedStatus] = {}
        self.feeds_version = 0

    # ------------------------------------------------------------- instruments
    def add_instruments(self, instruments: list[Instrument]) -> None:
        for instrument in instruments:
            self.instruments[(instrument.venue, instrument.symbol)] = instrument
        self.instruments_version += 1

    def instrument(self, key: MarketKey) -> Instrument | None:
        return self.instruments.get(key)

    # ------------------------------------------------------------ tickers/trades
    def set_ticker(self, venue: Venue, ticker: Ticker) -> None:
        self.tickers[(venue, ticker.symbol)] = ticker
        self.tickers_version += 1

    def add_trades(self, venue: Venue, trades: list[Trade], *, snapshot: bool = False) -> None:
        """Add trades oldest first; the tape keeps the newest ``TRADES_KEPT``."""
        for trade in trades:
            key = (venue, trade.symbol)
            tape = self.trades.get(key)
            if tape is None or snapshot:
                tape = self.trades[key] = deque(maxlen=TRADES_KEPT) if tape is None else tape
                if snapshot:
                    tape.clear()
                    snapshot = False
            tape.append(trade)
            self.trades_version[key] = self.trades_version.get(key, 0) + 1

    # ------------------------------------------------------------------- feeds
    def feed(self, name: str) -> FeedStatus:
        status = self.feeds.get(name)
        if status is None:
            status = self.feeds[name] = FeedStatus(name)
            self.feeds_version += 1
        return status

    def set_feed_state(self, name: str, state: ConnState, error: str = "") -> None:
        status = self.feed(name)
        if status.state is not state or status.last_error != error:
            status.state = state
            status.last_error = error
            self.feeds_version += 1

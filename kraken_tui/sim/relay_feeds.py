"""The paper relay's upstream side: the dashboard's own public feeds, with hooks.

The relay reads the upstream exchange with exactly the client code the
dashboard uses (:class:`SpotPublicFeed`, :class:`FuturesPublicFeed`): instrument
discovery, checksum and seq checks, one-book resubscription, reconnect with
backoff. Two small hooks turn that into a relay:

- :class:`RelayStore` passes every trade and ticker the feeds store on to the
  relay as well;
- the feed subclasses call ``after_frame`` once each upstream frame has been
  applied, which is when the relay copies book differences downstream. The
  futures feed also reports each delta it applied (``on_delta``), so the relay
  can pass one level on instead of comparing a thousand-level book per delta.
"""

from __future__ import annotations

from collections.abc import Callable

from kraken_tui.feeds.futures_public import FuturesPublicFeed
from kraken_tui.feeds.spot_public import SpotPublicFeed
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Ticker, Trade, Venue
from kraken_tui.venues.kraken_futures.messages import FuturesBookDelta

TradesHook = Callable[[Venue, list[Trade], bool], None]
"""(venue, trades oldest first, is_snapshot)."""
TickerHook = Callable[[Venue, Ticker], None]
FrameHook = Callable[[Venue], None]
"""Called with the venue after each applied frame / when the socket is lost."""
DeltaHook = Callable[[str, int, FuturesBookDelta], None]
"""(product id, the book's version before the delta, the delta) of an applied delta."""


class RelayStore(MarketStore):
    """A market store that also tells the relay about trades and tickers."""

    def __init__(self, on_trades: TradesHook, on_ticker: TickerHook) -> None:
        super().__init__()
        self._on_trades = on_trades
        self._on_ticker = on_ticker

    def set_ticker(self, venue: Venue, ticker: Ticker) -> None:
        super().set_ticker(venue, ticker)
        self._on_ticker(venue, ticker)

    def add_trades(self, venue: Venue, trades: list[Trade], *, snapshot: bool = False) -> None:
        super().add_trades(venue, trades, snapshot=snapshot)
        self._on_trades(venue, trades, snapshot)


class UpstreamSpotFeed(SpotPublicFeed):
    """Spot v2 public feed that reports each applied frame and a lost socket."""

    def __init__(
        self, url: str, store: MarketStore, after_frame: FrameHook, on_lost: FrameHook
    ) -> None:
        super().__init__(url, store)
        self._after_frame = after_frame
        self._on_lost = on_lost

    def on_frame(self, raw: str | bytes) -> None:
        super().on_frame(raw)
        self._after_frame(Venue.SPOT)

    def on_close(self) -> None:
        super().on_close()
        self._on_lost(Venue.SPOT)


class UpstreamFuturesFeed(FuturesPublicFeed):
    """Futures v1 public feed that reports each applied frame."""

    def __init__(
        self,
        url: str,
        rest_url: str,
        store: MarketStore,
        after_frame: FrameHook,
        on_delta: DeltaHook,
        on_lost: FrameHook,
    ) -> None:
        super().__init__(url, rest_url, store)
        self._after_frame = after_frame
        self._on_delta_applied = on_delta
        self._on_lost = on_lost

    def on_close(self) -> None:
        super().on_close()
        self._on_lost(Venue.FUTURES)

    def _on_delta(self, msg: FuturesBookDelta) -> None:
        book = self.book(msg.product_id.upper())
        before = book.version if book is not None else -1
        super()._on_delta(msg)
        if book is not None and book.version == before + 1:
            self._on_delta_applied(book.symbol, before, msg)

    def on_frame(self, raw: str | bytes) -> None:
        super().on_frame(raw)
        self._after_frame(Venue.FUTURES)

"""The live :class:`~kraken_tui.feeds.session.MarketSession`: both public feeds, the
private feeds of whichever venues have credentials, one store.

The selected market gets its book, ticker and trade subscriptions ("linked"
panes). Switching market drops the old book and trades, keeps the tickers of a
few recently viewed markets (one small message a second each), and subscribes
the new market. Everything here is synchronous bookkeeping the UI may call from
its event loop; the feeds send on their sockets or, while disconnected, simply
remember what is wanted for the next connection.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping

from kraken_tui.endpoints import Endpoints
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.futures_public import FuturesPublicFeed, InstrumentLoader
from kraken_tui.feeds.order_gateway import OrderGateway
from kraken_tui.feeds.private_session import PrivateFeeds
from kraken_tui.feeds.session import DEPTHS, Selection
from kraken_tui.feeds.spot_public import SpotPublicFeed
from kraken_tui.feeds.stores import MarketKey, MarketStore
from kraken_tui.feeds.tasks import run_until_cancelled
from kraken_tui.feeds.trading import LiveOrderGateway
from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials

DEFAULT_SELECTION = Selection(Venue.SPOT, "BTC/USD", 25)
RECENT_TICKERS = 6
"""Tickers kept subscribed after their market was left (besides the selected one)."""


class LiveMarketSession:
    """Owns the spot and futures public feeds and drives them from the UI's selection."""

    def __init__(
        self,
        endpoints: Endpoints,
        store: MarketStore | None = None,
        *,
        initial: Selection = DEFAULT_SELECTION,
        spot_stale_after: float = 5.0,
        spot_stale_grace: float = 5.0,
        futures_stale_after: float = 15.0,
        futures_stale_grace: float = 10.0,
        futures_ping_interval: float = 25.0,
        recent_tickers: int = RECENT_TICKERS,
        spot_backoff: Backoff | None = None,
        futures_backoff: Backoff | None = None,
        load_futures_instruments: InstrumentLoader | None = None,
        credentials: Mapping[Venue, Credentials] | None = None,
        credential_notes: Mapping[Venue, str] | None = None,
        private_backoff: Callable[[], Backoff] | None = None,
        trading_allowed: bool = True,
        trading_disabled_reason: str = "",
        trading_timeout: float = 10.0,
    ) -> None:
        self.store = store if store is not None else MarketStore()
        self.endpoints = endpoints
        self.spot = SpotPublicFeed(
            endpoints.spot_ws,
            self.store,
            stale_after=spot_stale_after,
            stale_grace=spot_stale_grace,
            backoff=spot_backoff,
        )
        self.futures = FuturesPublicFeed(
            endpoints.futures_ws,
            endpoints.futures_rest,
            self.store,
            stale_after=futures_stale_after,
            stale_grace=futures_stale_grace,
            ping_interval=futures_ping_interval,
            backoff=futures_backoff,
            load_instruments=load_futures_instruments,
        )
        self.private = PrivateFeeds(
            endpoints,
            self.store,
            credentials or {},
            credential_notes,
            backoff=private_backoff,
        )
        self.trading: OrderGateway | None = None
        self.gateway: LiveOrderGateway | None = None
        """The same object as :attr:`trading`, with its concrete type (tests, diagnostics)."""
        if credentials:
            # With keys but trading not allowed the gateway exists, disabled, so the UI
            # can say why; it then makes no network call at all.
            self.gateway = LiveOrderGateway(
                endpoints,
                self.store,
                credentials,
                allowed=trading_allowed,
                disabled_reason=trading_disabled_reason,
                request_timeout=trading_timeout,
                backoff=private_backoff() if private_backoff is not None else None,
                # One key, one nonce sequence: the feed and the order socket share it.
                spot_nonces=self.private.spot.nonces if self.private.spot is not None else None,
            )
            self.trading = self.gateway
        self.recent_tickers = recent_tickers
        self._recent: OrderedDict[MarketKey, None] = OrderedDict()
        self._selection = _normalised(_checked(initial))
        self._link(self._selection)

    # ------------------------------------------------------------ MarketSession
    @property
    def selection(self) -> Selection:
        return self._selection

    async def run(self) -> None:
        """Run every feed until cancelled; a feed that is DOWN for good leaves the others."""
        jobs = [
            ("feed:spot", self.spot.run()),
            ("feed:futures", self.futures.run()),
            ("feed:private", self.private.run()),
        ]
        if self.gateway is not None:
            jobs.append(("feed:trading", self.gateway.run()))
        await run_until_cancelled(jobs)

    def select(self, venue: Venue, symbol: str) -> None:
        new = _normalised(Selection(venue, symbol, self._selection.depth))
        old = self._selection
        if (new.venue, new.symbol) == (old.venue, old.symbol):
            return
        self._unlink(old)
        self._selection = new
        self._link(new)

    def set_depth(self, depth: int) -> None:
        if depth not in DEPTHS:
            raise ValueError(f"depth must be one of {DEPTHS}, got {depth}")
        sel = self._selection
        self._selection = Selection(sel.venue, sel.symbol, depth)
        if sel.venue is Venue.SPOT:
            self.spot.want_book(sel.symbol, depth)
        # Futures books have no subscribed depth: the ladder just shows more rows.

    def resync(self) -> None:
        sel = self._selection
        if sel.venue is Venue.SPOT:
            self.spot.resync_book(sel.symbol)
        else:
            self.futures.resync_book(sel.symbol)

    # ------------------------------------------------------------------ linking
    def _link(self, sel: Selection) -> None:
        key = (sel.venue, sel.symbol)
        if sel.venue is Venue.SPOT:
            self.spot.want_book(sel.symbol, sel.depth)
            self.spot.want_trades(sel.symbol)
            self.spot.want_ticker(sel.symbol)
        else:
            self.futures.want_book(sel.symbol)
            self.futures.want_trades(sel.symbol)
            self.futures.want_ticker(sel.symbol)
        self._recent.pop(key, None)

    def _unlink(self, sel: Selection) -> None:
        if sel.venue is Venue.SPOT:
            self.spot.drop_book(sel.symbol)
            self.spot.drop_trades(sel.symbol)
        else:
            self.futures.drop_book(sel.symbol)
            self.futures.drop_trades(sel.symbol)
        self._recent[(sel.venue, sel.symbol)] = None
        while len(self._recent) > self.recent_tickers:
            venue, symbol = self._recent.popitem(last=False)[0]
            if venue is Venue.SPOT:
                self.spot.drop_ticker(symbol)
            else:
                self.futures.drop_ticker(symbol)
            if self.store.tickers.pop((venue, symbol), None) is not None:
                self.store.tickers_version += 1


def _checked(sel: Selection) -> Selection:
    if sel.depth not in DEPTHS:
        raise ValueError(f"depth must be one of {DEPTHS}, got {sel.depth}")
    return sel


def _normalised(sel: Selection) -> Selection:
    """Futures product ids are upper case on the wire and in the store."""
    if sel.venue is Venue.FUTURES and sel.symbol != sel.symbol.upper():
        return Selection(sel.venue, sel.symbol.upper(), sel.depth)
    return sel

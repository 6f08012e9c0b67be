"""The private side of a session: one spot and one futures private feed, each optional.

A venue with credentials gets its feed; a venue without gets an OFF status whose
message says why (no keyring, no key stored, ...), so the account panes can tell
the user what to do. Each feed runs in its own task behind a guard: whatever
happens in a private feed, the public feeds and the other private feed go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from kraken_tui.endpoints import Endpoints
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.futures_private import FuturesPrivateFeed
from kraken_tui.feeds.spot_private import SpotPrivateFeed
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.feeds.tasks import run_until_cancelled
from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials

log = logging.getLogger("kraken_tui.feeds")

NO_KEYS = "no API keys for this venue"


class PrivateFeeds:
    """Owns the private feeds of whichever venues have credentials."""

    def __init__(
        self,
        endpoints: Endpoints,
        store: MarketStore,
        credentials: Mapping[Venue, Credentials],
        notes: Mapping[Venue, str] | None = None,
        *,
        backoff: Callable[[], Backoff] | None = None,
    ) -> None:
        self.store = store
        account = store.account
        make_backoff = backoff or Backoff
        self.spot: SpotPrivateFeed | None = None
        self.futures: FuturesPrivateFeed | None = None
        spot = credentials.get(Venue.SPOT)
        if spot is not None:
            self.spot = SpotPrivateFeed(
                endpoints.spot_auth_ws, endpoints.rest, store, spot, backoff=make_backoff()
            )
            account.set_private(Venue.SPOT, AuthState.PENDING, "connecting", source=spot.source)
        futures = credentials.get(Venue.FUTURES)
        if futures is not None:
            self.futures = FuturesPrivateFeed(
                endpoints.futures_ws, store, futures, backoff=make_backoff()
            )
            account.set_private(
                Venue.FUTURES, AuthState.PENDING, "connecting", source=futures.source
            )
        for venue in Venue:
            if venue not in credentials:
                account.set_private(venue, AuthState.OFF, (notes or {}).get(venue, NO_KEYS))

    @property
    def enabled(self) -> bool:
        return self.spot is not None or self.futures is not None

    async def run(self) -> None:
        """Run every private feed until cancelled; never raises."""
        runs: list[tuple[str, Callable[[], Awaitable[None]]]] = []
        if self.spot is not None:
            runs.append((self.spot.conn.name, self.spot.run))
        if self.futures is not None:
            runs.append((self.futures.conn.name, self.futures.run))
        await run_until_cancelled((name, self._guarded(name, run)) for name, run in runs)

    async def _guarded(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        try:
            await run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug in one private feed must not stop anything else
            reason = f"stopped: {type(exc).__name__}"
            log.exception("%s %s", name, reason)
            self.store.set_feed_state(name, ConnState.DOWN, reason)

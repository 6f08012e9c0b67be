"""The app's private feeds against the embedded exchange's private side, both really started.

The client (feeds/*_private.py) and the exchange (sim/*_private.py) were written
independently from Kraken's documentation; these tests are where they meet.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.sim import ExchangeServer
from tests.helpers import wait_for

WRONG_SECRET = Secret(base64.b64encode(b"not the secret the exchange issued" * 2).decode())


def quick_backoff() -> Backoff:
    return Backoff(base=0.05, cap=0.2)


@contextlib.asynccontextmanager
async def running(session: LiveMarketSession) -> AsyncIterator[None]:
    task = asyncio.create_task(session.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def session_for(
    exchange: ExchangeServer, credentials: dict[Venue, Credentials]
) -> LiveMarketSession:
    return LiveMarketSession(
        exchange.urls,
        credentials=credentials,
        spot_backoff=quick_backoff(),
        futures_backoff=quick_backoff(),
        private_backoff=quick_backoff,
    )


def fill_ids(session: LiveMarketSession, venue: Venue) -> set[str]:
    return {fill_id for (v, fill_id) in session.store.account.fills if v is venue}


async def test_practice_account_streams_with_no_setup(exchange: ExchangeServer) -> None:
    session = session_for(exchange, exchange.practice_credentials)
    account = session.store.account
    async with running(session):
        await wait_for(
            lambda: (
                all(s.state is AuthState.OK for s in account.private.values())
                and bool(account.positions)
                and account.margin is not None
                and {v for v, _ in account.orders} == {Venue.SPOT, Venue.FUTURES}
                and {v for v, _, _ in account.balances} >= {Venue.SPOT, Venue.FUTURES}
            ),
            timeout=10,
        )
        # What the client shows is what the exchange holds.
        for venue in Venue:
            truth = {o.order_id for o in exchange.account.open_orders(venue)}
            await wait_for(lambda v=venue, t=truth: {i for w, i in account.orders if w is v} == t)
            await wait_for(
                lambda v=venue: (
                    fill_ids(session, v) == {f.fill_id for f in exchange.account.fills(v)}
                )
            )
        held = {p.symbol: p.size for p in exchange.account.positions()}
        assert {s: p.size for s, p in account.positions.items()} == held
        assert all(s.source == "embedded exchange" for s in account.private.values())


async def test_bad_signature_is_an_auth_error_and_public_feeds_go_on(
    exchange: ExchangeServer,
) -> None:
    good = exchange.practice_credentials
    forged = {
        venue: Credentials(creds.api_key, WRONG_SECRET, source="keyring")
        for venue, creds in good.items()
    }
    session = session_for(exchange, forged)
    account, feeds = session.store.account, session.store.feeds
    async with running(session):
        await wait_for(
            lambda: all(s.state is AuthState.FAILED for s in account.private.values()),
            timeout=10,
        )
        for venue, name in ((Venue.SPOT, "spot-private"), (Venue.FUTURES, "futures-private")):
            await wait_for(lambda n=name: feeds[n].state is ConnState.DOWN)
            message = account.private[venue].message.lower()
            assert venue.value in message
            assert "signature" in message or "auth" in message
        assert not account.orders and not account.fills and not account.positions
        # The public side was never disturbed: both books keep moving after the failure.
        spot_book = session.store.books[(Venue.SPOT, "BTC/USD")]
        await wait_for(lambda: spot_book.version > 0, timeout=10)
        version = spot_book.version
        await wait_for(lambda: spot_book.version > version, timeout=10)
        assert feeds["spot"].state is ConnState.CONNECTED
        assert feeds["futures"].state is ConnState.CONNECTED
        # No retry loop: the private sockets stay down.
        connects = (feeds["spot-private"].reconnects, feeds["futures-private"].reconnects)
        await asyncio.sleep(0.5)
        assert (feeds["spot-private"].reconnects, feeds["futures-private"].reconnects) == connects


async def test_reconnect_brings_private_feeds_back_without_double_counting(
    exchange: ExchangeServer,
) -> None:
    session = session_for(exchange, exchange.practice_credentials)
    account, feeds = session.store.account, session.store.feeds
    async with running(session):
        await wait_for(
            lambda: (
                all(s.state is AuthState.OK for s in account.private.values())
                and bool(account.fills)
            ),
            timeout=10,
        )
        spot_feed = session.private.spot
        assert spot_feed is not None
        tokens_before = spot_feed.tokens_fetched
        duplicates_before = account.fills_duplicates
        fills_before = dict(account.fills)

        await exchange.drop_connections()

        await wait_for(
            lambda: (
                feeds["spot-private"].reconnects >= 1
                and feeds["futures-private"].reconnects >= 1
                and all(s.state is AuthState.OK for s in account.private.values())
            ),
            timeout=10,
        )
        # The replayed snapshots arrived and were recognised as already counted.
        await wait_for(lambda: account.fills_duplicates > duplicates_before, timeout=10)
        # A fresh token for the new socket (the exchange accepts only challenges issued
        # on the same connection, so the futures side could not have come back otherwise).
        assert spot_feed.tokens_fetched > tokens_before
        for key, fill in fills_before.items():
            assert account.fills[key] == fill
        for venue in Venue:
            await wait_for(
                lambda v=venue: (
                    fill_ids(session, v) == {f.fill_id for f in exchange.account.fills(v)}
                )
            )

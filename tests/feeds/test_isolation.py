"""Failures stay where they happen: one bad product, one dead feed, one bad frame."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses

import pytest

from kraken_tui.book import BookHealth
from kraken_tui.endpoints import is_loopback
from kraken_tui.feeds.futures_public import FuturesPublicFeed
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.feeds.session import Selection
from kraken_tui.feeds.stores import ConnState, MarketStore
from kraken_tui.model import Venue
from kraken_tui.sim import ExchangeServer
from tests.feeds.conftest import SessionFactory
from tests.helpers import wait_for

PF_XBT = (Venue.FUTURES, "PF_XBTUSD")


async def test_an_unknown_product_is_refused_alone(
    exchange: ExchangeServer, live_session: SessionFactory
) -> None:
    session = live_session(Selection(Venue.FUTURES, "PF_XBTUSD", 10))
    session.futures.want_ticker("PF_NOSUCH")
    session.futures.want_book("PF_NOSUCH")
    await wait_for(lambda: PF_XBT in session.store.books
                   and session.store.books[PF_XBT].health is BookHealth.SYNCED, timeout=10)
    await wait_for(lambda: PF_XBT in session.store.tickers, timeout=5)
    assert session.futures.rejected == {
        ("ticker", "PF_NOSUCH"): "unknown product id",
        ("book", "PF_NOSUCH"): "unknown product id",
    }
    assert (Venue.FUTURES, "PF_NOSUCH") not in session.store.books
    assert {("ticker", "PF_XBTUSD"), ("trade", "PF_XBTUSD")} <= session.futures.confirmed


async def test_a_feed_refused_for_good_is_down_and_the_other_keeps_running(
    exchange: ExchangeServer,
) -> None:
    # A wrong path gets HTTP 404 on the upgrade: retrying cannot help.
    wrong = dataclasses.replace(exchange.urls, spot_ws=exchange.urls.spot_ws + "/nope")
    session = LiveMarketSession(wrong, initial=Selection(Venue.FUTURES, "PF_XBTUSD", 10))
    task = asyncio.create_task(session.run())
    try:
        spot = session.store.feed("spot")
        await wait_for(lambda: spot.state is ConnState.DOWN, timeout=5)
        assert "404" in spot.last_error
        await wait_for(lambda: PF_XBT in session.store.books
                       and session.store.books[PF_XBT].health is BookHealth.SYNCED, timeout=10)
        assert session.store.feeds["futures"].state is ConnState.CONNECTED
        assert not task.done()  # run() keeps going until cancelled
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_malformed_futures_frames_are_counted_and_dropped() -> None:
    store = MarketStore()
    feed = FuturesPublicFeed("ws://127.0.0.1:9/ws/v1", "http://127.0.0.1:9", store)
    feed.on_frame("{truncated")
    feed.on_frame('{"feed": "book", "product_id": "PF_XBTUSD", "side": "buy"}')
    feed.on_frame('{"feed": "ticker", "product_id": 5}')
    feed.on_frame('{"feed": "some_new_feed", "x": 1}')  # unknown: skipped, not malformed
    feed.on_frame('{"event": "info", "version": 1}')
    assert store.feeds["futures"].malformed == 3
    assert store.books == {} and store.tickers == {}


def test_futures_keepalive_pings_well_inside_kraken_limit() -> None:
    feed = FuturesPublicFeed("ws://127.0.0.1:9/ws/v1", "http://127.0.0.1:9", MarketStore())
    assert feed.conn.settings.ping_interval is not None
    assert feed.conn.settings.ping_interval <= 30


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("ws://127.0.0.1:8765/v2", True),
        ("ws://localhost:1/v2", True),
        ("ws://[::1]:1/ws/v1", True),
        ("wss://ws.kraken.com/v2", False),
        ("http://10.0.0.1:80", False),
    ],
)
def test_loopback_detection(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback

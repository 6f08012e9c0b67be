"""Kraken's real public feeds (opt-in, see conftest): the dashboard's session syncs a
spot and a futures book on production, and a paper exchange relays them exactly."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from kraken_tui.book import BookHealth
from kraken_tui.endpoints import LIVE
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.feeds.session import Selection
from kraken_tui.model import Venue
from kraken_tui.sim.relay_exchange import PaperExchange
from tests.helpers import wait_for

pytestmark = pytest.mark.live

SPOT = Selection(Venue.SPOT, "BTC/USD", 10)
PERP = Selection(Venue.FUTURES, "PF_XBTUSD", 25)


async def synced(session: LiveMarketSession, selection: Selection) -> None:
    """Run ``session`` until the selected book is SYNCED with no bad checksum."""
    key = (selection.venue, selection.symbol)

    def ready() -> bool:
        book = session.store.books.get(key)
        return book is not None and book.health is BookHealth.SYNCED and book.checksum_bad == 0

    task = asyncio.create_task(session.run())
    try:
        await wait_for(ready, timeout=30)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.mark.parametrize("selection", [SPOT, PERP], ids=["spot", "futures"])
async def test_production_books_sync_with_good_checksums(selection: Selection) -> None:
    await synced(LiveMarketSession(LIVE, initial=selection), selection)


@pytest.mark.parametrize("selection", [SPOT, PERP], ids=["spot", "futures"])
async def test_paper_relays_the_production_book(selection: Selection) -> None:
    async with PaperExchange(LIVE) as paper:
        await synced(LiveMarketSession(paper.urls, initial=selection), selection)

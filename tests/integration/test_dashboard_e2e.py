"""The real dashboard on the real embedded exchange, driven with Pilot.

Nothing is faked: an ExchangeServer listens on loopback, LiveMarketSession talks
Spot WS v2 and Futures WS v1 to it, and KrakenApp renders what arrives.
"""

from __future__ import annotations

from kraken_tui.book import BookHealth
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.feeds.session import Selection
from kraken_tui.model import Venue
from kraken_tui.sim import ExchangeServer
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.widgets import LadderPane, TickerPane
from kraken_tui.ui.widgets.pane import line_plain
from tests.helpers import wait_for


def _text(app: KrakenApp, pane: type[LadderPane] | type[TickerPane]) -> str:
    widget = app.query_one(pane)
    return "\n".join(line_plain(x) for x in widget.lines())


def _price(scaled: int) -> str:
    """BTC/USD has one price decimal: 972528 -> '97,252.8' (written independently)."""
    return f"{scaled // 10:,}.{scaled % 10}"


async def test_ladder_goes_live_and_follows_a_palette_switch(exchange: ExchangeServer) -> None:
    session = LiveMarketSession(exchange.urls, initial=Selection(Venue.SPOT, "BTC/USD", 25))
    app = KrakenApp(session, env_label="SIM")
    spot_key = (Venue.SPOT, "BTC/USD")
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(
            lambda: spot_key in session.store.books
            and session.store.books[spot_key].health is BookHealth.SYNCED,
            timeout=10,
        )
        book = session.store.books[spot_key]
        # The ladder keeps moving: several book versions arrive and it redraws them.
        first_version = book.version
        await wait_for(lambda: book.version >= first_version + 3, timeout=10)
        # Freeze the market so the screen and the book can be compared exactly.
        exchange.stall(2.0)
        await pilot.pause(0.5)
        text = _text(app, LadderPane)
        assert "SYNCED" in text
        assert f"crc {book.checksum()}" in text
        assert _price(book.asks(1)[0][0]) in text
        assert _price(book.bids(1)[0][0]) in text
        await wait_for(lambda: book.version >= first_version + 5, timeout=10)

        # Switch to the BTC perpetual through the command palette.
        await pilot.press("ctrl+p")
        await pilot.press(*"PF_XBTUSD")
        await pilot.pause(0.3)
        await pilot.press("enter")
        futures_key = (Venue.FUTURES, "PF_XBTUSD")
        await wait_for(
            lambda: futures_key in session.store.books
            and session.store.books[futures_key].health is BookHealth.SYNCED,
            timeout=10,
        )
        assert session.selection == Selection(Venue.FUTURES, "PF_XBTUSD", 25)
        await wait_for(lambda: "PF_XBTUSD" in _text(app, LadderPane), timeout=5)
        await wait_for(lambda: "mark" in _text(app, TickerPane), timeout=5)
        # The old spot book was released, the new one is live.
        assert spot_key not in session.store.books

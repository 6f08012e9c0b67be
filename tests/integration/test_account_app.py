"""The account side of the real dashboard on the real embedded exchange, driven with Pilot."""

from __future__ import annotations

import base64

import keyring
from keyring.backends import fail

from kraken_tui.book import BookHealth
from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.market_session import LiveMarketSession
from kraken_tui.model import Venue
from kraken_tui.model.secret import Credentials, Secret
from kraken_tui.sim import ExchangeServer
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.run import keyring_credentials
from kraken_tui.ui.widgets import LadderPane
from kraken_tui.ui.widgets.account_table import AccountTablePane
from kraken_tui.ui.widgets.fills import FillsPane
from kraken_tui.ui.widgets.orders import OrdersPane
from kraken_tui.ui.widgets.pane import line_plain
from kraken_tui.ui.widgets.positions import PositionsPane
from tests.helpers import wait_for


def _text(app: KrakenApp, pane: type[AccountTablePane] | type[LadderPane]) -> str:
    return "\n".join(line_plain(line) for line in app.query_one(pane).lines())


async def test_practice_account_fills_the_panes(exchange: ExchangeServer) -> None:
    session = LiveMarketSession(exchange.urls, credentials=exchange.practice_credentials)
    app = KrakenApp(session, env_label="SIM")
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_for(lambda: bool(session.store.account.positions), timeout=10)
        await wait_for(lambda: bool(session.store.account.fills), timeout=10)

        def drawn() -> bool:
            # Both venues' snapshots reached the panes (spot's may come later under load).
            return "BTC/USD" in _text(app, OrdersPane) and "short" in _text(app, PositionsPane)

        await wait_for(drawn, timeout=10)
        await pilot.pause(0.3)
        positions = _text(app, PositionsPane)
        for position in exchange.account.positions():
            assert position.symbol in positions
        assert "short" in positions and "long" in positions
        orders = _text(app, OrdersPane)
        for order in exchange.account.open_orders(Venue.FUTURES):
            assert order.symbol in orders
        assert "BTC/USD" in orders
        assert "maker" in _text(app, FillsPane) or "taker" in _text(app, FillsPane)


async def test_without_a_keyring_market_data_runs_and_the_panes_say_why(
    exchange: ExchangeServer,
) -> None:
    keyring.set_keyring(fail.Keyring())  # the autouse fixture restores the previous backend
    credentials, notes = keyring_credentials("live", from_env=False)
    assert credentials == {}
    session = LiveMarketSession(exchange.urls, credentials=credentials, credential_notes=notes)
    app = KrakenApp(session, env_label="LIVE")
    async with app.run_test(size=(140, 45)) as pilot:
        book_key = (Venue.SPOT, "BTC/USD")
        await wait_for(
            lambda: (
                book_key in session.store.books
                and session.store.books[book_key].health is BookHealth.SYNCED
            ),
            timeout=10,
        )
        await pilot.pause(0.3)
        assert "SYNCED" in _text(app, LadderPane)
        for venue in Venue:
            assert session.store.account.private[venue].state is AuthState.OFF
        shown = _text(app, PositionsPane) + _text(app, OrdersPane)
        assert "keyring" in shown.lower()
        assert "--keys-from-env" in " ".join(notes.values())


async def test_a_rejected_signature_shows_as_an_auth_error_while_the_ladder_updates(
    exchange: ExchangeServer,
) -> None:
    wrong = Secret(base64.b64encode(bytes(range(64))).decode())
    issued = exchange.practice_credentials[Venue.FUTURES]
    session = LiveMarketSession(
        exchange.urls, credentials={Venue.FUTURES: Credentials(issued.api_key, wrong)}
    )
    app = KrakenApp(session, env_label="SIM")
    async with app.run_test(size=(140, 45)) as pilot:
        account = session.store.account
        await wait_for(lambda: account.private[Venue.FUTURES].state is AuthState.FAILED, timeout=10)
        await pilot.pause(0.3)
        assert "auth failed" in _text(app, PositionsPane).lower()
        book = session.store.books[(Venue.SPOT, "BTC/USD")]
        ladder = app.query_one(LadderPane)
        redraws, version = ladder.redraws, book.version
        await wait_for(lambda: book.version > version + 2 and ladder.redraws > redraws, timeout=10)
        assert book.health is BookHealth.SYNCED

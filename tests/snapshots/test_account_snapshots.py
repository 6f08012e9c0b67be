"""SVG snapshots of the account panes on the dashboard: a focused, filtered orders pane, a
maximised fills pane at 80x24, and a session whose futures keys were rejected.

The plain dashboard snapshots in test_dashboard_snapshots.py show every account pane
populated at 140x45 and 80x24. Plain ``def`` tests: ``snap_compare`` runs its own loop.
"""

from __future__ import annotations

from collections.abc import Callable

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.feeds.static import StaticSession
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import Venue
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.widgets import FillsPane, OrdersPane
from tests.snapshots.test_dashboard_snapshots import SMALL, WIDE, make_app, prepare

SnapCompare = Callable[..., bool]


def futures_keys_rejected() -> KrakenApp:
    """Spot signed in; futures rejected the keys, so its account data is gone."""
    session = StaticSession()
    store = session.store
    store.account.forget(Venue.FUTURES)
    store.account.set_private(Venue.FUTURES, AuthState.FAILED, "EAPI:Invalid key")
    store.set_feed_state("futures-private", ConnState.DOWN, "EAPI:Invalid key")
    return KrakenApp(session, start_feeds=False)


def test_account_auth_failed(snap_compare: SnapCompare) -> None:
    assert snap_compare(futures_keys_rejected(), terminal_size=WIDE, run_before=prepare())


def test_orders_focused_and_filtered(snap_compare: SnapCompare) -> None:
    """Tab to the orders pane, ``f`` to BTC/USD only, cursor on the second row."""

    def ready(app: KrakenApp) -> bool:
        orders = app.query_one(OrdersPane)
        return orders.has_focus and orders.symbol_only and orders.cursor == 1

    keys = ["tab"] * 5 + ["f", "down"]
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=prepare(keys, ready))


def test_fills_maximised_small(snap_compare: SnapCompare) -> None:
    def ready(app: KrakenApp) -> bool:
        return isinstance(app.screen.maximized, FillsPane)

    keys = ["tab"] * 6 + ["z"]
    assert snap_compare(
        make_app("kraken-light"), terminal_size=SMALL, run_before=prepare(keys, ready)
    )

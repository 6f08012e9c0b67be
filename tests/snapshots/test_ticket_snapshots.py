"""SVG snapshots of order entry: the ticket, a review with a soft warning (asked, then
armed by the first ``y``), a review blocked by a limit from the settings file, the
cancel-all question (dark and colour-blind themes), the quit question and the LIVE
confirmation, on the seeded StaticSession with a FakeOrderGateway.

Plain ``def`` tests (``snap_compare`` runs its own loop). The price is made fresh by a
frozen clock and the client order id is fixed, so every run draws the same screen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from kraken_tui.config import parse_settings
from kraken_tui.feeds.risk import LimitsFor
from kraken_tui.feeds.static import FakeOrderGateway, StaticSession
from kraken_tui.model import Venue
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.confirm import ConfirmScreen
from kraken_tui.ui.screens.live_confirm import LiveConfirmScreen
from kraken_tui.ui.screens.review import ReviewScreen
from kraken_tui.ui.screens.ticket import TicketScreen
from kraken_tui.ui.screenshots import freeze_clocks
from kraken_tui.ui.widgets import OrdersPane, StatusBar

SnapCompare = Callable[..., bool]
WIDE = (140, 45)
FRESH_AT = 1000.0
CLIENT_ID = "0b5e7c1a-2f4d-4c3e-9a8b-5d6e7f809102"


def make_app(
    theme: str = "kraken-dark", *, limits: LimitsFor | None = None, live: bool = False
) -> KrakenApp:
    session = StaticSession()
    gateway = FakeOrderGateway(dead_man={Venue.SPOT: 47.0}, enabled=not live)
    session.trading = gateway
    for name in ("spot", "futures"):
        session.store.feed(name).last_message_at = FRESH_AT
    app = KrakenApp(
        session,
        start_feeds=False,
        theme=theme,
        env_label="LIVE" if live else "SIM",
        limits=limits,
        on_live_confirmed=(lambda: None) if live else None,
    )
    app.dashboard.order_keys.monotonic = lambda: FRESH_AT + 1
    app.dashboard.order_keys.new_client_id = lambda: CLIENT_ID
    return app


def prepare(
    keys: Sequence[str],
    ready: Callable[[KrakenApp], bool],
    fields: dict[str, str] | None = None,
    then: Sequence[str] = (),
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Freeze clocks, press ``keys``, fill ticket ``fields``, press ``then``, wait for ``ready``."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KrakenApp)
        await pilot.pause()
        freeze_clocks(app)
        for bar in app.query(StatusBar):
            bar.monotonic = lambda: FRESH_AT + 1
            bar.poll(force=True)  # else it may keep an age read from the real clock
        await pilot.press(*keys)
        if fields:
            await pilot.pause()
            for selector, value in fields.items():
                app.screen.query_one(selector).value = value  # type: ignore[attr-defined]
        if then:
            await pilot.press(*then)
        for _ in range(200):
            if ready(app):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("screen never became ready")
        await pilot.pause()

    return run_before


def test_ticket(snap_compare: SnapCompare) -> None:
    """Buy ticket at the cursor (two rows up: 62,000.2), second size preset."""
    assert snap_compare(
        make_app(),
        terminal_size=WIDE,
        run_before=prepare(["up", "up", "b", "p"], lambda a: isinstance(a.screen, TicketScreen)),
    )


def test_review_soft_warning(snap_compare: SnapCompare) -> None:
    """Sell 0.01 at 60,500: 2.4% through the market, so the review warns and asks y twice."""
    assert snap_compare(
        make_app(),
        terminal_size=WIDE,
        run_before=prepare(
            ["s"],
            lambda a: isinstance(a.screen, ReviewScreen),
            {"#ticket-size": "0.01", "#ticket-price": "60500"},
            ["enter"],
        ),
    )


def _cancel_all_ready(app: KrakenApp) -> bool:
    return isinstance(app.screen, ConfirmScreen)


def _focus_orders(keys: Sequence[str]) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KrakenApp)
        await pilot.pause()
        app.dashboard.query_one(OrdersPane).focus()
        await prepare(keys, _cancel_all_ready)(pilot)

    return run_before


def test_cancel_all_confirm(snap_compare: SnapCompare) -> None:
    """X on the BTC/USD sell row: only BTC/USD (2) or everything (5)."""
    assert snap_compare(
        make_app(), terminal_size=WIDE, run_before=_focus_orders(["down", "down", "X"])
    )


def test_cancel_all_confirm_colour_blind(snap_compare: SnapCompare) -> None:
    assert snap_compare(
        make_app("kraken-cb"), terminal_size=WIDE, run_before=_focus_orders(["down", "down", "X"])
    )


def _armed(app: KrakenApp) -> bool:
    return isinstance(app.screen, ReviewScreen) and app.screen.armed


def test_review_soft_warning_armed(snap_compare: SnapCompare) -> None:
    """The same soft warning after the first ``y``: one more sends."""
    assert snap_compare(
        make_app(),
        terminal_size=WIDE,
        run_before=prepare(
            ["s"], _armed, {"#ticket-size": "0.01", "#ticket-price": "60500"}, ["enter", "y"]
        ),
    )


def test_review_blocked_by_a_configured_limit(snap_compare: SnapCompare) -> None:
    """Buy 0.01 BTC/USD against a hard size 0.005 from config.toml: blocked, and says where."""
    settings = parse_settings('[limits."BTC/USD"]\nhard_size = "0.005"\n', Path("config.toml"))
    assert snap_compare(
        make_app(limits=settings.limits_for),
        terminal_size=WIDE,
        run_before=prepare(
            ["b"],
            lambda a: isinstance(a.screen, ReviewScreen),
            {"#ticket-size": "0.01"},
            ["enter"],
        ),
    )


def test_quit_confirm(snap_compare: SnapCompare) -> None:
    """q with five orders working: keep them, cancel all, or stay."""
    assert snap_compare(
        make_app(),
        terminal_size=WIDE,
        run_before=prepare(["q"], lambda a: isinstance(a.screen, ConfirmScreen)),
    )


def test_live_confirm(snap_compare: SnapCompare) -> None:
    """--env live --trade at start: the warning in the live colour, LIV typed so far."""
    assert snap_compare(
        make_app(live=True),
        terminal_size=WIDE,
        run_before=prepare(["L", "I", "V"], lambda a: isinstance(a.screen, LiveConfirmScreen)),
    )

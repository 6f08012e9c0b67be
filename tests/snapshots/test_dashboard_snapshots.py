"""SVG snapshots of the dashboard, help sheet and palette on the seeded StaticSession.

Plain ``def`` tests: ``snap_compare`` runs its own event loop. Regenerate with
``pytest tests/snapshots --snapshot-update`` and look at every changed SVG before committing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from kraken_tui.feeds.static import StaticSession
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.help import HelpScreen
from kraken_tui.ui.screenshots import freeze_clocks
from kraken_tui.ui.widgets.pane import PolledPane

SnapCompare = Callable[..., bool]
WIDE = (140, 45)
SMALL = (80, 24)


def make_app(theme: str = "kraken-dark") -> KrakenApp:
    return KrakenApp(StaticSession(), start_feeds=False, theme=theme)


def prepare(
    keys: Sequence[str] = (), ready: Callable[[KrakenApp], bool] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Freeze the panes' clocks, press ``keys``, then wait until ``ready`` holds."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, KrakenApp)
        await pilot.pause()  # under snap_compare the panes mount after run_before starts
        freeze_clocks(app)
        if keys:
            await pilot.press(*keys)
        for _ in range(200):
            if ready is None or ready(app):
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("screen never became ready")
        # Panes poll on their own timers (the status bar twice a second): redraw them all
        # now so the picture never depends on which timer fired before the capture.
        for pane in app.screen.query(PolledPane):
            pane.poll(force=True)
        await pilot.pause()

    return run_before


def palette_lists(count: int) -> Callable[[KrakenApp], bool]:
    def ready(app: KrakenApp) -> bool:
        screen = app.screen
        if not isinstance(screen, CommandPalette):
            return False
        return screen.query_one(CommandList).option_count >= count

    return ready


def test_dashboard_dark_wide(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=WIDE, run_before=prepare())


def test_dashboard_dark_small(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app(), terminal_size=SMALL, run_before=prepare())


def test_dashboard_light_wide(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app("kraken-light"), terminal_size=WIDE, run_before=prepare())


def test_dashboard_colour_blind_small(snap_compare: SnapCompare) -> None:
    assert snap_compare(make_app("kraken-cb"), terminal_size=SMALL, run_before=prepare())


def test_dashboard_perpetual_grouped(snap_compare: SnapCompare) -> None:
    """PF_XBTUSD via ``v`` with the ladder grouped coarser twice: futures ticker fields."""
    app = make_app()
    assert snap_compare(
        app,
        terminal_size=WIDE,
        run_before=prepare(["v", "g", "g"], lambda a: a.session.selection.symbol == "PF_XBTUSD"),
    )


def test_help_screen(snap_compare: SnapCompare) -> None:
    assert snap_compare(
        make_app(),
        terminal_size=WIDE,
        run_before=prepare(["question_mark"], lambda a: isinstance(a.screen, HelpScreen)),
    )


def test_palette_with_query(snap_compare: SnapCompare) -> None:
    assert snap_compare(
        make_app(),
        terminal_size=WIDE,
        run_before=prepare(["ctrl+p", "e", "t", "h"], palette_lists(2)),
    )

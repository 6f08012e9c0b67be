"""Render the dashboard to SVG files: every theme at every size, plus help and palette once.

``kraken-tui screenshots`` calls :func:`export_screenshots` with :func:`static_session`,
a seeded market with no sockets and no clock, so the files only change when the UI does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from textual.command import CommandPalette
from textual.pilot import Pilot

from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.static import BASE_TIME_MS, StaticSession
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.help import HelpScreen
from kraken_tui.ui.theming import builtin_theme_dir, load_themes
from kraken_tui.ui.widgets import OrdersPane, TickerPane

SessionFactory = Callable[[], MarketSession]


def static_session() -> MarketSession:
    """The seeded market the screenshots (and snapshot tests) show."""
    return StaticSession()


def shipped_theme_names() -> list[str]:
    """Our own themes (not Textual's), default first."""
    names = sorted(load_themes([builtin_theme_dir()]).themes)
    names.sort(key=lambda name: name != "kraken-dark")
    return names


def freeze_clocks(app: KrakenApp) -> None:
    """Pin the panes' wall clocks so countdowns and order ages read the same on every run."""
    for ticker in app.query(TickerPane):
        ticker.now_ms = lambda: BASE_TIME_MS
    for orders in app.query(OrdersPane):
        orders.now_ms = lambda: BASE_TIME_MS
        orders.poll(force=True)


async def _settle(pilot: Pilot[None]) -> None:
    # Two pauses: one for the panes' first poll, one for the repaint it triggers.
    await pilot.pause()
    await pilot.pause(0.1)


async def _shoot(
    out_dir: Path,
    name: str,
    session_factory: SessionFactory,
    size: tuple[int, int],
    theme: str,
    keys: Sequence[str] = (),
    ready: Callable[[KrakenApp], bool] | None = None,
) -> Path:
    app = KrakenApp(session_factory(), start_feeds=False, theme=theme, env_label="SIM")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        freeze_clocks(app)
        await _settle(pilot)
        if keys:
            await pilot.press(*keys)
        for _ in range(50):
            if ready is None or ready(app):
                break
            await pilot.pause(0.02)
        await _settle(pilot)
        app.save_screenshot(filename=f"{name}.svg", path=str(out_dir))
    return out_dir / f"{name}.svg"


async def export_screenshots(
    out_dir: Path,
    session_factory: SessionFactory,
    sizes: Sequence[tuple[int, int]] = ((140, 45), (80, 24)),
) -> list[Path]:
    """Write ``dashboard-<theme>-<W>x<H>.svg`` for each shipped theme and size, then
    ``help-<W>x<H>.svg`` and ``palette-<W>x<H>.svg`` at the first size; return the paths."""
    out_dir.mkdir(parents=True, exist_ok=True)  # noqa: ASYNC240 (once, before any app runs)
    written: list[Path] = []
    for theme in shipped_theme_names():
        for width, height in sizes:
            name = f"dashboard-{theme}-{width}x{height}"
            written.append(await _shoot(out_dir, name, session_factory, (width, height), theme))
    width, height = sizes[0]
    written.append(
        await _shoot(
            out_dir,
            f"help-{width}x{height}",
            session_factory,
            (width, height),
            "kraken-dark",
            keys=["question_mark"],
            ready=lambda app: isinstance(app.screen, HelpScreen),
        )
    )
    written.append(
        await _shoot(
            out_dir,
            f"palette-{width}x{height}",
            session_factory,
            (width, height),
            "kraken-dark",
            keys=["ctrl+p", *"eth"],
            ready=lambda app: isinstance(app.screen, CommandPalette),
        )
    )
    return written

"""KrakenApp: the coordinator. Registers themes, runs the feed worker, routes worker errors,
and opens the palette, help and theme picker. Layout lives in the dashboard screen and
``app.tcss``; market logic lives in the session."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from kraken_tui.book import BookHealth
from kraken_tui.feeds.risk import LimitsFor
from kraken_tui.feeds.session import MarketSession
from kraken_tui.feeds.stores import ConnState
from kraken_tui.model import Venue
from kraken_tui.ui.commands import MarketProvider, dashboard_commands, filter_textual_commands
from kraken_tui.ui.gc_pauses import freeze_startup_objects, startup_frozen
from kraken_tui.ui.render_mode import RenderMode
from kraken_tui.ui.screens.confirm import Choice, ConfirmScreen
from kraken_tui.ui.screens.dashboard import DashboardScreen, TitleBar
from kraken_tui.ui.screens.help import HelpScreen, binding_rows
from kraken_tui.ui.screens.live_confirm import LIVE_ENABLED, LiveConfirmScreen
from kraken_tui.ui.theme_vars import THEME_VARIABLE_DEFAULTS
from kraken_tui.ui.theming import (
    DEFAULT_THEME,
    FALLBACK_THEME,
    ThemeLoadError,
    default_theme_dirs,
    load_themes,
    resolve_theme_name,
)
from kraken_tui.ui.widgets.pane import FrameClock

FEED_WORKER_GROUP = "feeds"
SHUTDOWN_TIMEOUT = 5.0
"""Seconds quitting waits for the gateway's cancel-all and disarm before leaving anyway."""
QUIT_CHOICES = (
    Choice("k", "keep them working", "keep"),
    Choice("c", "cancel all, then quit", "cancel"),
    Choice("s", "stay", "stay"),
)


class KrakenApp(App[None]):
    """The dashboard. ``start_feeds=False`` keeps it offline (tests, screenshots)."""

    CSS_PATH = "app.tcss"
    TITLE = "kraken-tui"
    COMMANDS = App.COMMANDS | {MarketProvider}
    COMMAND_PALETTE_DISPLAY = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+p,slash",
            "command_palette",
            "symbol",
            priority=True,
            tooltip="command palette: any spot pair, futures contract or command",
        ),
        Binding("question_mark", "help", "help", tooltip="this help"),
        Binding("t", "change_theme", "theme", tooltip="choose a colour theme"),
        Binding("q", "quit", "quit", tooltip="quit (asks what to do with open orders)"),
    ]

    def __init__(
        self,
        session: MarketSession,
        *,
        env_label: str = "SIM",
        theme: str | None = None,
        start_feeds: bool = True,
        on_start: Callable[[], Awaitable[None]] | None = None,
        theme_dirs: Iterable[Path] | None = None,
        limits: LimitsFor | None = None,
        on_live_confirmed: Callable[[], None] | None = None,
        render_mode: RenderMode | None = None,
    ) -> None:
        """``limits``: each instrument's order limits (the settings file); built-in
        defaults when None. ``on_live_confirmed``: when given, the app first asks for
        ``LIVE`` typed out and calls it on that exact answer (it enables the session's
        gateway, which was built disabled); any other answer leaves trading off.
        ``render_mode``: frame rate and drawing switches (``--fps``, ``--low-power``,
        ``--low-flicker``); the defaults when None."""
        super().__init__()
        self.render_mode = RenderMode() if render_mode is None else render_mode
        """Frame rate and drawing switches every pane reads."""
        self.frame_clock = FrameClock(self.render_mode.fps)
        """The one timer the panes poll on (see ``FrameClock``)."""
        self.session = session
        self.env_label = env_label
        self.start_feeds = start_feeds
        self.on_start = on_start
        self.theme_errors: list[ThemeLoadError] = []
        """Theme files that failed to load; shown once after mount."""
        self._theme_notice: str | None = None
        self._register_themes(theme, default_theme_dirs() if theme_dirs is None else theme_dirs)
        self.dashboard = DashboardScreen(session, env_label)
        if limits is not None:
            self.dashboard.order_keys.limits_for = limits
        self.on_live_confirmed = on_live_confirmed

    # ------------------------------------------------------------------ themes
    def _register_themes(self, requested: str | None, directories: Iterable[Path]) -> None:
        catalog = load_themes(directories)
        self.theme_errors = catalog.errors
        if DEFAULT_THEME not in catalog.themes:
            self.register_theme(FALLBACK_THEME)
        for theme in catalog.themes.values():
            self.register_theme(theme)
        name, self._theme_notice = resolve_theme_name(requested, list(self.available_themes))
        self.theme = name

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return dict(THEME_VARIABLE_DEFAULTS)

    # ---------------------------------------------------------------- lifecycle
    def get_default_screen(self) -> Screen[None]:
        return self.dashboard

    def on_mount(self) -> None:
        self.set_interval(1 / self.frame_clock.fps, self._frame_tick, name="frame-clock")
        problems = [str(error) for error in self.theme_errors]
        if self._theme_notice:
            problems.insert(0, self._theme_notice)
        if problems:
            self.notify("\n".join(problems), title="theme problems", severity="warning", timeout=8)
        if self.start_feeds or self.on_start is not None:
            self.run_worker(
                self._run_feeds(), group=FEED_WORKER_GROUP, exclusive=True, exit_on_error=False
            )
        if self.on_live_confirmed is not None:
            self.push_screen(LiveConfirmScreen(), self._live_answered)

    def _frame_tick(self) -> None:
        self.frame_clock.tick()
        if not startup_frozen() and self._live_book_shown():
            # Start-up is over once a live book is on screen: freeze what it built
            # (see gc_pauses), after this frame reaches the screen.
            self.call_after_refresh(freeze_startup_objects)

    def _live_book_shown(self) -> bool:
        selection = self.session.selection
        book = self.session.store.books.get((selection.venue, selection.symbol))
        return book is not None and book.health is BookHealth.SYNCED and len(book) > 0

    def _live_answered(self, confirmed: bool | None) -> None:
        if confirmed and self.on_live_confirmed is not None:
            self.on_live_confirmed()
            self.notify(LIVE_ENABLED, title="LIVE", severity="warning", timeout=8)
        else:
            gateway = self.session.trading
            why = gateway.why_disabled if gateway is not None else "order entry is off"
            self.notify(why, title="LIVE", timeout=8)
        # The order keys (and the footer) follow the gateway's new state.
        self.dashboard.refresh_bindings()

    async def _run_feeds(self) -> None:
        # The embedded exchange must be listening before the feeds dial it, and both
        # belong to this app's event loop.
        if self.on_start is not None:
            await self.on_start()
        if self.start_feeds:
            await self.session.run()

    def _fatal_error(self) -> None:
        """Textual's crash report, minus local variables.

        Textual renders the traceback with ``show_locals=True``, and Rich truncates
        strings only after 80 characters: a secret (or a signed request) held in a
        local of any frame would be printed almost whole. The traceback itself stays.
        """
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        report = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(report, self.console.options)))
        self._close_messages_no_wait()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failing worker becomes a toast and a status line; the app keeps running."""
        if event.state is not WorkerState.ERROR:
            return
        error = event.worker.error
        reason = f"{type(error).__name__}: {error}" if error else "unknown error"
        if event.worker.group == FEED_WORKER_GROUP:
            for name in list(self.session.store.feeds):
                self.session.store.set_feed_state(name, ConnState.DOWN, reason)
            self.dashboard.query_one(TitleBar).show_message(f"feeds stopped — {reason}")
        self.notify(reason, title=f"{event.worker.name or 'worker'} failed", severity="error")

    # -------------------------------------------------------------------- quit
    async def action_quit(self) -> None:
        """Quit; with trading on and orders working, ask keep / cancel all / stay first."""
        gateway = self.session.trading
        if gateway is None or not gateway.enabled:
            self.exit()
            return
        working = len(self.session.store.account.orders)
        if not working:
            await self._shutdown_and_exit(cancel_all=False)
            return
        if isinstance(self.screen, ConfirmScreen):
            return
        plural = "s are" if working != 1 else " is"
        question = f"{working} order{plural} working. Quit and keep them, or cancel all?"

        def answered(answer: str | None) -> None:
            if answer in ("keep", "cancel"):
                self.run_worker(
                    self._shutdown_and_exit(cancel_all=answer == "cancel"), group="quit"
                )

        self.push_screen(ConfirmScreen("QUIT", question, QUIT_CHOICES), answered)

    async def _shutdown_and_exit(self, *, cancel_all: bool) -> None:
        gateway = self.session.trading
        if gateway is not None:
            try:
                await asyncio.wait_for(gateway.shutdown(cancel_all=cancel_all), SHUTDOWN_TIMEOUT)
            except TimeoutError:
                pass  # leaving anyway: the dead-man's switch cancels what is left
        self.exit()

    # ----------------------------------------------------------------- actions
    def select_market(self, venue: Venue, symbol: str) -> None:
        """Called by the palette; the dashboard does the work."""
        self.dashboard.select_market(venue, symbol)

    def set_depth(self, depth: int) -> None:
        self.dashboard.set_depth(depth)

    def action_resync(self) -> None:
        self.dashboard.action_resync()

    def action_flip_venue(self) -> None:
        self.dashboard.action_flip_venue()

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        mode = self.render_mode
        display = mode.describe() if mode != RenderMode() else None
        self.push_screen(HelpScreen(binding_rows(self.screen), self.env_label, display))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from dashboard_commands(self)
        yield from filter_textual_commands(super().get_system_commands(screen))

"""Command palette content: every instrument the session knows, plus the dashboard's commands.

``MarketProvider`` fuzzy-searches all spot pairs and futures contracts in the store
(``BTC/USD  spot``, ``PF_XBTUSD  perpetual``); choosing one retargets the linked panes.
``dashboard_commands`` lists the actions (depth, resync, theme, help, quit, ...) that
``KrakenApp.get_system_commands`` offers through Textual's system-commands provider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import Protocol

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from kraken_tui.feeds.session import DEPTHS, MarketSession
from kraken_tui.model import Instrument, Venue


class MarketController(Protocol):
    """What the palette needs from the app (kept narrow so commands do not import the app)."""

    session: MarketSession

    def select_market(self, venue: Venue, symbol: str) -> None: ...


def instrument_label(instrument: Instrument) -> str:
    """How an instrument reads in the palette: symbol, two spaces, kind."""
    return f"{instrument.symbol}  {instrument.kind.value.replace('_', ' ')}"


def _alias(instrument: Instrument) -> str:
    # Lets "btc" find PF_XBTUSD: the underlying spelled the way spot users type it.
    return f"{instrument.underlying}/{instrument.quote} {instrument.kind.value}"


def _describe(instrument: Instrument) -> str:
    if instrument.venue is Venue.SPOT:
        return f"{instrument.base}/{instrument.quote} on Kraken Spot"
    kind = instrument.kind.value.replace("_", " ")
    return f"{instrument.underlying}/{instrument.quote} {kind} on Kraken Futures"


class MarketProvider(Provider):
    """Fuzzy search over every instrument in ``session.store.instruments``."""

    ALIAS_WEIGHT = 0.8
    """Matches on the alias rank below equally good matches on the symbol itself."""

    def _controller(self) -> MarketController | None:
        app = self.app
        return app if hasattr(app, "select_market") and hasattr(app, "session") else None

    def _instruments(self) -> list[Instrument]:
        controller = self._controller()
        if controller is None:
            return []
        return sorted(
            controller.session.store.instruments.values(),
            key=lambda i: (i.venue.value != "spot", i.symbol),
        )

    def _command(self, instrument: Instrument) -> Callable[[], None]:
        controller = self._controller()
        assert controller is not None
        return partial(controller.select_market, instrument.venue, instrument.symbol)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for instrument in self._instruments():
            label = instrument_label(instrument)
            score = matcher.match(label)
            display: Content | str = matcher.highlight(label) if score > 0 else label
            alias_score = matcher.match(_alias(instrument)) * self.ALIAS_WEIGHT
            if alias_score > score:
                score = alias_score
            if score > 0:
                yield Hit(
                    score,
                    display,
                    self._command(instrument),
                    text=label,
                    help=_describe(instrument),
                )

    async def discover(self) -> Hits:
        # With an empty query list only the spot pairs first: thousands of rows help nobody.
        for instrument in self._instruments()[:50]:
            label = instrument_label(instrument)
            yield DiscoveryHit(
                label, self._command(instrument), text=label, help=_describe(instrument)
            )


class DashboardCommands(Protocol):
    """The app actions the palette offers."""

    def action_help(self) -> None: ...

    def action_change_theme(self) -> None: ...

    async def action_quit(self) -> None: ...

    def set_depth(self, depth: int) -> None: ...

    def action_resync(self) -> None: ...

    def action_flip_venue(self) -> None: ...


def dashboard_commands(app: DashboardCommands) -> Iterator[SystemCommand]:
    """Palette entries for every dashboard action (keys listed in help for each)."""
    for depth in DEPTHS:
        yield SystemCommand(
            f"Set depth {depth}",
            f"Subscribe the book {depth} levels deep",
            partial(app.set_depth, depth),
        )
    yield SystemCommand(
        "Resync book", "Drop the book and fetch a fresh snapshot (r)", app.action_resync
    )
    yield SystemCommand(
        "Flip spot / perpetual", "Same underlying on the other venue (v)", app.action_flip_venue
    )
    yield SystemCommand("Change theme", "Pick a colour theme (t)", app.action_change_theme)
    yield SystemCommand("Help", "Every key and what the badges mean (?)", app.action_help)
    yield SystemCommand("Quit", "Leave kraken-tui (q)", app.action_quit)


def filter_textual_commands(commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's own entries minus the ones ``dashboard_commands`` replaces."""
    replaced = {"Theme", "Quit"}
    for command in commands:
        if command.title not in replaced:
            yield command

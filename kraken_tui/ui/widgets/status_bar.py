"""The one-line status bar (first version: a placeholder with the final constructor)."""

from __future__ import annotations

from textual.widget import Widget

from kraken_tui.feeds.session import MarketSession


class StatusBar(Widget):
    """Placeholder; the real bar follows."""

    DEFAULT_CSS = """
    StatusBar { height: 1; }
    """

    def __init__(self, session: MarketSession, env_label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session
        self.env_label = env_label

    def render(self) -> str:
        return f"{self.env_label} StatusBar"

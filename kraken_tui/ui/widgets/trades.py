"""The trade tape pane (first version: a placeholder with the final constructor)."""

from __future__ import annotations

from textual.widget import Widget

from kraken_tui.feeds.session import MarketSession


class TradesPane(Widget):
    """Placeholder; the real pane follows."""

    def __init__(self, session: MarketSession, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.session = session

    def render(self) -> str:
        return "TradesPane"

"""What the dashboard drives: one object that owns the public feeds and the store.

The UI only calls these methods and reads ``store``; it never touches sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kraken_tui.feeds.order_gateway import OrderGateway
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model import Venue

DEPTHS = (10, 25, 100, 500, 1000)
"""Book depths Kraken Spot v2 accepts; the ladder cycles through them."""


@dataclass(frozen=True, slots=True)
class Selection:
    """The market the linked panes (ladder, ticker, trades) show."""

    venue: Venue
    symbol: str
    depth: int = 25


class MarketSession(Protocol):
    store: MarketStore
    trading: OrderGateway | None
    """Order entry, or None where the session has none (the UI then offers no ticket)."""

    @property
    def selection(self) -> Selection: ...

    async def run(self) -> None:
        """Run every feed until cancelled, reconnecting as needed.

        Never raises on network errors."""

    def select(self, venue: Venue, symbol: str) -> None:
        """Point the linked panes at another market (subscribes book, ticker, trade)."""

    def set_depth(self, depth: int) -> None:
        """Resubscribe the selected book at another depth (one of ``DEPTHS``)."""

    def resync(self) -> None:
        """Drop the selected book and fetch a fresh snapshot."""

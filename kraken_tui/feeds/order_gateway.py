"""What the order ticket and the order keys talk to (implemented by LiveOrderGateway in
feeds/trading.py, and by the tests' FakeOrderGateway).

The gateway turns a :class:`Ticket` into venue calls (futures REST v3, spot WS v2
trading methods), never resends an order on its own, and marks an order whose
outcome is unknown (timeout, 5xx, dropped socket) as ``UNKNOWN`` in the account
store until the exchange tells what became of it. The UI only awaits these
methods and shows :attr:`TradeResult.message`.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide


class TicketKind(enum.StrEnum):
    LIMIT = "limit"
    MARKET = "market"
    POST_ONLY = "post-only"
    IOC = "ioc"
    STOP = "stop"


@dataclass(frozen=True, slots=True)
class Ticket:
    """One order as the user confirmed it. ``cl_ord_id`` is fixed when the ticket opens,
    so pressing Enter twice can never make two orders."""

    venue: Venue
    symbol: str
    side: OrderSide
    kind: TicketKind
    qty: Decimal
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    reduce_only: bool = False
    cl_ord_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass(frozen=True, slots=True)
class TradeResult:
    ok: bool
    message: str
    """Plain language, shown to the user as is."""
    order_id: str = ""
    unknown: bool = False
    """The outcome is ambiguous: the order is shown as UNKNOWN and reconciled."""


class OrderGateway(Protocol):
    @property
    def enabled(self) -> bool:
        """False when trading is off (live without --trade, no keys, a read-only env)."""

    @property
    def why_disabled(self) -> str:
        """Why :attr:`enabled` is False, in words a user can act on."""

    async def place(self, ticket: Ticket) -> TradeResult: ...

    async def cancel(self, order: Order) -> TradeResult: ...

    async def cancel_all(
        self, venue: Venue | None = None, symbol: str | None = None
    ) -> TradeResult:
        """Every working order (of one venue, or one symbol). ``None``: both venues."""

    async def move(self, order: Order, new_price: Decimal) -> TradeResult:
        """Change a working order's limit (or stop) price, keeping its size."""

    def dead_man_seconds(self, venue: Venue) -> float | None:
        """Seconds until the venue's cancel-all-after switch fires, None when disarmed."""

    async def shutdown(self, *, cancel_all: bool) -> None:
        """On quit: optionally cancel every working order, then disarm the switches."""

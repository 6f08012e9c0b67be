"""Order entry on the embedded exchange (INTERFACE SKELETON, issue 4).

One desk serves both venues' protocols (futures REST v3 ``sendorder`` & co., spot
WS v2 ``add_order`` & co.): it validates a request, places it in the practice
account, matches it against the synthetic market's book (walking levels for
marketable orders, price-time priority), applies post-only / IOC / reduce-only /
stop semantics, and amends or cancels working orders. Fills, order events,
position and balance changes reach the private feeds through the account's
:class:`~kraken_tui.sim.practice.AccountEvent` stream, exactly as resting-order
fills already do. Pure and synchronous: callers pass the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from kraken_tui.model import Venue
from kraken_tui.model.account import Fill, Order, OrderSide

OrderKind = Literal["limit", "market", "post", "ioc", "stop", "take_profit"]
"""Venue-neutral order kinds (futures ``lmt``/``mkt``/``post``/``ioc``/``stp``/``take_profit``;
spot ``limit``/``market``/``stop-loss``/``take-profit`` with ``post_only`` / ``time_in_force``)."""

Outcome = Literal[
    "placed",
    "filled",
    "partially_filled",
    "cancelled",
    "rejected",
]


@dataclass(frozen=True, slots=True)
class OrderRequest:
    venue: Venue
    symbol: str
    side: OrderSide
    kind: OrderKind
    qty: Decimal
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    reduce_only: bool = False
    cl_ord_id: str = ""


@dataclass(frozen=True, slots=True)
class PlaceResult:
    outcome: Outcome
    order: Order | None
    """The order as it stands after matching (None when rejected before it existed)."""
    reason: str = ""
    """Why rejected/cancelled, as a Kraken futures ``sendStatus.status`` word
    (``postWouldExecute``, ``iocWouldNotExecute``, ``wouldNotReducePosition``,
    ``insufficientAvailableFunds``, ``invalidPrice``, ``invalidSize``,
    ``clientOrderIdAlreadyExist``, ``marketSuspended``...); protocols translate it."""
    fills: list[Fill] = field(default_factory=list)


class OrderDesk:
    """See the module docstring. Methods raise nothing for bad requests: they return a
    rejected result with a reason."""

    def place(self, request: OrderRequest, now_ms: int) -> PlaceResult:
        raise NotImplementedError

    def amend(
        self,
        venue: Venue,
        *,
        order_id: str = "",
        cl_ord_id: str = "",
        qty: Decimal | None = None,
        limit_price: Decimal | None = None,
        stop_price: Decimal | None = None,
        now_ms: int,
    ) -> PlaceResult:
        """Change a working order in place (keeps its id; may fill if it now crosses)."""
        raise NotImplementedError

    def cancel(self, venue: Venue, *, order_id: str = "", cl_ord_id: str = "") -> PlaceResult:
        raise NotImplementedError

    def cancel_all(self, venue: Venue, symbol: str | None = None) -> list[Order]:
        """Cancel every working order of the venue (or of one symbol); returns them."""
        raise NotImplementedError

    def arm_dead_man(self, venue: Venue, timeout_s: int, now_ms: int) -> int | None:
        """(Re)arm the venue's cancel-all-after switch; 0 disarms. Returns the trigger
        time in ms, or None when disarmed."""
        raise NotImplementedError

    def tick(self, now_ms: int) -> list[Order]:
        """Fire expired dead-man switches (cancel all on that venue); returns what was cancelled."""
        raise NotImplementedError

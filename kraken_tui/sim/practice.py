"""The practice account behind the embedded exchange's private side (INTERFACE SKELETON).

One account holds both venues: a spot wallet with balances, open spot orders and
fills, and a futures multi-collateral (flex) account with positions, open orders
and fills. It is seeded so a fresh ``kraken-tui`` shows something real: positions
on the perpetuals, resting orders on both venues and the fills that built the
positions. Resting orders fill when the synthetic market trades through them.

Pure and synchronous (no asyncio, no clock: callers pass the time). The protocol
sessions (``sim/futures_private.py``, ``sim/spot_private.py``) read snapshots from
it and listen for :class:`AccountEvent` to send deltas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import Balance, Fill, MarginSummary, Order, Position

EventKind = Literal["order", "order_closed", "fill", "balance", "positions", "margin"]


@dataclass(frozen=True, slots=True)
class AccountEvent:
    """One change, in the order it happened.

    - ``order``: ``order`` was placed or changed (partial fill); ``reason`` is the
      futures reason text (``new_placed_order_by_user``, ``partial_fill``) and
      ``status`` the spot order status (``new``, ``partially_filled``).
    - ``order_closed``: ``order`` left the book (``reason`` ``full_fill`` /
      ``cancelled_by_user``; ``status`` ``filled`` / ``canceled``).
    - ``fill``: ``fill`` happened (emitted before the order event it causes).
    - ``balance``: ``balance`` is the new total of one asset; ``amount`` the
      change, ``ref_id`` the trade/fill id that caused it (spot ledger entries).
    - ``positions``: futures positions changed (read :meth:`PracticeAccount.positions`).
    - ``margin``: the flex account summary changed (read :meth:`PracticeAccount.margin`).
    """

    kind: EventKind
    venue: Venue
    order: Order | None = None
    fill: Fill | None = None
    balance: Balance | None = None
    amount: Decimal | None = None
    ref_id: str = ""
    reason: str = ""
    status: str = ""


Listener = Callable[[AccountEvent], None]


class PracticeAccount:
    """Seeded practice account; see the module docstring."""

    def __init__(
        self, instruments: Mapping[str, Instrument], mids: Mapping[str, Decimal], now_ms: int
    ) -> None:
        """``instruments``/``mids`` by symbol (spot ``BTC/USD``, futures ``PF_XBTUSD``)."""
        raise NotImplementedError

    # listeners -------------------------------------------------------------
    def listen(self, listener: Listener) -> None:
        raise NotImplementedError

    def unlisten(self, listener: Listener) -> None:
        raise NotImplementedError

    # snapshots -------------------------------------------------------------
    def open_orders(self, venue: Venue) -> list[Order]:
        raise NotImplementedError

    def fills(self, venue: Venue) -> list[Fill]:
        """Oldest first."""
        raise NotImplementedError

    def balances(self, venue: Venue) -> list[Balance]:
        """Spot: wallet ``spot``; futures: the flex account's currencies (wallet ``flex``)."""
        raise NotImplementedError

    def positions(self) -> list[Position]:
        """With mark, unrealised PnL, liquidation price and leverage at the current marks."""
        raise NotImplementedError

    def margin(self) -> MarginSummary:
        raise NotImplementedError

    # market input ----------------------------------------------------------
    def on_trade(self, symbol: str, price: Decimal, qty: Decimal, now_ms: int) -> None:
        """A market trade printed: fill resting orders it crosses, emit events."""
        raise NotImplementedError

    def set_mark(self, symbol: str, mark: Decimal) -> None:
        """New mark price of a futures product (uPnL, liquidation, margin follow)."""
        raise NotImplementedError

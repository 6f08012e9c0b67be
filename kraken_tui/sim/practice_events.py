"""What the practice account tells its listeners: one :class:`AccountEvent` per change.

The protocol sessions (``sim/futures_private.py``, ``sim/spot_private.py``) turn
these into Kraken's private-feed messages. Kept apart from
:mod:`kraken_tui.sim.practice` (which re-exports both names) so that module stays
about the account's bookkeeping.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from kraken_tui.model import Venue
from kraken_tui.model.account import Balance, Fill, Order

EventKind = Literal["order", "order_closed", "fill", "balance", "positions", "margin"]


@dataclass(frozen=True, slots=True)
class AccountEvent:
    """One change, in the order it happened.

    - ``order``: ``order`` was placed or changed (partial fill); ``reason`` is the
      futures reason text (``new_placed_order_by_user``, ``partial_fill``) and
      ``status`` the spot order status (``new``, ``partially_filled``).
    - ``order_closed``: ``order`` left the book (``reason`` ``full_fill`` /
      ``cancelled_by_user`` / ``liquidation`` / ``stop_order_triggered``...;
      ``status`` ``filled`` / ``canceled``).
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

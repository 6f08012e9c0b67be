"""What the private feeds know about the account, for the account panes to poll.

Same pattern as :class:`~kraken_tui.feeds.stores.MarketStore`: feeds mutate it on
the event loop and bump a version counter per part; panes redraw when a version
moved. Fills are deduplicated by ``(venue, fill_id)`` across snapshots, deltas and
reconnects, so a replayed fills snapshot changes nothing.
"""

from __future__ import annotations

import enum
import logging
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from kraken_tui.model import Venue
from kraken_tui.model.account import Balance, Fill, MarginSummary, Order, Position

log = logging.getLogger("kraken_tui.account")

FILLS_KEPT = 500
"""Fills kept for the pane (oldest dropped first); ids are remembered longer."""
FILL_IDS_KEPT = 20_000
"""Fill ids remembered for deduplication (bounded so memory stays flat all day)."""


PLACEHOLDER_PREFIX = "?"
"""Order ids starting with this are local placeholders for orders whose placement
outcome is not known yet (see feeds/reconcile.py); exchange ids never start with it."""


class AuthState(enum.StrEnum):
    """Where one venue's private side stands, as the status bar and panes show it."""

    OFF = "off"
    """No credentials for this venue (the message says why and what to do)."""
    PENDING = "pending"
    """Credentials present; waiting for a challenge/token or the first snapshots."""
    OK = "ok"
    FAILED = "failed"
    """The exchange rejected the credentials or signature; no automatic retry loop."""


@dataclass(slots=True)
class PrivateStatus:
    state: AuthState = AuthState.OFF
    message: str = ""
    """Why OFF/FAILED, in words a user can act on (never contains a secret)."""
    source: str = ""
    """Where the credentials came from: ``embedded exchange``, ``keyring``, ``environment``."""


class AccountStore:
    """Orders, fills, positions, balances and margin of both venues."""

    def __init__(self) -> None:
        self.orders: dict[tuple[Venue, str], Order] = {}
        self.orders_version = 0
        self.fills: OrderedDict[tuple[Venue, str], Fill] = OrderedDict()
        """Newest last, at most FILLS_KEPT."""
        self.fills_version = 0
        self.fills_duplicates = 0
        """Fills received again (replayed snapshot, reconnect) and ignored."""
        self._seen_fill_ids: OrderedDict[tuple[Venue, str], None] = OrderedDict()
        self.positions: dict[str, Position] = {}
        """Futures positions by product id."""
        self.positions_version = 0
        self.balances: dict[tuple[Venue, str, str], Balance] = {}
        """(venue, wallet, asset) -> balance."""
        self.balances_version = 0
        self.margin: MarginSummary | None = None
        self.margin_version = 0
        self.private: dict[Venue, PrivateStatus] = {
            Venue.SPOT: PrivateStatus(),
            Venue.FUTURES: PrivateStatus(),
        }
        self.private_version = 0
        self.notices: list[str] = []
        """Exchange notifications worth showing (maintenance windows and the like)."""
        self.notices_version = 0

    # ------------------------------------------------------------------ status
    def set_private(
        self, venue: Venue, state: AuthState, message: str = "", source: str | None = None
    ) -> None:
        status = self.private[venue]
        if status.state is state and status.message == message and source in (None, status.source):
            return
        if status.state is not state or status.message != message:
            note = f" ({message})" if message else ""
            log.info("%s private: %s%s", venue.value, state.value, note)
        status.state = state
        status.message = message
        if source is not None:
            status.source = source
        self.private_version += 1

    # ------------------------------------------------------------------ orders
    def replace_orders(self, venue: Venue, orders: Iterable[Order]) -> None:
        """A snapshot: this venue's open orders are exactly ``orders``, plus our own
        UNKNOWN placeholders, which no exchange snapshot can list (the reconciler
        removes them once the outcome is known)."""
        for key in [k for k in self.orders if k[0] is venue]:
            if not key[1].startswith(PLACEHOLDER_PREFIX):
                del self.orders[key]
        for order in orders:
            self.orders[(venue, order.order_id)] = order
        self.orders_version += 1

    def upsert_order(self, order: Order) -> None:
        self.orders[(order.venue, order.order_id)] = order
        self.orders_version += 1

    def remove_order(self, venue: Venue, order_id: str) -> Order | None:
        removed = self.orders.pop((venue, order_id), None)
        if removed is not None:
            self.orders_version += 1
        return removed

    def order(self, venue: Venue, order_id: str) -> Order | None:
        return self.orders.get((venue, order_id))

    # ------------------------------------------------------------------- fills
    def add_fills(self, fills: Iterable[Fill]) -> int:
        """Add fills oldest first, skipping any already seen; returns how many were new."""
        added = 0
        for fill in fills:
            key = (fill.venue, fill.fill_id)
            if key in self._seen_fill_ids:
                self.fills_duplicates += 1
                continue
            self._seen_fill_ids[key] = None
            if len(self._seen_fill_ids) > FILL_IDS_KEPT:
                self._seen_fill_ids.popitem(last=False)
            self.fills[key] = fill
            if len(self.fills) > FILLS_KEPT:
                self.fills.popitem(last=False)
            added += 1
        if added:
            self.fills_version += 1
        return added

    # --------------------------------------------------------------- positions
    def replace_positions(self, positions: Iterable[Position]) -> None:
        self.positions = {p.symbol: p for p in positions}
        self.positions_version += 1

    def upsert_position(self, position: Position) -> None:
        if position.size == 0:
            self.positions.pop(position.symbol, None)
        else:
            self.positions[position.symbol] = position
        self.positions_version += 1

    # ---------------------------------------------------------------- balances
    def replace_balances(self, venue: Venue, balances: Iterable[Balance]) -> None:
        for key in [k for k in self.balances if k[0] is venue]:
            del self.balances[key]
        for balance in balances:
            self.balances[(venue, balance.wallet, balance.asset)] = balance
        self.balances_version += 1

    def set_balance(self, balance: Balance) -> None:
        self.balances[(balance.venue, balance.wallet, balance.asset)] = balance
        self.balances_version += 1

    def set_margin(self, margin: MarginSummary | None) -> None:
        self.margin = margin
        self.margin_version += 1

    # ----------------------------------------------------------------- notices
    def add_notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)
            del self.notices[:-20]
            self.notices_version += 1

    # -------------------------------------------------------------- lifecycle
    def forget(self, venue: Venue) -> None:
        """Drop a venue's orders, positions and balances (fills and their ids stay)."""
        self.replace_orders(venue, ())
        self.replace_balances(venue, ())
        if venue is Venue.FUTURES:
            self.replace_positions(())
            self.set_margin(None)

    @property
    def version(self) -> tuple[int, ...]:
        """Every part's version at once (a pane showing several parts can key on this)."""
        return (
            self.orders_version,
            self.fills_version,
            self.positions_version,
            self.balances_version,
            self.margin_version,
            self.private_version,
            self.notices_version,
        )

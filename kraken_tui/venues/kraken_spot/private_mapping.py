"""Spot v2 private wire models -> the account model (Order, Fill, Balance).

``executions`` events after the first one for an order carry only what changed, so
orders are rebuilt from a merged view kept per ``order_id`` by
:class:`ExecutionTracker`. A ``trade`` event becomes one :class:`Fill` whose id is
the ``exec_id``; the store deduplicates fills by that id, so a replayed snapshot
adds nothing. Balances are the spot wallet's: a snapshot gives each asset's spot
wallets (summed over wallet ids), a ledger update gives that wallet's new balance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from kraken_tui.model import Venue
from kraken_tui.model.account import Balance, Fill, Liquidity, Order, OrderSide
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_spot.private import AssetBalance, ExecutionData, LedgerEntry
from kraken_tui.venues.timefmt import rfc3339_to_ms

SPOT_WALLET = "spot"
"""The wallet name balances are stored under (Kraken's wallet ``type``)."""

OPEN_STATUSES = frozenset({"pending_new", "new", "partially_filled"})
CLOSED_STATUSES = frozenset({"filled", "canceled", "expired"})
"""An order in one of these states has left the book."""

_LIQUIDITY = {"m": Liquidity.MAKER, "t": Liquidity.TAKER}


# ------------------------------------------------------------------ pieces


def parse_side(text: str | None) -> OrderSide | None:
    """``buy``/``sell`` (any case) or None for anything else."""
    if text is None:
        return None
    try:
        return OrderSide(text.lower())
    except ValueError:
        return None


def liquidity_of(indicator: str | None) -> Liquidity:
    """``m`` -> MAKER, ``t`` -> TAKER, anything else (or nothing) -> OTHER."""
    return _LIQUIDITY.get((indicator or "").lower(), Liquidity.OTHER)


def time_ms_of(timestamp: str | None) -> int:
    """Epoch ms of an RFC 3339 time; 0 when absent, FrameError when unreadable."""
    if timestamp is None:
        return 0
    try:
        return rfc3339_to_ms(timestamp)
    except ValueError as exc:
        raise FrameError(str(exc)) from None


def is_closed(event: ExecutionData) -> bool:
    """True when this one event says its order left the book.

    Judged on the event, not the merged view: a sparse ``canceled`` event may omit
    ``order_status``, and the held view would still say ``new``.
    """
    return event.order_status in CLOSED_STATUSES or (
        event.exec_type in CLOSED_STATUSES and event.order_status not in OPEN_STATUSES
    )


def merge_execution(held: ExecutionData | None, event: ExecutionData) -> ExecutionData:
    """``held`` with every field ``event`` carries (sparse events change only those)."""
    if held is None:
        return event
    changes = {name: getattr(event, name) for name in event.model_fields_set}
    return held.model_copy(update=changes)


def order_from_execution(merged: ExecutionData, placed_ms: int = 0) -> Order:
    """The open order a merged execution view describes.

    Raises :class:`FrameError` when the view lacks what an order needs (symbol,
    a buy/sell side, a quantity) — e.g. its first event was never received.
    """
    side = parse_side(merged.side)
    if merged.symbol is None or side is None or merged.order_qty is None:
        raise FrameError(f"order {merged.order_id}: no symbol, side or quantity yet")
    stop = merged.stop_price or _trigger_price(merged)
    return Order(
        venue=Venue.SPOT,
        order_id=merged.order_id,
        symbol=merged.symbol,
        side=side,
        order_type=merged.order_type or "",
        qty=merged.order_qty,
        filled=merged.cum_qty if merged.cum_qty is not None else Decimal(0),
        # Kraken writes 0 for "no such price" (stop_price 0.0 on a plain limit order).
        limit_price=merged.limit_price or None,
        stop_price=stop or None,
        time_ms=placed_ms or time_ms_of(merged.timestamp),
        cl_ord_id=merged.cl_ord_id or "",
        reduce_only=bool(merged.reduce_only),
        status=merged.order_status or "open",
    )


def fill_from_execution(event: ExecutionData, held: ExecutionData | None = None) -> Fill:
    """A ``trade`` event as a Fill; order-level fields the event omits come from ``held``.

    Per-trade fields (price, quantity, fee, liquidity) are read from the event only,
    never from an earlier trade of the same order.
    """
    symbol = event.symbol or (held.symbol if held is not None else None)
    side = parse_side(event.side or (held.side if held is not None else None))
    if event.exec_id is None or symbol is None or side is None:
        raise FrameError(f"trade on {event.order_id}: no exec_id, symbol or side")
    if event.last_qty is None or event.last_price is None:
        raise FrameError(f"trade {event.exec_id}: no last_qty/last_price")
    fee: Decimal | None = None
    fee_currency = ""
    if event.fees:
        fee, fee_currency = event.fees[0].qty, event.fees[0].asset
    elif event.fee_usd_equiv is not None:
        fee, fee_currency = event.fee_usd_equiv, "USD"
    cl_ord_id = event.cl_ord_id or (held.cl_ord_id if held is not None else None) or ""
    return Fill(
        venue=Venue.SPOT,
        fill_id=event.exec_id,
        order_id=event.order_id,
        symbol=symbol,
        side=side,
        price=event.last_price,
        qty=event.last_qty,
        time_ms=time_ms_of(event.timestamp),
        fee=fee,
        fee_currency=fee_currency,
        liquidity=liquidity_of(event.liquidity_ind),
        cl_ord_id=cl_ord_id,
    )


def _trigger_price(merged: ExecutionData) -> Decimal | None:
    price = (merged.triggers or {}).get("price")
    if price is None or isinstance(price, bool):
        return None
    try:
        return Decimal(price)
    except (ArithmeticError, TypeError, ValueError):
        return None


# -------------------------------------------------------------- the tracker


@dataclass(slots=True)
class ExecutionChanges:
    """What one executions message did to the account."""

    upserted: list[Order] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """Order ids that left the book."""
    fills: list[Fill] = field(default_factory=list)
    """Oldest first."""
    rejected: list[str] = field(default_factory=list)
    """Why events were skipped (unplaceable trade, order without side...)."""


class ExecutionTracker:
    """Merged view of each open spot order, fed snapshots and sparse updates."""

    def __init__(self) -> None:
        self._views: dict[str, ExecutionData] = {}
        self._placed_ms: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self._views)

    def view(self, order_id: str) -> ExecutionData | None:
        return self._views.get(order_id)

    def apply_snapshot(
        self, events: Iterable[ExecutionData]
    ) -> tuple[list[Order], ExecutionChanges]:
        """Replace every view; return the open orders and the snapshot's fills.

        ``trade`` events are fills (``snap_trades``); the others are orders, kept
        unless their status says they are closed.
        """
        self._views.clear()
        self._placed_ms.clear()
        changes = ExecutionChanges()
        for event in events:
            if event.exec_type == "trade":
                self._add_fill(changes, event, None)
                continue
            merged = merge_execution(self._views.get(event.order_id), event)
            if is_closed(event):
                self._forget(event.order_id)
            else:
                self._remember(merged)
        orders: list[Order] = []
        for order_id, merged in list(self._views.items()):
            try:
                orders.append(order_from_execution(merged, self._placed_ms[order_id]))
            except FrameError as exc:
                changes.rejected.append(exc.reason)
        changes.fills.sort(key=lambda f: f.time_ms)
        return orders, changes

    def apply_update(self, events: Iterable[ExecutionData]) -> ExecutionChanges:
        """Merge each event into its order, in order; report each touched order's end state."""
        changes = ExecutionChanges()
        touched: dict[str, None] = {}
        for event in events:
            held = self._views.get(event.order_id)
            if event.exec_type == "trade":
                self._add_fill(changes, event, held)
            touched[event.order_id] = None
            if is_closed(event):
                self._forget(event.order_id)
            else:
                self._remember(merge_execution(held, event))
        for order_id in touched:
            merged = self._views.get(order_id)
            if merged is None:
                changes.removed.append(order_id)
                continue
            try:
                changes.upserted.append(order_from_execution(merged, self._placed_ms[order_id]))
            except FrameError:
                continue  # not enough known yet; a later event may complete it
        return changes

    def _remember(self, merged: ExecutionData) -> None:
        self._views[merged.order_id] = merged
        if merged.order_id not in self._placed_ms:
            try:
                self._placed_ms[merged.order_id] = time_ms_of(merged.timestamp)
            except FrameError:
                self._placed_ms[merged.order_id] = 0

    def _forget(self, order_id: str) -> None:
        self._placed_ms.pop(order_id, None)
        self._views.pop(order_id, None)

    @staticmethod
    def _add_fill(
        changes: ExecutionChanges, event: ExecutionData, held: ExecutionData | None
    ) -> None:
        try:
            changes.fills.append(fill_from_execution(event, held))
        except FrameError as exc:
            changes.rejected.append(exc.reason)


# ----------------------------------------------------------------- balances


def balances_from_snapshot(entries: Iterable[AssetBalance]) -> list[Balance]:
    """Each asset's spot-wallet balance (the asset total when no wallets are listed)."""
    balances = []
    for entry in entries:
        spot = [w.balance for w in entry.wallets if w.type == SPOT_WALLET]
        if entry.wallets and not spot:
            continue  # held only in earn wallets: not tradable spot balance
        total = sum(spot, Decimal(0)) if spot else entry.balance
        balances.append(
            Balance(venue=Venue.SPOT, asset=entry.asset, total=total, wallet=SPOT_WALLET)
        )
    return balances


def balance_from_ledger(entry: LedgerEntry) -> Balance | None:
    """The spot wallet's new balance after a ledger entry; None for other wallets."""
    if entry.balance is None:
        return None
    if entry.wallet_type is not None and entry.wallet_type != SPOT_WALLET:
        return None
    return Balance(venue=Venue.SPOT, asset=entry.asset, total=entry.balance, wallet=SPOT_WALLET)

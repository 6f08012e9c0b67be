"""Position arithmetic of the practice account's futures fills.

Kept apart from :mod:`kraken_tui.sim.practice` so that module stays small: one
pure function that turns (position, fill) into (new position, realised PnL),
with Kraken's averaging rules for linear contracts, plus the liquidation formula,
the resting orders' priority and what working spot orders hold back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import Order, OrderSide


def book_priority(order: Order) -> Decimal:
    """Sort key of a resting limit order: best price first on its side."""
    assert order.limit_price is not None
    return -order.limit_price if order.side is OrderSide.BUY else order.limit_price


def liquidation_at(
    size: Decimal, entry: Decimal, others: Decimal, maintenance_rate: Decimal
) -> Decimal | None:
    """The price ``p`` where ``others + size x (p - entry) = rate x |size| x p``, if positive.

    ``others``: collateral plus the other positions' uPnL minus their maintenance margin.
    """
    price = (size * entry - others) / (size - maintenance_rate * abs(size))
    return price if price > 0 else None


def position_after(
    old_size: Decimal, old_entry: Decimal, delta: Decimal, price: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(new signed size, new entry price, realised PnL) after trading ``delta`` at ``price``.

    Adding to a position (or opening one) averages the entry; reducing keeps the
    entry and realises ``closed x (price - entry)`` in the position's direction;
    flipping through zero opens the remainder at ``price``; flat has entry 0.
    """
    if old_size == 0 or (old_size > 0) == (delta > 0):
        new_size = old_size + delta
        return new_size, (old_size * old_entry + delta * price) / new_size, Decimal(0)
    closed = min(abs(old_size), abs(delta))
    direction = 1 if old_size > 0 else -1
    realized = closed * (price - old_entry) * direction
    new_size = old_size + delta
    if new_size == 0:
        new_entry = Decimal(0)
    elif (new_size > 0) == (old_size > 0):
        new_entry = old_entry
    else:
        new_entry = price
    return new_size, new_entry, realized


def spot_reserved(
    orders: Iterable[Order], instruments: Mapping[str, Instrument], asset: str
) -> Decimal:
    """How much of ``asset`` the working spot orders hold back (buys: quote at their
    limit price; sells: base). Stops without a limit price reserve nothing."""
    reserved = Decimal(0)
    for order in orders:
        if order.venue is not Venue.SPOT or order.limit_price is None:
            continue
        inst = instruments[order.symbol]
        if order.side is OrderSide.BUY and inst.quote == asset:
            reserved += order.remaining * order.limit_price
        elif order.side is OrderSide.SELL and inst.base == asset:
            reserved += order.remaining
    return reserved

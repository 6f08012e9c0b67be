"""Futures margin arithmetic of the practice account (flex, cross margin, USD).

Kept apart from :mod:`kraken_tui.sim.practice` so the account stays about
bookkeeping and events: these functions read the account's holdings, marks,
collateral and working orders and compute positions, the margin summary,
liquidation and bankruptcy prices, and whether the account must be liquidated.
Pure: no state of their own.

- futures uPnL = size x (mark - entry); equity = collateral + total uPnL + funding;
  initial margin 2 % and maintenance margin 1 % of notional (|size| x mark);
  available margin = equity - initial margin with orders (non-reduce-only orders
  count at their limit/stop price).
- liquidation price of one position (cross margin): the price ``p`` where
  ``collateral + other positions' uPnL - other positions' maintenance margin +
  size x (p - entry) = 0.01 x |size| x p``; None when that ``p`` is not positive.
- the account is liquidated when its equity falls below its maintenance margin
  (Kraken's Equity Protection Process, support article 360022835671); the
  bankruptcy price is where closing a position leaves equity at exactly 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from kraken_tui.model import Instrument, Venue
from kraken_tui.model.account import MarginSummary, Order, Position
from kraken_tui.sim.practice_fills import liquidation_at
from kraken_tui.sim.practice_seed import round_to_tick

MARGIN_CURRENCY = "USD"
INITIAL_MARGIN_RATE = Decimal("0.02")
MAINTENANCE_MARGIN_RATE = Decimal("0.01")
LEVERAGE_STEP = Decimal("0.0001")


@dataclass(slots=True)
class Holding:
    """One futures position as the account keeps it."""

    size: Decimal
    entry: Decimal
    funding: Decimal = Decimal(0)  # accrued, unrealised (negative: paid), USD


Holdings = Mapping[str, Holding]
Marks = Mapping[str, Decimal]


def mark_of(symbol: str, holding: Holding, marks: Marks) -> Decimal:
    return marks.get(symbol, holding.entry)


def upnl(symbol: str, holding: Holding, marks: Marks) -> Decimal:
    return holding.size * (mark_of(symbol, holding, marks) - holding.entry)


def maintenance(symbol: str, holding: Holding, marks: Marks) -> Decimal:
    return MAINTENANCE_MARGIN_RATE * abs(holding.size) * mark_of(symbol, holding, marks)


def _others(symbol: str, holdings: Holdings, marks: Marks, collateral: Decimal) -> Decimal:
    """Collateral plus the other positions' uPnL minus their maintenance margin."""
    others = collateral
    for other, h in holdings.items():
        if other != symbol:
            others += upnl(other, h, marks) - maintenance(other, h, marks)
    return others


def liquidation_price(
    symbol: str, holdings: Holdings, marks: Marks, collateral: Decimal
) -> Decimal | None:
    """Cross-margin liquidation price of one position (unrounded), None when flat."""
    holding = holdings.get(symbol)
    if holding is None or not holding.size:
        return None
    others = _others(symbol, holdings, marks, collateral)
    return liquidation_at(holding.size, holding.entry, others, MAINTENANCE_MARGIN_RATE)


def bankruptcy_price(
    symbol: str, holdings: Holdings, marks: Marks, collateral: Decimal
) -> Decimal | None:
    """The price where closing ``symbol`` leaves the account's equity at exactly 0
    (the other positions at their marks, accrued funding counted); None when flat
    or when no positive price does that (the account survives any price)."""
    holding = holdings.get(symbol)
    if holding is None or not holding.size:
        return None
    equity_without = collateral + holding.funding
    for other, h in holdings.items():
        if other != symbol:
            equity_without += upnl(other, h, marks) + h.funding
    price = holding.entry - equity_without / holding.size
    return price if price > 0 else None


def liquidation_fill_price(
    symbol: str, holdings: Holdings, marks: Marks, collateral: Decimal, tick: Decimal
) -> Decimal:
    """Where the exchange closes a liquidated position: its mark rounded to the tick,
    but never beyond the bankruptcy price (rounded to the tick toward safety), so the
    account's equity does not go negative."""
    holding = holdings[symbol]
    price = round_to_tick(mark_of(symbol, holding, marks), tick)
    bankrupt = bankruptcy_price(symbol, holdings, marks, collateral)
    if bankrupt is None:
        return price
    long = holding.size > 0
    rounding = ROUND_CEILING if long else ROUND_FLOOR
    limit = (bankrupt / tick).to_integral_value(rounding=rounding) * tick
    return max(price, limit) if long else min(price, limit)


def margin_summary(
    holdings: Holdings, marks: Marks, collateral: Decimal, orders: Iterable[Order]
) -> MarginSummary:
    total_upnl = Decimal(0)
    notional = Decimal(0)
    for symbol, holding in holdings.items():
        total_upnl += upnl(symbol, holding, marks) + holding.funding
        notional += abs(holding.size) * mark_of(symbol, holding, marks)
    order_notional = Decimal(0)
    for order in orders:
        if order.venue is Venue.FUTURES and not order.reduce_only:
            price = order.limit_price or order.stop_price or Decimal(0)
            order_notional += order.remaining * price
    equity = collateral + total_upnl
    initial = INITIAL_MARGIN_RATE * notional
    with_orders = initial + INITIAL_MARGIN_RATE * order_notional
    return MarginSummary(
        currency=MARGIN_CURRENCY,
        equity=equity,
        available_margin=equity - with_orders,
        initial_margin=initial,
        maintenance_margin=MAINTENANCE_MARGIN_RATE * notional,
        unrealized_pnl=total_upnl,
        balance_value=collateral,
        initial_margin_with_orders=with_orders,
    )


def position_rows(
    holdings: Holdings,
    marks: Marks,
    collateral: Decimal,
    instruments: Mapping[str, Instrument],
    equity: Decimal,
) -> list[Position]:
    """With mark, unrealised PnL, liquidation price and leverage at the current marks."""
    out: list[Position] = []
    for symbol, holding in holdings.items():
        if not holding.size:
            continue
        mark = mark_of(symbol, holding, marks)
        notional = abs(holding.size) * mark
        liquidation = liquidation_price(symbol, holdings, marks, collateral)
        tick = instruments[symbol].tick_size
        out.append(
            Position(
                symbol=symbol,
                size=holding.size,
                entry_price=holding.entry,
                mark_price=mark,
                unrealized_pnl=holding.size * (mark - holding.entry),
                pnl_currency=MARGIN_CURRENCY,
                liquidation_price=None if liquidation is None else round_to_tick(liquidation, tick),
                effective_leverage=(notional / equity).quantize(LEVERAGE_STEP)
                if equity > 0
                else None,
                unrealized_funding=holding.funding,
                initial_margin=INITIAL_MARGIN_RATE * notional,
                maintenance_margin=MAINTENANCE_MARGIN_RATE * notional,
            )
        )
    return out


def next_to_liquidate(
    first: str, holdings: Holdings, marks: Marks, collateral: Decimal, orders: Iterable[Order]
) -> str | None:
    """The position the exchange closes next, or None while the account's margin equity
    is at least its maintenance margin. ``first`` (the product whose mark just moved)
    goes first; then the position with the largest maintenance margin."""
    margin = margin_summary(holdings, marks, collateral, orders)
    if margin.maintenance_margin is None or margin.equity >= margin.maintenance_margin:
        return None
    open_ = {s: h for s, h in holdings.items() if h.size}
    if not open_:
        return None
    if first in open_:
        return first
    return max(open_, key=lambda s: maintenance(s, open_[s], marks))

"""A trading account, venue-neutral: working orders, fills, positions, balances, margin.

These are what the private feeds produce and the account panes show. Quantities
and prices are exact Decimals (the wire text, never binary floats). Spot and
futures share the types; fields a venue does not report stay ``None``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.model.instruments import Venue
from kraken_tui.model.market import TradeSide

OrderSide = TradeSide
"""buy / sell (the same enum as a trade's taker side)."""


class Liquidity(enum.StrEnum):
    MAKER = "maker"
    TAKER = "taker"
    OTHER = "other"
    """Liquidation, assignment and other non-book fills."""


@dataclass(frozen=True, slots=True)
class Order:
    """One working (open) order as the exchange last reported it."""

    venue: Venue
    order_id: str
    symbol: str
    side: OrderSide
    order_type: str
    """Venue spelling (spot ``limit``, ``stop-loss``...; futures ``limit``, ``stop``...)."""
    qty: Decimal
    filled: Decimal = Decimal(0)
    limit_price: Decimal | None = None
    stop_price: Decimal | None = None
    time_ms: int = 0
    """When the order was placed (epoch ms, UTC)."""
    cl_ord_id: str = ""
    reduce_only: bool = False
    status: str = "open"
    """Venue status text (``new``, ``partially_filled``, ``untouched``, ...), for display only."""

    @property
    def remaining(self) -> Decimal:
        return self.qty - self.filled


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution of one of our orders. ``fill_id`` is unique per venue."""

    venue: Venue
    fill_id: str
    order_id: str
    symbol: str
    side: OrderSide
    price: Decimal
    qty: Decimal
    time_ms: int
    fee: Decimal | None = None
    fee_currency: str = ""
    liquidity: Liquidity = Liquidity.OTHER
    cl_ord_id: str = ""


@dataclass(frozen=True, slots=True)
class Position:
    """An open futures position. ``size`` is signed: positive long, negative short."""

    symbol: str
    size: Decimal
    entry_price: Decimal
    mark_price: Decimal | None = None
    unrealized_pnl: Decimal | None = None
    pnl_currency: str = ""
    liquidation_price: Decimal | None = None
    """None when the exchange reports no liquidation threshold (0 on the wire)."""
    effective_leverage: Decimal | None = None
    unrealized_funding: Decimal | None = None
    initial_margin: Decimal | None = None
    maintenance_margin: Decimal | None = None

    @property
    def side(self) -> OrderSide:
        return OrderSide.BUY if self.size >= 0 else OrderSide.SELL

    @property
    def liquidation_distance(self) -> Decimal | None:
        """Signed fraction from mark to liquidation (-0.113 = liquidation 11.3 % below mark)."""
        if self.liquidation_price is None or not self.mark_price:
            return None
        return (self.liquidation_price - self.mark_price) / self.mark_price


@dataclass(frozen=True, slots=True)
class Balance:
    """One asset's balance in one wallet (spot: the spot wallet; futures: a margin wallet)."""

    venue: Venue
    asset: str
    total: Decimal
    available: Decimal | None = None
    """What can be used for new orders, when the venue reports it."""
    wallet: str = ""
    """Futures: ``flex`` (multi-collateral), ``holding`` or a margin account like ``fi_xbtusd``."""


@dataclass(frozen=True, slots=True)
class MarginSummary:
    """The futures multi-collateral (flex) account as a whole, in its currency (USD)."""

    currency: str
    equity: Decimal
    """Portfolio value incl. unrealised PnL (Kraken ``portfolio_value``/``margin_equity``)."""
    available_margin: Decimal
    initial_margin: Decimal
    """Margin used by positions (Kraken ``initial_margin``)."""
    maintenance_margin: Decimal | None = None
    unrealized_pnl: Decimal | None = None
    balance_value: Decimal | None = None
    """Collateral value before unrealised PnL."""
    initial_margin_with_orders: Decimal | None = None

    @property
    def margin_used_fraction(self) -> Decimal | None:
        return self.initial_margin / self.equity if self.equity else None

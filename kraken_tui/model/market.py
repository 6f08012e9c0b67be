"""Market data other than the book: tickers and trades (venue-neutral)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal


class TradeSide(enum.StrEnum):
    """The taker's side."""

    BUY = "buy"
    SELL = "sell"


@dataclass(frozen=True, slots=True)
class Trade:
    symbol: str
    side: TradeSide
    price: Decimal
    qty: Decimal
    time_ms: int
    """Exchange time in milliseconds since the epoch (UTC)."""
    trade_id: str = ""


@dataclass(frozen=True, slots=True)
class Ticker:
    """Latest ticker; fields a venue does not send stay ``None``.

    Spot fills ``vwap``; perpetuals fill ``mark``, ``index``, ``funding_rate``,
    ``next_funding_ms`` and ``open_interest``. ``funding_rate`` is the relative
    rate per funding period as a fraction (0.0001 = 0.01 %).
    """

    symbol: str
    last: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    bid_qty: Decimal | None = None
    ask_qty: Decimal | None = None
    change_pct: Decimal | None = None
    volume: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    vwap: Decimal | None = None
    mark: Decimal | None = None
    index: Decimal | None = None
    funding_rate: Decimal | None = None
    next_funding_ms: int | None = None
    open_interest: Decimal | None = None
    time_ms: int | None = None

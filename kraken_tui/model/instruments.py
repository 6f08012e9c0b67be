"""Tradable instruments and the precisions that make prices exact."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.model.scaled import to_scaled


class Venue(enum.StrEnum):
    """Which Kraken wire protocol an instrument trades on."""

    SPOT = "spot"
    FUTURES = "futures"


class InstrumentKind(enum.StrEnum):
    SPOT = "spot"
    PERPETUAL = "perpetual"
    FIXED_MATURITY = "fixed_maturity"


@dataclass(frozen=True, slots=True)
class Instrument:
    """One spot pair or futures contract.

    ``price_precision``/``qty_precision`` are the number of decimals of a price and
    a quantity; every scaled int in the book uses them. ``tick_size`` is the
    smallest price step (it may be coarser than one unit of the last decimal, e.g.
    PI_XBTUSD ticks by 0.5 with precision 1).
    """

    symbol: str
    venue: Venue
    kind: InstrumentKind
    base: str
    quote: str
    price_precision: int
    qty_precision: int
    tick_size: Decimal
    qty_min: Decimal = Decimal(0)
    contract_size: Decimal = Decimal(1)
    status: str = "online"

    @property
    def tick_scaled(self) -> int:
        """The tick size as a scaled price int (0.5 at precision 1 -> 5)."""
        return max(1, to_scaled(self.tick_size, self.price_precision))

    @property
    def underlying(self) -> str:
        """Base asset with XBT spelled BTC, used to pair spot and perpetual."""
        return "BTC" if self.base.upper() in ("XBT", "BTC") else self.base.upper()

    @property
    def label(self) -> str:
        return f"{self.symbol} {self.venue.value}"

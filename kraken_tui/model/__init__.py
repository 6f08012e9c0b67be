"""Venue-neutral domain types. No I/O, no third-party imports."""

from kraken_tui.model.instruments import Instrument, InstrumentKind, Venue
from kraken_tui.model.market import Ticker, Trade, TradeSide
from kraken_tui.model.scaled import PrecisionError, from_scaled, to_scaled

__all__ = [
    "Instrument",
    "InstrumentKind",
    "PrecisionError",
    "Ticker",
    "Trade",
    "TradeSide",
    "Venue",
    "from_scaled",
    "to_scaled",
]

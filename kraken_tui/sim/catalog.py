"""Instruments the embedded exchange lists, with Kraken's real precisions.

Each entry pairs a :class:`~kraken_tui.model.Instrument` with what the synthetic
market needs to look plausible (a start price and a typical level size) and the
extra fields Kraken's REST/instrument payloads carry (pair key, altname, cost
precision, futures contract metadata).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kraken_tui.model import Instrument, InstrumentKind, Venue


@dataclass(frozen=True, slots=True)
class Listing:
    """One listed instrument plus what the simulator and REST payloads need."""

    instrument: Instrument
    start_price: Decimal
    typical_qty: Decimal
    """Median size of a resting level, in base units (or contracts)."""
    rest_key: str = ""
    """Spot: the AssetPairs result key (``XXBTZUSD``). Futures: unused."""
    altname: str = ""
    cost_precision: int = 5
    cost_min: Decimal = Decimal("0.5")
    underlying_spot: str = ""
    """Futures: the spot pair whose mid is the index price."""

    @property
    def symbol(self) -> str:
        return self.instrument.symbol


def _spot(
    symbol: str,
    rest_key: str,
    altname: str,
    pp: int,
    price: str,
    typical: str,
    qty_min: str,
    qp: int = 8,
) -> Listing:
    base, quote = symbol.split("/")
    instrument = Instrument(
        symbol=symbol,
        venue=Venue.SPOT,
        kind=InstrumentKind.SPOT,
        base=base,
        quote=quote,
        price_precision=pp,
        qty_precision=qp,
        tick_size=Decimal(1).scaleb(-pp),
        qty_min=Decimal(qty_min),
    )
    return Listing(instrument, Decimal(price), Decimal(typical), rest_key, altname)


def _perp(
    symbol: str,
    base: str,
    tick: str,
    qp: int,
    price: str,
    typical: str,
    underlying_spot: str,
    contract_size: str = "1",
) -> Listing:
    tick_size = Decimal(tick)
    exponent = tick_size.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    instrument = Instrument(
        symbol=symbol,
        venue=Venue.FUTURES,
        kind=InstrumentKind.PERPETUAL,
        base=base,
        quote="USD",
        price_precision=max(0, -exponent),
        qty_precision=qp,
        tick_size=tick_size,
        qty_min=Decimal(1).scaleb(-qp),
        contract_size=Decimal(contract_size),
    )
    return Listing(instrument, Decimal(price), Decimal(typical), underlying_spot=underlying_spot)


SPOT_LISTINGS: tuple[Listing, ...] = (
    _spot("BTC/USD", "XXBTZUSD", "XBTUSD", 1, "97250.0", "0.25", "0.0001"),
    _spot("ETH/USD", "XETHZUSD", "ETHUSD", 2, "3410.00", "3.5", "0.002"),
    _spot("SOL/USD", "SOLUSD", "SOLUSD", 2, "187.40", "40", "0.02"),
    _spot("XRP/USD", "XXRPZUSD", "XRPUSD", 5, "2.31450", "2500", "2"),
    _spot("DOGE/USD", "XDGUSD", "XDGUSD", 7, "0.3812000", "20000", "20"),
    _spot("ADA/USD", "ADAUSD", "ADAUSD", 6, "0.912300", "6000", "5"),
    _spot("LTC/USD", "XLTCZUSD", "LTCUSD", 2, "104.25", "30", "0.05"),
)

FUTURES_LISTINGS: tuple[Listing, ...] = (
    _perp("PF_XBTUSD", "XBT", "1", 4, "97260", "0.5", "BTC/USD"),
    _perp("PF_ETHUSD", "ETH", "0.1", 3, "3411.0", "6", "ETH/USD"),
    _perp("PF_SOLUSD", "SOL", "0.01", 2, "187.45", "60", "SOL/USD"),
    _perp("PI_XBTUSD", "XBT", "0.5", 0, "97255.0", "20000", "BTC/USD"),
)


class Catalog:
    """Lookup of the listed instruments by symbol (futures ids case-insensitive)."""

    def __init__(
        self,
        spot: tuple[Listing, ...] = SPOT_LISTINGS,
        futures: tuple[Listing, ...] = FUTURES_LISTINGS,
    ) -> None:
        self.spot = spot
        self.futures = futures
        self._spot_by_symbol = {listing.symbol: listing for listing in spot}
        self._futures_by_id = {listing.symbol.upper(): listing for listing in futures}

    @property
    def listings(self) -> tuple[Listing, ...]:
        return self.spot + self.futures

    @property
    def instruments(self) -> list[Instrument]:
        return [listing.instrument for listing in self.listings]

    def spot_pair(self, symbol: str) -> Listing | None:
        return self._spot_by_symbol.get(symbol)

    def future(self, product_id: str) -> Listing | None:
        return self._futures_by_id.get(product_id.upper())

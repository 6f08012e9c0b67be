"""Spot v2 wire models -> venue-neutral domain objects (and back where the server needs it)."""

from __future__ import annotations

from decimal import Decimal

from kraken_tui.model import Instrument, InstrumentKind, Ticker, Trade, TradeSide, Venue
from kraken_tui.model.scaled import decimals_of
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_spot.messages import PairInfo, TickerData, TradeData
from kraken_tui.venues.timefmt import rfc3339_to_ms


def instrument_from_pair(pair: PairInfo) -> Instrument:
    """An ``instrument`` channel pair as a SPOT :class:`Instrument`.

    The tick is ``price_increment`` (falling back to the deprecated ``tick_size``,
    then to one unit of the last price decimal).
    """
    tick = pair.price_increment or pair.tick_size or Decimal(1).scaleb(-pair.price_precision)
    return Instrument(
        symbol=pair.symbol,
        venue=Venue.SPOT,
        kind=InstrumentKind.SPOT,
        base=pair.base,
        quote=pair.quote,
        price_precision=pair.price_precision,
        qty_precision=pair.qty_precision,
        tick_size=tick,
        qty_min=pair.qty_min if pair.qty_min is not None else Decimal(0),
        status=pair.status,
    )


def pair_from_instrument(inst: Instrument) -> PairInfo:
    """The reverse of :func:`instrument_from_pair` (what the exchange advertises)."""
    return PairInfo(
        symbol=inst.symbol,
        base=inst.base,
        quote=inst.quote,
        status=inst.status,
        qty_precision=inst.qty_precision,
        qty_increment=Decimal(1).scaleb(-inst.qty_precision),
        qty_min=inst.qty_min,
        price_precision=inst.price_precision,
        price_increment=inst.tick_size,
        tick_size=inst.tick_size,
    )


def ticker_from_wire(data: TickerData) -> Ticker:
    """One ``ticker`` data entry as a :class:`Ticker` (spot fills ``vwap``, not mark/funding)."""
    return Ticker(
        symbol=data.symbol,
        last=data.last,
        bid=data.bid,
        ask=data.ask,
        bid_qty=data.bid_qty,
        ask_qty=data.ask_qty,
        change_pct=data.change_pct,
        volume=data.volume,
        high=data.high,
        low=data.low,
        vwap=data.vwap,
        time_ms=_optional_ms(data.timestamp),
    )


def trade_from_wire(data: TradeData) -> Trade:
    """One ``trade`` data entry as a :class:`Trade`.

    Raises :class:`FrameError` for a side other than buy/sell or an unreadable time,
    since a trade the tape cannot place is better dropped and counted.
    """
    try:
        side = TradeSide(data.side.lower())
    except ValueError:
        raise FrameError(f"unknown trade side {data.side!r}") from None
    try:
        time_ms = rfc3339_to_ms(data.timestamp)
    except ValueError as exc:
        raise FrameError(str(exc)) from None
    return Trade(
        symbol=data.symbol,
        side=side,
        price=data.price,
        qty=data.qty,
        time_ms=time_ms,
        trade_id="" if data.trade_id is None else str(data.trade_id),
    )


def precision_of_step(step: Decimal) -> int:
    """Decimals of a step such as ``1e-08`` (8) or ``0.1`` (1)."""
    return decimals_of(step)


def _optional_ms(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return rfc3339_to_ms(text)
    except ValueError:
        return None

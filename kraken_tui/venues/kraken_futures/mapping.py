"""Futures v1 wire models (WS feeds and REST v3) -> venue-neutral domain objects."""

from __future__ import annotations

from decimal import Decimal

from kraken_tui.model import Instrument, InstrumentKind, Ticker, Trade, TradeSide, Venue
from kraken_tui.model.scaled import decimals_of
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_futures.messages import FuturesTicker, FuturesTickerLite, FuturesTrade
from kraken_tui.venues.kraken_futures.rest import RestInstrument, RestTicker

_PERPETUAL_PREFIXES = ("PF_", "PI_", "PV_")
_FIXED_PREFIXES = ("FF_", "FI_", "FV_")


def kind_of(symbol: str, tag: str | None = None) -> InstrumentKind:
    """PERPETUAL for ``PF_``/``PI_`` symbols or tag ``perpetual``; FIXED_MATURITY otherwise."""
    upper = symbol.upper()
    if upper.startswith(_PERPETUAL_PREFIXES) or (tag or "").lower() == "perpetual":
        return InstrumentKind.PERPETUAL
    return InstrumentKind.FIXED_MATURITY


def split_symbol(symbol: str) -> tuple[str, str]:
    """Base and quote of ``PF_XBTUSD`` / ``FI_XBTUSD_220930`` (quote = last three letters)."""
    parts = symbol.upper().split("_")
    body = parts[1] if len(parts) > 1 else parts[0]
    if len(body) <= 3:
        return body, ""
    return body[:-3], body[-3:]


def is_perpetual_ticker(data: FuturesTicker) -> bool:
    return kind_of(data.product_id, data.tag) is InstrumentKind.PERPETUAL


def ticker_from_wire(data: FuturesTicker) -> Ticker:
    """A ``ticker`` message as a :class:`Ticker`.

    Perpetuals fill mark, index, funding and open interest. The funding rate
    kept is Kraken's *relative* rate (a fraction of the price per funding
    period, what traders quote as a percentage), not the absolute
    ``funding_rate`` in quote currency. Kraken omits the funding fields when
    they are zero, so on a perpetual an absent rate is 0.
    """
    funding = data.relative_funding_rate
    if funding is None and is_perpetual_ticker(data):
        funding = Decimal(0)
    return Ticker(
        symbol=data.product_id,
        last=data.last,
        bid=data.bid,
        ask=data.ask,
        bid_qty=data.bid_size,
        ask_qty=data.ask_size,
        change_pct=data.change,
        volume=data.volume,
        high=data.high,
        low=data.low,
        mark=data.mark_price,
        index=data.index,
        funding_rate=funding,
        next_funding_ms=data.next_funding_rate_time or None,
        open_interest=data.open_interest,
        time_ms=data.time,
    )


def ticker_from_lite(data: FuturesTickerLite) -> Ticker:
    """A ``ticker_lite`` message as a partial :class:`Ticker`."""
    return Ticker(
        symbol=data.product_id,
        bid=data.bid,
        ask=data.ask,
        change_pct=data.change,
        volume=data.volume,
    )


def trade_from_wire(data: FuturesTrade) -> Trade:
    """One ``trade`` (or snapshot element) as a :class:`Trade`; ``uid`` becomes ``trade_id``."""
    try:
        side = TradeSide(data.side.lower())
    except ValueError:
        raise FrameError(f"unknown trade side {data.side!r}") from None
    return Trade(
        symbol=data.product_id,
        side=side,
        price=data.price,
        qty=data.qty,
        time_ms=data.time,
        trade_id=data.uid or ("" if data.seq is None else str(data.seq)),
    )


def instrument_from_rest(info: RestInstrument) -> Instrument:
    """A REST v3 instrument as a FUTURES :class:`Instrument`.

    price precision = decimals of ``tickSize``; qty precision =
    ``contractValueTradePrecision`` (never below 0). Base/quote come from the
    ``base``/``quote`` fields, else ``pair`` (``XBT:USD``), else the symbol.
    """
    symbol = info.symbol.upper()
    base, quote = info.base, info.quote
    if not (base and quote) and info.pair and ":" in info.pair:
        base, quote = info.pair.split(":", 1)
    if not (base and quote):
        base, quote = split_symbol(symbol)
    tick = info.tick_size if info.tick_size and info.tick_size > 0 else Decimal(1)
    precision = info.contract_value_trade_precision
    return Instrument(
        symbol=symbol,
        venue=Venue.FUTURES,
        kind=kind_of(symbol, info.tag_hint),
        base=base.upper(),
        quote=quote.upper(),
        price_precision=decimals_of(tick),
        qty_precision=max(0, precision if precision is not None else 0),
        tick_size=tick,
        qty_min=Decimal(1).scaleb(-max(0, precision or 0)),
        contract_size=info.contract_size if info.contract_size is not None else Decimal(1),
        status="online" if info.tradeable is not False else "suspended",
    )


def ticker_from_rest(info: RestTicker) -> Ticker:
    """A REST v3 market ticker as a :class:`Ticker`."""
    perpetual = kind_of(info.symbol, info.tag) is InstrumentKind.PERPETUAL
    funding = info.funding_rate
    if funding is None and perpetual:
        funding = Decimal(0)
    return Ticker(
        symbol=info.symbol.upper(),
        last=info.last,
        bid=info.bid,
        ask=info.ask,
        bid_qty=info.bid_size,
        ask_qty=info.ask_size,
        change_pct=info.change_24h,
        volume=info.vol_24h,
        high=info.high_24h,
        low=info.low_24h,
        mark=info.mark_price,
        index=info.index_price,
        funding_rate=funding,
        next_funding_ms=info.next_funding_rate_time,
        open_interest=info.open_interest,
    )

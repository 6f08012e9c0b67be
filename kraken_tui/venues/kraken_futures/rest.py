"""Derivatives REST v3 public responses: ``instruments`` and ``tickers``.

Models (lenient, camelCase aliases) for the client, ``decode_*`` helpers that
raise only :class:`~kraken_tui.venues.FrameError`, and ``encode_*`` helpers that
produce the same JSON bodies for the embedded exchange.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from kraken_tui.model import Instrument, InstrumentKind, Ticker
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import dump, load_object
from kraken_tui.venues.kraken_futures.server import plain_number
from kraken_tui.venues.timefmt import ns_to_rfc3339

M = TypeVar("M", bound=BaseModel)


class _RestModel(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


def _f(*names: str) -> Any:
    return Field(None, validation_alias=AliasChoices(*names))


class RestInstrument(_RestModel):
    """One element of ``GET /derivatives/api/v3/instruments`` ``instruments[]``."""

    symbol: str
    type: str | None = None
    """``flexible_futures``, ``futures_inverse``, ``futures_vanilla``, ``options``, or new."""
    pair: str | None = None
    base: str | None = None
    quote: str | None = None
    underlying: str | None = None
    tick_size: Decimal | None = _f("tickSize", "tick_size")
    contract_size: Decimal | None = _f("contractSize", "contract_size")
    contract_value_trade_precision: int | None = _f(
        "contractValueTradePrecision", "contract_value_trade_precision"
    )
    tradeable: bool | None = None
    post_only: bool | None = _f("postOnly", "post_only")
    last_trading_time: str | None = _f("lastTradingTime", "last_trading_time")
    tag: str | None = None
    tags: list[Any] = Field(default_factory=list)

    @property
    def tag_hint(self) -> str | None:
        """``perpetual`` if any tag says so, else ``tag`` as sent."""
        if self.tag is not None:
            return self.tag
        return "perpetual" if "perpetual" in (str(t).lower() for t in self.tags) else None


class InstrumentsResponse(_RestModel):
    result: str
    instruments: list[RestInstrument] = Field(default_factory=list)
    server_time: str | None = _f("serverTime", "server_time")
    error: str | None = None


class RestTicker(_RestModel):
    """One element of ``GET /derivatives/api/v3/tickers`` ``tickers[]`` (market or index)."""

    symbol: str
    tag: str | None = None
    pair: str | None = None
    mark_price: Decimal | None = _f("markPrice", "mark_price")
    bid: Decimal | None = None
    bid_size: Decimal | None = _f("bidSize", "bid_size")
    ask: Decimal | None = None
    ask_size: Decimal | None = _f("askSize", "ask_size")
    vol_24h: Decimal | None = _f("vol24h", "vol_24h")
    volume_quote: Decimal | None = _f("volumeQuote", "volume_quote")
    open_interest: Decimal | None = _f("openInterest", "open_interest")
    open_24h: Decimal | None = _f("open24h", "open_24h")
    high_24h: Decimal | None = _f("high24h", "high_24h")
    low_24h: Decimal | None = _f("low24h", "low_24h")
    last: Decimal | None = None
    last_time: str | None = _f("lastTime", "last_time")
    last_size: Decimal | None = _f("lastSize", "last_size")
    funding_rate: Decimal | None = _f("fundingRate", "funding_rate")
    funding_rate_prediction: Decimal | None = _f("fundingRatePrediction", "funding_rate_prediction")
    next_funding_rate_time: int | None = _f("nextFundingRateTime", "next_funding_rate_time")
    """Not in Kraken's documented list; read when present (the embedded exchange sends it)."""
    suspended: bool | None = None
    index_price: Decimal | None = _f("indexPrice", "index_price")
    post_only: bool | None = _f("postOnly", "post_only")
    change_24h: Decimal | None = _f("change24h", "change_24h")


class TickersResponse(_RestModel):
    result: str
    tickers: list[RestTicker] = Field(default_factory=list)
    server_time: str | None = _f("serverTime", "server_time")
    error: str | None = None


def _decode(model: type[M], body: str | bytes) -> M:
    msg = load_object(body)
    try:
        return model.model_validate(msg)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FrameError(f"bad {model.__name__} at {where}: {first['msg']}") from None


def decode_instruments(body: str | bytes) -> InstrumentsResponse:
    """Parse an ``instruments`` response body (check ``.result == "success"``)."""
    return _decode(InstrumentsResponse, body)


def decode_tickers(body: str | bytes) -> TickersResponse:
    """Parse a ``tickers`` response body (index tickers ``in_*``/``rr_*`` included)."""
    return _decode(TickersResponse, body)


# ------------------------------------------------------------------ server


def _server_time(server_time: str | None) -> str:
    if server_time is not None:
        return server_time
    # REST v3 writes milliseconds: 2019-09-05T16:33:50.734Z
    return ns_to_rfc3339(time.time_ns())[:23] + "Z"


def _instrument_type(inst: Instrument) -> str:
    symbol = inst.symbol.upper()
    if symbol.startswith(("PF_", "FF_")):
        return "flexible_futures"
    if symbol.startswith(("PV_", "FV_")):
        return "futures_vanilla"
    return "futures_inverse"


def instrument_to_rest(inst: Instrument) -> dict[str, Any]:
    """The REST v3 JSON object describing ``inst`` (numbers exact)."""
    perpetual = inst.kind is InstrumentKind.PERPETUAL
    return {
        "symbol": inst.symbol,
        "type": _instrument_type(inst),
        "tradeable": inst.status == "online",
        "pair": f"{inst.base}:{inst.quote}",
        "base": inst.base,
        "quote": inst.quote,
        "tickSize": plain_number(inst.tick_size),
        "contractSize": plain_number(inst.contract_size),
        "contractValueTradePrecision": inst.qty_precision,
        "postOnly": False,
        "tags": ["perpetual"] if perpetual else [],
        "category": "",
    }


def encode_instruments_response(
    instruments: Sequence[Instrument], server_time: str | None = None
) -> str:
    """``{"result":"success","instruments":[...],"serverTime":...}``."""
    return dump(
        {
            "result": "success",
            "instruments": [instrument_to_rest(i) for i in instruments],
            "serverTime": _server_time(server_time),
        }
    )


def ticker_to_rest(
    ticker: Ticker, tag: str = "perpetual", pair: str | None = None
) -> dict[str, Any]:
    """The REST v3 JSON object of one market ticker (``None`` fields left out)."""
    out: dict[str, Any] = {"symbol": ticker.symbol, "tag": tag}
    if pair is not None:
        out["pair"] = pair
    for key, value in (
        ("markPrice", ticker.mark),
        ("bid", ticker.bid),
        ("bidSize", ticker.bid_qty),
        ("ask", ticker.ask),
        ("askSize", ticker.ask_qty),
        ("vol24h", ticker.volume),
        ("openInterest", ticker.open_interest),
        ("high24h", ticker.high),
        ("low24h", ticker.low),
        ("last", ticker.last),
        ("fundingRate", ticker.funding_rate),
        ("indexPrice", ticker.index),
        ("change24h", ticker.change_pct),
    ):
        if value is not None:
            out[key] = plain_number(value)
    if ticker.next_funding_ms is not None:
        out["nextFundingRateTime"] = ticker.next_funding_ms
    out["suspended"] = False
    out["postOnly"] = False
    return out


def encode_tickers_response(
    tickers: Sequence[Ticker],
    *,
    tags: Mapping[str, str] | None = None,
    pairs: Mapping[str, str] | None = None,
    server_time: str | None = None,
) -> str:
    """``{"result":"success","tickers":[...],"serverTime":...}``; tags/pairs keyed by symbol."""
    tags = tags or {}
    pairs = pairs or {}
    body = [
        ticker_to_rest(t, tags.get(t.symbol, "perpetual"), pairs.get(t.symbol)) for t in tickers
    ]
    return dump({"result": "success", "tickers": body, "serverTime": _server_time(server_time)})


def encode_rest_error(error: str, server_time: str | None = None) -> str:
    """``{"result":"error","serverTime":...,"error":<code>}``."""
    return dump({"result": "error", "serverTime": _server_time(server_time), "error": error})

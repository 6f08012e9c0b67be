"""Spot REST public ``/0/public/AssetPairs``: response model, decoding, encoding, mapping.

Kept modest: only the fields the dashboard can use. REST names use ``XBT``
(``wsname`` ``XBT/USD``); Spot v2 symbols use ``BTC`` — :func:`v2_symbol` converts.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kraken_tui.model import Instrument, InstrumentKind, Venue
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import decimal_number, dump, load_object


class AssetPair(BaseModel):
    """One value of ``result`` keyed by the pair name (``XXBTZUSD``)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    altname: str
    wsname: str | None = None
    base: str
    quote: str
    pair_decimals: int
    lot_decimals: int
    cost_decimals: int | None = None
    tick_size: Decimal | None = None
    ordermin: Decimal | None = None
    costmin: Decimal | None = None
    status: str = "online"


class AssetPairsResponse(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    error: list[str] = Field(default_factory=list)
    result: dict[str, AssetPair] = Field(default_factory=dict)


def decode_asset_pairs(body: str | bytes) -> AssetPairsResponse:
    """Parse an AssetPairs body; raises only :class:`FrameError` (check ``.error``)."""
    msg = load_object(body)
    try:
        return AssetPairsResponse.model_validate(msg)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FrameError(f"bad AssetPairs at {where}: {first['msg']}") from None


def _rest_asset(asset: str) -> str:
    return "XBT" if asset.upper() == "BTC" else asset.upper()


def v2_symbol(wsname: str) -> str:
    """``XBT/USD`` -> ``BTC/USD`` (v2 spells bitcoin BTC); ``XDG`` -> ``DOGE`` likewise."""
    base, _, quote = wsname.partition("/")
    rename = {"XBT": "BTC", "XDG": "DOGE"}
    return f"{rename.get(base, base)}/{rename.get(quote, quote)}"


def instrument_from_asset_pair(pair: AssetPair) -> Instrument:
    """An AssetPairs entry as a SPOT :class:`Instrument` keyed by its v2 symbol."""
    wsname = pair.wsname or f"{pair.base}/{pair.quote}"
    symbol = v2_symbol(wsname)
    base, _, quote = symbol.partition("/")
    tick = pair.tick_size or Decimal(1).scaleb(-pair.pair_decimals)
    return Instrument(
        symbol=symbol,
        venue=Venue.SPOT,
        kind=InstrumentKind.SPOT,
        base=base,
        quote=quote,
        price_precision=pair.pair_decimals,
        qty_precision=pair.lot_decimals,
        tick_size=tick,
        qty_min=pair.ordermin if pair.ordermin is not None else Decimal(0),
        status=pair.status,
    )


def asset_pair_entry(inst: Instrument) -> tuple[str, dict[str, Any]]:
    """(pair key, JSON object) for one spot instrument, as the exchange serves it."""
    base, quote = _rest_asset(inst.base), _rest_asset(inst.quote)
    altname = f"{base}{quote}"
    return altname, {
        "altname": altname,
        "wsname": f"{base}/{quote}",
        "base": base,
        "quote": quote,
        "pair_decimals": inst.price_precision,
        "cost_decimals": inst.price_precision + inst.qty_precision,
        "lot_decimals": inst.qty_precision,
        "lot_multiplier": 1,
        "tick_size": bytes(decimal_number(inst.tick_size)).decode(),
        "ordermin": bytes(decimal_number(inst.qty_min)).decode(),
        "status": inst.status,
    }


def encode_asset_pairs(instruments: Sequence[Instrument]) -> str:
    """``{"error":[],"result":{<altname>:{...}}}``.

    Like Kraken, ``tick_size`` and ``ordermin`` are strings in this endpoint.
    """
    return dump({"error": [], "result": dict(asset_pair_entry(i) for i in instruments)})

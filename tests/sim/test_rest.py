"""Public REST endpoints of the embedded exchange: Kraken's shapes, exact numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import aiohttp
import msgspec

from kraken_tui.model import Instrument, InstrumentKind, Venue
from kraken_tui.sim import ExchangeServer

_DECODER = msgspec.json.Decoder(float_hook=str)


async def _get(url: str) -> Any:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        return _DECODER.decode(await response.read())


async def test_asset_pairs(exchange: ExchangeServer) -> None:
    body = await _get(f"{exchange.urls.rest}/0/public/AssetPairs")
    assert body["error"] == []
    btc = body["result"]["XXBTZUSD"]
    assert btc["wsname"] == "XBT/USD" and btc["altname"] == "XBTUSD"
    assert (btc["pair_decimals"], btc["lot_decimals"]) == (1, 8)
    assert btc["tick_size"] == "0.1" and btc["ordermin"] == "0.0001"
    assert body["result"]["XETHZUSD"]["pair_decimals"] == 2
    filtered = await _get(f"{exchange.urls.rest}/0/public/AssetPairs?pair=XBTUSD,ETHUSD")
    assert sorted(filtered["result"]) == ["XETHZUSD", "XXBTZUSD"]


def _instrument_from_rest(row: dict[str, Any]) -> Instrument:
    """How a Kraken client derives precisions: decimals of tickSize, contractValueTradePrecision."""
    tick = Decimal(row["tickSize"] if isinstance(row["tickSize"], str) else str(row["tickSize"]))
    exponent = tick.normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    return Instrument(
        symbol=row["symbol"],
        venue=Venue.FUTURES,
        kind=InstrumentKind.PERPETUAL,
        base=row["base"],
        quote=row["quote"],
        price_precision=max(0, -exponent),
        qty_precision=row["contractValueTradePrecision"],
        tick_size=tick,
        qty_min=Decimal(1).scaleb(-row["contractValueTradePrecision"]),
        contract_size=Decimal(str(row["contractSize"])),
    )


async def test_futures_instruments_map_to_model(exchange: ExchangeServer) -> None:
    body = await _get(f"{exchange.urls.futures_rest}/derivatives/api/v3/instruments")
    assert body["result"] == "success" and "serverTime" in body
    rows = {row["symbol"]: row for row in body["instruments"]}
    assert rows["PF_XBTUSD"]["tickSize"] == 1
    assert rows["PF_XBTUSD"]["contractValueTradePrecision"] == 4
    assert rows["PF_XBTUSD"]["type"] == "flexible_futures"
    assert rows["PF_ETHUSD"]["tickSize"] == "0.1"
    assert rows["PF_SOLUSD"]["tickSize"] == "0.01"
    assert rows["PI_XBTUSD"]["tickSize"] == "0.5"
    listed = {i.symbol: i for i in exchange.instruments if i.venue is Venue.FUTURES}
    assert {symbol: _instrument_from_rest(row) for symbol, row in rows.items()} == listed
    assert listed["PF_ETHUSD"].price_precision == 1 and listed["PF_ETHUSD"].qty_precision == 3


async def test_futures_tickers(exchange: ExchangeServer) -> None:
    base = f"{exchange.urls.futures_rest}/derivatives/api/v3/tickers"
    body = await _get(base)
    assert body["result"] == "success"
    assert {t["symbol"] for t in body["tickers"]} == {
        "PF_XBTUSD",
        "PF_ETHUSD",
        "PF_SOLUSD",
        "PI_XBTUSD",
    }
    one = await _get(f"{base}?symbol=pf_ethusd")
    (ticker,) = one["tickers"]
    for key in (
        "markPrice",
        "bid",
        "ask",
        "vol24h",
        "openInterest",
        "indexPrice",
        "fundingRate",
        "last",
        "suspended",
        "tag",
        "pair",
    ):
        assert key in ticker, key
    assert Decimal(ticker["bid"]) < Decimal(ticker["ask"])

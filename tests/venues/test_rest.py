# ruff: noqa: E501
"""REST public shapes: futures v3 instruments/tickers and spot AssetPairs, both directions."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kraken_tui.model import Instrument, InstrumentKind, Ticker, Venue
from kraken_tui.venues import FrameError
from kraken_tui.venues.kraken_futures import rest
from kraken_tui.venues.kraken_futures.mapping import instrument_from_rest, ticker_from_rest
from kraken_tui.venues.kraken_spot import rest as spot_rest

# Field names and values as described in kraken-protocol.md §4.4 (docs examples), abridged.
INSTRUMENTS_BODY = """{"result": "success", "instruments": [
 {"symbol": "PI_XBTUSD", "type": "futures_inverse", "underlying": "rr_xbtusd", "tickSize": 0.5,
  "contractSize": 1, "tradeable": true, "impactMidSize": 1, "maxPositionSize": 1000000,
  "openingDate": "2022-01-01T00:00:00.000Z", "marginLevels": [{"contracts": 0, "initialMargin": 0.02,
  "maintenanceMargin": 0.01}], "fundingRateCoefficient": 8, "maxRelativeFundingRate": 0.001,
  "isin": "GB00J62YGL67", "contractValueTradePrecision": 0, "postOnly": false,
  "feeScheduleUid": "eef90775", "retailMarginLevels": [], "category": "", "tags": []},
 {"symbol": "FI_XBTUSD_220930", "type": "futures_inverse", "underlying": "rr_xbtusd",
  "tickSize": 0.5, "contractSize": 1, "tradeable": true, "lastTradingTime": "2022-09-30T15:00:00.000Z",
  "contractValueTradePrecision": 0, "postOnly": false, "tags": []},
 {"symbol": "PF_XBTUSD", "type": "flexible_futures", "tickSize": 1, "contractSize": 1,
  "tradeable": true, "contractValueTradePrecision": 4, "postOnly": false,
  "marginLevels": [{"numNonContractUnits": 0, "initialMargin": 0.02, "maintenanceMargin": 0.01}],
  "base": "XBT", "quote": "USD", "pair": "XBT:USD", "tags": [], "newField": {"a": 1}},
 {"symbol": "OF_ETHUSD_240101_1000_C", "type": "options", "tickSize": 0.01,
  "contractValueTradePrecision": -2, "tradeable": false, "tags": []}
], "serverTime": "2022-06-28T09:29:04.243Z"}"""

TICKERS_BODY = """{"result": "success", "tickers": [
 {"symbol": "PF_XBTUSD", "last": 34893, "lastTime": "2022-06-17T10:46:35.705Z", "tag": "perpetual",
  "pair": "XBT:USD", "markPrice": 30209.9, "bid": 30200, "bidSize": 1.5, "ask": 30210,
  "askSize": 0.3213, "vol24h": 15304, "volumeQuote": 7305.2, "openInterest": 2.5,
  "open24h": 30000, "high24h": 31000, "low24h": 29000, "lastSize": 0.01,
  "fundingRate": -0.000000764, "fundingRatePrediction": -0.000000613, "suspended": false,
  "indexPrice": 30205.3, "postOnly": false, "change24h": -1.27},
 {"symbol": "in_xbtusd", "last": 30205.3, "lastTime": "2022-06-17T10:46:35.705Z"},
 {"symbol": "PI_XBTUSD", "tag": "perpetual", "markPrice": 30210.5, "bid": 30200.5, "open24h": 1}
], "serverTime": "2022-06-17T11:00:31.335Z"}"""


def test_instruments_decode_and_map() -> None:
    body = rest.decode_instruments(INSTRUMENTS_BODY)
    assert body.result == "success" and body.server_time == "2022-06-28T09:29:04.243Z"
    mapped = {i.symbol: i for i in map(instrument_from_rest, body.instruments)}
    assert mapped["PI_XBTUSD"] == Instrument(
        symbol="PI_XBTUSD",
        venue=Venue.FUTURES,
        kind=InstrumentKind.PERPETUAL,
        base="XBT",
        quote="USD",
        price_precision=1,
        qty_precision=0,
        tick_size=Decimal("0.5"),
        qty_min=Decimal(1),
        contract_size=Decimal(1),
    )
    assert mapped["PI_XBTUSD"].tick_scaled == 5
    fixed = mapped["FI_XBTUSD_220930"]
    assert fixed.kind is InstrumentKind.FIXED_MATURITY
    assert (fixed.base, fixed.quote) == ("XBT", "USD")
    pf = mapped["PF_XBTUSD"]
    assert (pf.kind, pf.price_precision, pf.qty_precision) == (InstrumentKind.PERPETUAL, 0, 4)
    assert pf.qty_min == Decimal("0.0001")
    option = mapped["OF_ETHUSD_240101_1000_C"]
    assert option.qty_precision == 0 and option.price_precision == 2
    assert option.status != "online"


def test_instruments_encode_roundtrip() -> None:
    originals = [
        instrument_from_rest(i) for i in rest.decode_instruments(INSTRUMENTS_BODY).instruments
    ][:3]
    text = rest.encode_instruments_response(originals, "2022-06-28T09:29:04.243Z")
    raw = json.loads(text)
    assert raw["result"] == "success" and raw["serverTime"] == "2022-06-28T09:29:04.243Z"
    assert raw["instruments"][0]["type"] == "futures_inverse"
    assert raw["instruments"][2]["type"] == "flexible_futures"
    assert '"tickSize":0.5' in text
    again = [instrument_from_rest(i) for i in rest.decode_instruments(text).instruments]
    assert again == originals


def test_tickers_decode_map_and_roundtrip() -> None:
    body = rest.decode_tickers(TICKERS_BODY)
    pf = ticker_from_rest(body.tickers[0])
    assert pf.mark == Decimal("30209.9") and pf.index == Decimal("30205.3")
    assert pf.funding_rate == Decimal("-0.000000764")
    assert pf.open_interest == Decimal("2.5") and pf.change_pct == Decimal("-1.27")
    assert pf.bid_qty == Decimal("1.5") and pf.volume == Decimal(15304)
    index = ticker_from_rest(body.tickers[1])
    assert index.last == Decimal("30205.3") and index.funding_rate is None
    assert ticker_from_rest(body.tickers[2]).funding_rate == Decimal(0)

    out = Ticker(
        "PF_XBTUSD",
        last=Decimal("30209.5"),
        mark=Decimal("30209.9"),
        index=Decimal("30205.3"),
        funding_rate=Decimal("-0.000000764"),
        next_funding_ms=1676394000000,
        open_interest=Decimal("2.5"),
        bid=Decimal(30200),
        ask=Decimal(30210),
    )
    text = rest.encode_tickers_response([out], pairs={"PF_XBTUSD": "XBT:USD"})
    assert '"fundingRate":-0.000000764' in text
    back = rest.decode_tickers(text)
    assert back.tickers[0].pair == "XBT:USD"
    assert ticker_from_rest(back.tickers[0]) == out


def test_rest_errors() -> None:
    err = rest.decode_tickers(rest.encode_rest_error("apiLimitExceeded"))
    assert err.result == "error" and err.error == "apiLimitExceeded" and err.tickers == []
    for bad in ("<html>", "[]", '{"instruments": []}', '{"result":"success","instruments":[1]}'):
        with pytest.raises(FrameError):
            rest.decode_instruments(bad)


ASSET_PAIRS_BODY = """{"error": [], "result": {"XXBTZUSD": {"altname": "XBTUSD", "wsname": "XBT/USD",
 "aclass_base": "currency", "base": "XXBT", "aclass_quote": "currency", "quote": "ZUSD",
 "lot": "unit", "cost_decimals": 5, "pair_decimals": 1, "lot_decimals": 8, "lot_multiplier": 1,
 "leverage_buy": [2, 3], "fees": [[0, 0.26]], "fee_volume_currency": "ZUSD", "margin_call": 80,
 "ordermin": "0.0001", "costmin": "0.5", "tick_size": "0.1", "status": "online"}}}"""


def test_asset_pairs_decode_map_and_roundtrip() -> None:
    body = spot_rest.decode_asset_pairs(ASSET_PAIRS_BODY)
    inst = spot_rest.instrument_from_asset_pair(body.result["XXBTZUSD"])
    expected = Instrument(
        "BTC/USD",
        Venue.SPOT,
        InstrumentKind.SPOT,
        "BTC",
        "USD",
        1,
        8,
        Decimal("0.1"),
        Decimal("0.0001"),
    )
    assert inst == expected
    text = spot_rest.encode_asset_pairs([expected])
    raw = json.loads(text)
    assert raw["error"] == [] and raw["result"]["XBTUSD"]["wsname"] == "XBT/USD"
    assert raw["result"]["XBTUSD"]["tick_size"] == "0.1"
    again = spot_rest.decode_asset_pairs(text)
    assert spot_rest.instrument_from_asset_pair(again.result["XBTUSD"]) == expected
    with pytest.raises(FrameError):
        spot_rest.decode_asset_pairs('{"error": [], "result": {"X": {"altname": "X"}}}')

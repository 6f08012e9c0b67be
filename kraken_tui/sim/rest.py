"""Public REST endpoints with Kraken's JSON shapes.

``GET /0/public/AssetPairs`` (spot, ``pair`` filter), ``GET
/derivatives/api/v3/instruments`` and ``GET /derivatives/api/v3/tickers``
(optional ``symbol`` filter, case-insensitive). Numbers are written exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from aiohttp import web

from kraken_tui.model.scaled import format_scaled
from kraken_tui.sim.catalog import Catalog, Listing
from kraken_tui.sim.futures_feed import FuturesProductFeed
from kraken_tui.venues.jsontext import decimal_number, dump
from kraken_tui.venues.kraken_futures.server import plain_number
from kraken_tui.venues.timefmt import ms_to_rfc3339

_V2_TO_REST = {"BTC": "XBT", "DOGE": "XDG"}


def _server_time() -> str:
    return ms_to_rfc3339(int(time.time() * 1000))[:23] + "Z"


def _json(obj: Any, status: int = 200) -> web.Response:
    return web.Response(text=dump(obj), status=status, content_type="application/json")


def asset_pair(listing: Listing) -> dict[str, Any]:
    """One AssetPairs entry (the fields clients read, with Kraken's names)."""
    inst = listing.instrument
    base = _V2_TO_REST.get(inst.base, inst.base)
    return {
        "altname": listing.altname,
        "wsname": f"{base}/{inst.quote}",
        "aclass_base": "currency",
        "base": ("X" + base) if listing.rest_key.startswith("X") else base,
        "aclass_quote": "currency",
        "quote": ("Z" + inst.quote) if listing.rest_key.startswith("X") else inst.quote,
        "lot": "unit",
        "cost_decimals": listing.cost_precision,
        "pair_decimals": inst.price_precision,
        "lot_decimals": inst.qty_precision,
        "lot_multiplier": 1,
        "leverage_buy": [],
        "leverage_sell": [],
        "fees": [[0, 0.26], [50000, 0.24], [100000, 0.22]],
        "fees_maker": [[0, 0.16], [50000, 0.14], [100000, 0.12]],
        "fee_volume_currency": "ZUSD",
        "margin_call": 80,
        "margin_stop": 40,
        "ordermin": str(inst.qty_min),
        "costmin": str(listing.cost_min),
        "tick_size": format_scaled(inst.tick_scaled, inst.price_precision),
        "status": inst.status,
    }


def futures_instrument(listing: Listing) -> dict[str, Any]:
    inst = listing.instrument
    flexible = inst.symbol.startswith("PF_")
    return {
        "symbol": inst.symbol,
        "type": "flexible_futures" if flexible else "futures_inverse",
        "underlying": f"rr_{inst.base.lower()}{inst.quote.lower()}",
        "tickSize": plain_number(inst.tick_size),
        "contractSize": plain_number(inst.contract_size),
        "tradeable": True,
        "impactMidSize": 1 if flexible else 1000,
        "maxPositionSize": 1000000,
        "openingDate": "2022-01-01T00:00:00.000Z",
        "marginLevels": [
            {"numNonContractUnits": 0, "initialMargin": 0.02, "maintenanceMargin": 0.01}
        ]
        if flexible
        else [{"contracts": 0, "initialMargin": 0.02, "maintenanceMargin": 0.01}],
        "fundingRateCoefficient": 8,
        "maxRelativeFundingRate": 0.001,
        "isExpired": False,
        "contractValueTradePrecision": inst.qty_precision,
        "postOnly": False,
        "pair": f"{inst.base}:{inst.quote}",
        "base": inst.base,
        "quote": inst.quote,
        "tags": [],
        "category": "",
    }


def futures_ticker(feed: FuturesProductFeed, now_ms: int) -> dict[str, Any]:
    ticker = feed.ticker(now_ms)
    stats = feed.market.stats
    out: dict[str, Any] = {"symbol": ticker.symbol, "tag": "perpetual"}
    out["pair"] = f"{feed.market.listing.instrument.base}:{feed.market.listing.instrument.quote}"
    for key, value in (
        ("last", ticker.last),
        ("markPrice", ticker.mark),
        ("bid", ticker.bid),
        ("bidSize", ticker.bid_qty),
        ("ask", ticker.ask),
        ("askSize", ticker.ask_qty),
        ("vol24h", ticker.volume),
        ("openInterest", ticker.open_interest),
        ("open24h", stats.open),
        ("high24h", ticker.high),
        ("low24h", ticker.low),
        ("indexPrice", ticker.index),
        ("fundingRate", ticker.funding_rate),
        ("fundingRatePrediction", ticker.funding_rate),
        ("lastSize", stats.last_qty),
        ("change24h", ticker.change_pct),
    ):
        if value is not None:
            out[key] = plain_number(value)
    out["volumeQuote"] = decimal_number(stats.volume * stats.vwap, 2)
    out["lastTime"] = ms_to_rfc3339(stats.last_time_ms or now_ms)[:23] + "Z"
    out["suspended"] = False
    out["postOnly"] = False
    return out


def add_routes(
    app: web.Application,
    catalog: Catalog,
    futures_feeds: Mapping[str, FuturesProductFeed],
    clock_ms: Callable[[], int],
) -> None:
    """Register the public REST endpoints on ``app``."""

    async def asset_pairs(request: web.Request) -> web.Response:
        wanted = request.query.get("pair")
        result = {}
        names = {n.strip().upper() for n in wanted.split(",")} if wanted else None
        for listing in catalog.spot:
            entry = asset_pair(listing)
            aliases = {listing.rest_key, listing.altname, entry["wsname"], listing.symbol}
            if names is None or names & {a.upper() for a in aliases}:
                result[listing.rest_key] = entry
        if names is not None and not result:
            return _json({"error": ["EQuery:Unknown asset pair"]})
        return _json({"error": [], "result": result})

    async def instruments(request: web.Request) -> web.Response:
        return _json(
            {
                "result": "success",
                "instruments": [futures_instrument(listing) for listing in catalog.futures],
                "serverTime": _server_time(),
            }
        )

    async def tickers(request: web.Request) -> web.Response:
        wanted = {s.upper() for s in request.query.getall("symbol", []) for s in s.split(",")}
        now_ms = clock_ms()
        rows = [
            futures_ticker(feed, now_ms)
            for product, feed in futures_feeds.items()
            if not wanted or product in wanted
        ]
        return _json({"result": "success", "tickers": rows, "serverTime": _server_time()})

    app.router.add_get("/0/public/AssetPairs", asset_pairs)
    app.router.add_get("/derivatives/api/v3/instruments", instruments)
    app.router.add_get("/derivatives/api/v3/tickers", tickers)

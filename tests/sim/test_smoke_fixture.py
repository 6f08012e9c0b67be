"""The shared ``exchange`` fixture serves both venues on loopback."""

from __future__ import annotations

import json

import websockets

from kraken_tui.sim import ExchangeServer


async def test_fixture_serves_spot_status_and_futures_info(exchange: ExchangeServer) -> None:
    assert exchange.urls.spot_ws.startswith("ws://127.0.0.1:")
    async with websockets.connect(exchange.urls.spot_ws, proxy=None) as ws:
        first = json.loads(await ws.recv())
    assert first["channel"] == "status"
    assert first["data"][0]["system"] == "online"
    async with websockets.connect(exchange.urls.futures_ws, proxy=None) as ws:
        assert json.loads(await ws.recv()) == {"event": "info", "version": 1}

"""A scripted Kraken-like WebSocket server for feed-logic tests.

The real embedded exchange cannot be told to send a garbled frame or to refuse
one symbol; this one can. It records every request, answers spot v2
subscribes/unsubscribes with one ack per symbol (or the error a test chose),
sends an ``instrument`` snapshot, and lets the test push any frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from kraken_tui.book import spot_checksum
from kraken_tui.model import Instrument, InstrumentKind, Venue
from kraken_tui.venues.kraken_spot import codec

BTC = Instrument("BTC/USD", Venue.SPOT, InstrumentKind.SPOT, "BTC", "USD", 1, 8, Decimal("0.1"))
ETH = Instrument("ETH/USD", Venue.SPOT, InstrumentKind.SPOT, "ETH", "USD", 2, 8, Decimal("0.01"))

Level = tuple[int, int]


def book_frame(
    inst: Instrument,
    bids: list[Level],
    asks: list[Level],
    *,
    snapshot: bool,
    checksum: int | None = None,
    book_after: tuple[list[Level], list[Level]] | None = None,
) -> str:
    """A book message; the checksum is computed from ``book_after`` (default: these levels)."""
    after_bids, after_asks = book_after if book_after is not None else (bids, asks)
    crc = checksum if checksum is not None else spot_checksum(
        sorted(after_asks), sorted(after_bids, reverse=True)
    )
    return codec.encode_book(
        inst.symbol, bids, asks, crc, 0, snapshot, inst.price_precision, inst.qty_precision
    )


class ScriptedSpot:
    """Server state shared with the test."""

    def __init__(self, instruments: list[Instrument]) -> None:
        self.instruments = instruments
        self.requests: list[dict[str, Any]] = []
        self.connections: list[ServerConnection] = []
        self.refuse: dict[tuple[str, str], str] = {}
        """(channel, symbol) -> error text to answer instead of an ack."""
        self.snapshots: dict[str, str] = {}
        """symbol -> book snapshot frame sent right after a book subscribe ack."""
        self.url = ""

    def book_requests(self, method: str = "subscribe") -> list[dict[str, Any]]:
        return [
            r["params"]
            for r in self.requests
            if r.get("method") == method and r.get("params", {}).get("channel") == "book"
        ]

    async def push(self, text: str) -> None:
        await self.connections[-1].send(text)

    async def _handler(self, ws: ServerConnection) -> None:
        self.connections.append(ws)
        async for raw in ws:
            msg = json.loads(raw)
            self.requests.append(msg)
            for reply in self._replies(msg):
                await ws.send(reply)

    def _replies(self, msg: dict[str, Any]) -> list[str]:
        method = str(msg.get("method"))
        req_id = msg.get("req_id")
        if method == "ping":
            return [codec.encode_pong(req_id)]
        params = msg.get("params", {})
        channel = params.get("channel")
        if channel == "instrument":
            return [
                codec.encode_ack(method, "instrument", req_id=req_id),
                codec.encode_instrument_snapshot(self.instruments),
            ]
        out = []
        for symbol in params.get("symbol", []):
            error = self.refuse.get((channel, symbol))
            if error is not None:
                out.append(codec.encode_error_ack(error, symbol=symbol, req_id=req_id))
                continue
            out.append(
                codec.encode_ack(method, channel, symbol, depth=params.get("depth"), req_id=req_id)
            )
            if method == "subscribe" and channel == "book" and symbol in self.snapshots:
                out.append(self.snapshots[symbol])
        return out


@contextlib.asynccontextmanager
async def scripted_spot(instruments: list[Instrument]) -> AsyncIterator[ScriptedSpot]:
    state = ScriptedSpot(instruments)
    async with serve(state._handler, "127.0.0.1", 0) as server:
        state.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/v2"
        yield state


@contextlib.asynccontextmanager
async def running_task(coro: Any) -> AsyncIterator[asyncio.Task[None]]:
    task: asyncio.Task[None] = asyncio.create_task(coro)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

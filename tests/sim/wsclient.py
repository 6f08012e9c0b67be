"""A tiny WebSocket test client that decodes frames with floats kept as text."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import msgspec
import websockets
from websockets.asyncio.client import ClientConnection

_DECODER = msgspec.json.Decoder(float_hook=str)


class WsClient:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    @classmethod
    async def connect(cls, url: str) -> WsClient:
        return cls(await websockets.connect(url, proxy=None, max_queue=None))

    async def close(self) -> None:
        await self.ws.close()

    async def send(self, msg: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(msg))

    async def recv(self, within: float = 5.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), within)
        decoded: dict[str, Any] = _DECODER.decode(raw)
        return decoded

    async def recv_until(
        self, predicate: Callable[[dict[str, Any]], bool], within: float = 5.0
    ) -> dict[str, Any]:
        """The first frame matching ``predicate`` (others are skipped)."""
        deadline = time.monotonic() + within
        while True:
            msg = await self.recv(max(0.01, deadline - time.monotonic()))
            if predicate(msg):
                return msg

    async def collect(
        self, predicate: Callable[[dict[str, Any]], bool], count: int, within: float = 10.0
    ) -> list[dict[str, Any]]:
        """The first ``count`` frames matching ``predicate``."""
        deadline = time.monotonic() + within
        found: list[dict[str, Any]] = []
        while len(found) < count:
            msg = await self.recv(max(0.01, deadline - time.monotonic()))
            if predicate(msg):
                found.append(msg)
        return found


def is_book(symbol: str | None = None) -> Callable[[dict[str, Any]], bool]:
    def check(msg: dict[str, Any]) -> bool:
        return msg.get("channel") == "book" and (
            symbol is None or msg["data"][0]["symbol"] == symbol
        )

    return check


def is_ack(msg: dict[str, Any]) -> bool:
    return "method" in msg and "success" in msg


def levels(side: list[dict[str, Any]]) -> list[tuple[str | int, str | int]]:
    return [(level["price"], level["qty"]) for level in side]

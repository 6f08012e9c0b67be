"""The same book stream through python-kraken-sdk's spot order-book client (the peer).

Used by ``benchmarks/book_throughput.py --peer``; needs the optional ``bench``
extra (``pip install -e '.[bench]'``). The client is fed exactly as its own
websocket connector feeds it: ``json.loads`` of each frame (binary floats), then
``await client.on_message(message)``; its connector's debug logging and
subscription bookkeeping are left out, which only flatters the peer. Its network
is stubbed: the REST lookup of the pair's decimals (``Market.get_asset_pairs``,
called on the first message of a pair) answers from the generator's precisions,
and its resubscribe-on-mismatch path raises instead of opening a socket. No
socket is opened; the client's idle aiohttp session is closed at the end.

What the peer checks: the CRC32 of every *update* (it skips the snapshot's) over
its top ten, built from the levels re-formatted from floats at the pair's
decimals.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from dataclasses import dataclass
from importlib import metadata
from typing import Any

PACKAGE = "python-kraken-sdk"


def peer_version() -> str | None:
    """The installed python-kraken-sdk version, or None when the extra is missing."""
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return None


@dataclass(frozen=True)
class PeerRun:
    messages: int
    seconds: float
    cpu_seconds: float
    mismatches: int

    @property
    def cpu_rate(self) -> float:
        return self.messages / self.cpu_seconds if self.cpu_seconds > 0 else float("inf")

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else float("inf")


class _ChecksumFailed(Exception):
    """The peer found a mismatch and wanted to resubscribe."""


class _PairDecimals:
    """Stands in for the peer's REST ``Market`` client: no request leaves the process."""

    def __init__(self, price_decimals: int, qty_decimals: int) -> None:
        self.answer = {"pair_decimals": price_decimals, "lot_decimals": qty_decimals}

    def get_asset_pairs(self, pair: str) -> dict[str, dict[str, int]]:
        return {pair: dict(self.answer)}


async def _replay(
    frames: list[bytes], depth: int, price_decimals: int, qty_decimals: int, budget: float
) -> PeerRun:
    from kraken.spot import SpotOrderBookClient  # the optional extra

    mismatches = 0

    def on_update(pair: str, message: dict[str, Any]) -> None:
        nonlocal mismatches
        if "error" in message:
            mismatches += 1

    async def refuse_network(pairs: list[str]) -> None:
        raise _ChecksumFailed(pairs)

    client: Any = SpotOrderBookClient(depth=depth, callback=on_update)
    client._SpotOrderBookClient__market = _PairDecimals(price_decimals, qty_decimals)
    client.remove_book = refuse_network
    client.add_book = refuse_network
    loads, on_message = json.loads, client.on_message
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    try:
        for index, frame in enumerate(frames):
            await on_message(loads(frame))
            done = index + 1
            if not done & 63 and time.perf_counter() - start > budget:
                break
    except _ChecksumFailed:
        pass
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    with contextlib.suppress(Exception):
        await client.close()
    return PeerRun(done, seconds, cpu_seconds, mismatches)


def replay(
    frames: list[bytes], depth: int, price_decimals: int, qty_decimals: int, budget: float
) -> PeerRun:
    """Feed ``frames`` in order until done or ``budget`` seconds have passed."""
    return asyncio.run(_replay(frames, depth, price_decimals, qty_decimals, budget))

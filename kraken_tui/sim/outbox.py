"""Per-connection send queue, so one slow client never blocks the market pump.

The pump and the request handlers only :meth:`Outbox.put` encoded frames; one
writer task per connection drains the queue. A client that falls too far behind
is disconnected (as Kraken drops slow consumers). While the server is stalled the
writer holds everything back, heartbeats included, but keeps the socket open.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field

from aiohttp import web

MAX_QUEUED = 50_000


@dataclass
class SimStats:
    """Counters the tests and the CLI can read."""

    connections_opened: int = 0
    connections_open: int = 0
    messages_sent: dict[str, int] = field(default_factory=lambda: {"spot": 0, "futures": 0})
    book_messages: dict[str, int] = field(default_factory=lambda: {"spot": 0, "futures": 0})
    bad_frames: int = 0
    slow_consumers_dropped: int = 0
    market_steps: int = 0


class StallGate:
    """Server-wide switch that holds every outgoing frame until a deadline."""

    def __init__(self) -> None:
        self.until = 0.0

    def stall(self, seconds: float) -> None:
        self.until = max(self.until, time.monotonic() + seconds)

    @property
    def stalled(self) -> bool:
        return time.monotonic() < self.until

    async def wait_open(self) -> None:
        while (left := self.until - time.monotonic()) > 0:  # noqa: ASYNC110 - deadline may move
            await asyncio.sleep(left)


class Outbox:
    """Queue of text frames for one WebSocket, drained by :meth:`run`."""

    def __init__(
        self, ws: web.WebSocketResponse, venue: str, gate: StallGate, stats: SimStats
    ) -> None:
        self.ws = ws
        self.venue = venue
        self._gate = gate
        self._stats = stats
        self._queue: deque[str] = deque()
        self._wake = asyncio.Event()
        self.closed = False
        self._close_code = 1000
        self.last_sent = time.monotonic()

    def put(self, text: str) -> None:
        if self.closed:
            return
        if len(self._queue) >= MAX_QUEUED:
            self._stats.slow_consumers_dropped += 1
            self.close()
            return
        self._queue.append(text)
        self._wake.set()

    def close(self, code: int = 1000) -> None:
        """Stop sending; :meth:`run` closes the socket with ``code`` once woken."""
        if not self.closed:
            self._close_code = code
        self.closed = True
        self._wake.set()

    async def run(self) -> None:
        """Send queued frames until closed or the socket fails."""
        queue, ws, sent = self._queue, self.ws, self._stats.messages_sent
        try:
            while not self.closed:
                await self._wake.wait()
                self._wake.clear()
                while queue and not self.closed:
                    if self._gate.stalled:
                        await self._gate.wait_open()
                        continue
                    await ws.send_str(queue.popleft())
                    sent[self.venue] += 1
                    self.last_sent = time.monotonic()
        except (ConnectionError, RuntimeError):
            # The peer went away mid-send; the receive loop notices and cleans up.
            pass
        finally:
            self.closed = True
            if not ws.closed:
                await ws.close(code=self._close_code)

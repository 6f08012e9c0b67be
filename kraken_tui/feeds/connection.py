"""One WebSocket kept alive: connect, hand frames to a feed, detect silence, reconnect.

websockets' own ``async for ws in connect(...)`` loop reconnects *immediately* after
an established connection drops (its delays only apply to failed handshakes), so
this manager runs its own loop with :class:`~kraken_tui.feeds.backoff.Backoff`.
It never raises on network errors: every failure becomes a :class:`FeedStatus`
state the status bar shows. Only a terminal error (bad URL, HTTP 4xx on the
upgrade) stops the loop, with the feed marked DOWN. Cancelling :meth:`run` stops
it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidProxy,
    InvalidStatus,
    InvalidURI,
)

from kraken_tui.endpoints import is_loopback
from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.stores import ConnState, FeedStatus, MarketStore

Clock = Callable[[], float]
log = logging.getLogger("kraken_tui.feeds")


class FrameHandler(Protocol):
    """What a feed implements so the manager can drive it."""

    async def on_open(self, conn: ConnectionManager) -> None:
        """A new socket is open: (re)subscribe through ``conn.send``."""

    def on_frame(self, raw: str | bytes) -> None:
        """One inbound frame; must not raise for bad input (count it instead)."""

    def on_close(self) -> None:
        """The socket is gone (dropped, stale or stopped); its data is no longer live."""

    def on_stale(self) -> None:
        """No frame for ``stale_after`` seconds; the socket may still recover."""

    def on_fresh(self) -> None:
        """Frames flow again after :meth:`on_stale`."""


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Tuning of one connection. Defaults suit Kraken Spot v2."""

    url: str
    open_timeout: float = 10.0
    ping_interval: float | None = 10.0
    """WebSocket protocol pings (futures needs them at least every 30 s)."""
    ping_timeout: float | None = 10.0
    close_timeout: float = 2.0
    max_size: int | None = 8 * 1024 * 1024
    """Instrument snapshots and depth-1000 books exceed websockets' 1 MiB default."""
    app_ping: Callable[[], dict[str, Any]] | None = None
    """Builds an application-level keepalive (spot ``{"method": "ping"}``)."""
    app_ping_interval: float = 10.0
    stale_after: float | None = None
    """Seconds without any frame before the feed's data is marked STALE."""
    stale_grace: float = 5.0
    """Further seconds of silence after STALE before the socket is dropped."""
    healthy_after: float = 10.0
    """A connection up this long counts as healthy even if the feed never said so."""
    min_healthy_uptime: float = 1.0
    """A feed's "healthy" only counts if the socket then lived this long: a server that
    sends a snapshot and drops us at once must still be backed off."""


class TerminalError(Exception):
    """Retrying cannot help (bad URL, rejected upgrade): the feed stays DOWN."""


def classify(exc: BaseException) -> TerminalError | None:
    """Return a TerminalError for failures no retry can fix, else None (retry)."""
    if isinstance(exc, InvalidURI | InvalidProxy):
        return TerminalError(str(exc))
    if isinstance(exc, InvalidStatus):
        code = exc.response.status_code
        # 408/429 are "try later"; other 4xx mean the request itself is wrong.
        if 400 <= code < 500 and code not in (408, 429):
            return TerminalError(f"server rejected the WebSocket upgrade: HTTP {code}")
    return None


def describe(exc: BaseException) -> str:
    """A one-line reason for the status bar."""
    if isinstance(exc, ConnectionClosed):
        rcvd = exc.rcvd
        return f"closed by server ({rcvd.code})" if rcvd is not None else "connection lost"
    if isinstance(exc, TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


class ConnectionManager:
    """Owns one URL's socket for as long as :meth:`run` runs."""

    def __init__(
        self,
        name: str,
        settings: ConnectionSettings,
        store: MarketStore,
        handler: FrameHandler,
        *,
        backoff: Backoff | None = None,
        clock: Clock = time.monotonic,
    ) -> None:
        self.name = name
        self.settings = settings
        self.store = store
        self.handler = handler
        self.backoff = backoff if backoff is not None else Backoff()
        self._clock = clock
        self._ws: ClientConnection | None = None
        self._outbox: asyncio.Queue[str] | None = None
        self._last_frame = 0.0
        self._stale = False
        self._ever_connected = False
        self._proved_healthy = False
        self._terminal: str | None = None
        self.connections = 0
        """Sockets opened so far (tests and diagnostics)."""
        store.feed(name)

    # ------------------------------------------------------------------ public
    @property
    def status(self) -> FeedStatus:
        return self.store.feed(self.name)

    @property
    def connected(self) -> bool:
        return self._ws is not None

    @property
    def is_stale(self) -> bool:
        return self._stale

    def send(self, payload: dict[str, Any] | str) -> bool:
        """Queue one frame on the current socket, in order; False when not connected.

        Nothing is buffered across sockets: a feed re-sends its wanted
        subscriptions from ``on_open`` on every new connection.
        """
        if self._outbox is None:
            return False
        self._outbox.put_nowait(payload if isinstance(payload, str) else json.dumps(payload))
        return True

    def mark_healthy(self) -> None:
        """The feed got what it wanted (e.g. a first snapshot).

        The backoff restarts from ``base`` when this socket ends, provided it
        lived ``min_healthy_uptime``; a connection up ``healthy_after`` counts
        as healthy anyway.
        """
        self._proved_healthy = True

    def drop(self) -> None:
        """Abort the current socket (the loop reconnects after a backoff delay)."""
        ws = self._ws
        if ws is not None:
            ws.transport.abort()

    def give_up(self, reason: str) -> None:
        """Close the socket and stop reconnecting: the feed stays DOWN with ``reason``.

        For failures no retry can fix, such as rejected credentials (retrying a bad
        signature in a loop only earns a lockout).
        """
        self._terminal = reason
        self.drop()

    async def run(self) -> None:
        """Connect and reconnect until cancelled or a terminal error."""
        try:
            await self._loop()
        finally:
            if self.status.state is not ConnState.DOWN:
                self._set_state(ConnState.STOPPED)

    # ---------------------------------------------------------------- the loop
    async def _loop(self) -> None:
        settings = self.settings
        while True:
            if self._terminal is not None:
                self._set_state(ConnState.DOWN, self._terminal)
                return
            self._set_state(self._retry_state())
            try:
                ws = await connect(
                    settings.url,
                    # A stray HTTPS_PROXY must not intercept the local exchange.
                    proxy=None if is_loopback(settings.url) else True,
                    open_timeout=settings.open_timeout,
                    ping_interval=settings.ping_interval,
                    ping_timeout=settings.ping_timeout,
                    close_timeout=settings.close_timeout,
                    max_size=settings.max_size,
                    compression=None,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                terminal = classify(exc)
                if terminal is not None:
                    self._set_state(ConnState.DOWN, str(terminal))
                    return
                await self._wait_before_retry(describe(exc))
                continue
            opened_at = self._clock()
            reason = await self._serve(ws)
            uptime = self._clock() - opened_at
            if self._terminal is not None:
                self._set_state(ConnState.DOWN, self._terminal)
                return
            if uptime >= settings.healthy_after or (
                self._proved_healthy and uptime >= settings.min_healthy_uptime
            ):
                self.backoff.reset()
            await self._wait_before_retry(reason)

    async def _wait_before_retry(self, error: str) -> None:
        delay = self.backoff.next_delay()
        status = self.status
        status.next_retry_at = self._clock() + delay
        self._set_state(self._retry_state(), error)
        try:
            await asyncio.sleep(delay)
        finally:
            status.next_retry_at = None

    async def _serve(self, ws: ClientConnection) -> str:
        """Run one open socket until it ends; return why it ended."""
        self._ws = ws
        self._proved_healthy = False
        self._outbox = asyncio.Queue()
        self._last_frame = self._clock()
        self._stale = False
        self.connections += 1
        if self._ever_connected:
            self.status.reconnects += 1
        self._ever_connected = True
        self._set_state(ConnState.CONNECTED)
        tasks: list[asyncio.Task[str]] = []
        reason = "connection lost"
        try:
            await self.handler.on_open(self)
            tasks = [
                asyncio.create_task(self._read(ws), name=f"{self.name}:read"),
                asyncio.create_task(self._write(ws), name=f"{self.name}:write"),
                asyncio.create_task(self._watch(), name=f"{self.name}:watch"),
            ]
            if self.settings.app_ping is not None:
                tasks.append(asyncio.create_task(self._keepalive(), name=f"{self.name}:ping"))
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            reason = next(iter(done)).result()
        except Exception as exc:  # a dropped socket, or a feed bug in on_open
            reason = describe(exc)
        finally:
            self._ws = None
            self._outbox = None
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await task
            await self._close(ws)
            self._stale = False
            self.handler.on_close()
            # The clean-up above swallows CancelledError (so the socket is always closed);
            # a cancel that landed during it must still stop run(), not start a reconnect.
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise asyncio.CancelledError
        return reason

    async def _close(self, ws: ClientConnection) -> None:
        # Shielded so a cancelled run() still says goodbye, but never waits on a dead peer.
        try:
            await asyncio.shield(asyncio.wait_for(ws.close(), self.settings.close_timeout))
        except (asyncio.CancelledError, Exception):
            ws.transport.abort()

    async def _read(self, ws: ClientConnection) -> str:
        status = self.status
        handler = self.handler
        clock = self._clock
        try:
            async for raw in ws:
                now = clock()
                self._last_frame = now
                status.record_message(now)
                if self._stale:
                    self._stale = False
                    handler.on_fresh()
                try:
                    handler.on_frame(raw)
                except Exception as exc:  # a feed bug must not take the socket down
                    status.malformed += 1
                    status.last_error = f"frame handler failed: {describe(exc)}"
                    log.warning("%s: %s", self.name, status.last_error)
        except ConnectionClosed as exc:
            return describe(exc)
        return "closed"

    async def _write(self, ws: ClientConnection) -> str:
        outbox = self._outbox
        assert outbox is not None
        try:
            while True:
                await ws.send(await outbox.get())
        except ConnectionClosed as exc:
            return describe(exc)

    async def _keepalive(self) -> str:
        build = self.settings.app_ping
        assert build is not None
        while True:
            await asyncio.sleep(self.settings.app_ping_interval)
            self.send(build())

    async def _watch(self) -> str:
        stale_after = self.settings.stale_after
        if stale_after is None:
            await asyncio.Event().wait()  # never completes; cancelled with the socket
            return "closed"
        limit = stale_after + self.settings.stale_grace
        tick = min(0.25, stale_after / 4)
        while True:
            await asyncio.sleep(tick)
            silent = self._clock() - self._last_frame
            if silent >= limit:
                return f"no data for {silent:.1f}s"
            if silent >= stale_after and not self._stale:
                self._stale = True
                self.handler.on_stale()

    def _retry_state(self) -> ConnState:
        return ConnState.RECONNECTING if self._ever_connected else ConnState.CONNECTING

    def _set_state(self, state: ConnState, error: str | None = None) -> None:
        status = self.status
        text = status.last_error if error is None else error
        if status.state is not state:
            log.info("%s: %s%s", self.name, state.value, f" ({text})" if text else "")
        self.store.set_feed_state(self.name, state, text)

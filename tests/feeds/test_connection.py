"""ConnectionManager against tiny in-test WebSocket servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.connection import ConnectionManager, ConnectionSettings
from kraken_tui.feeds.stores import ConnState, MarketStore
from tests.feeds.polling import until

Handler = Callable[[ServerConnection], Awaitable[None]]


class UpperBoundRng:
    """Deterministic 'jitter': always the ceiling, scaled down so tests stay fast."""

    def uniform(self, a: float, b: float) -> float:
        return b


class RecordingFeed:
    """A FrameHandler that records every hook call."""

    def __init__(self, subscribe: str | None = None, healthy_on_open: bool = False) -> None:
        self.frames: list[str | bytes] = []
        self.events: list[str] = []
        self.subscribe = subscribe
        self.healthy_on_open = healthy_on_open
        self.explode_on: str | None = None

    async def on_open(self, conn: ConnectionManager) -> None:
        self.events.append("open")
        if self.subscribe is not None:
            conn.send(self.subscribe)
        if self.healthy_on_open:
            conn.mark_healthy()

    def on_frame(self, raw: str | bytes) -> None:
        if self.explode_on is not None and raw == self.explode_on:
            raise KeyError("feed bug")
        self.frames.append(raw)

    def on_close(self) -> None:
        self.events.append("close")

    def on_stale(self) -> None:
        self.events.append("stale")

    def on_fresh(self) -> None:
        self.events.append("fresh")


@contextlib.asynccontextmanager
async def server(handler: Handler, **kwargs: Any) -> AsyncIterator[str]:
    async with serve(handler, "127.0.0.1", 0, **kwargs) as srv:
        port = srv.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/v2"


@contextlib.asynccontextmanager
async def running(conn: ConnectionManager) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(conn.run())
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def state_of(conn: ConnectionManager) -> ConnState:
    return conn.status.state


def manager(url: str, feed: RecordingFeed, **settings: Any) -> ConnectionManager:
    backoff = settings.pop("backoff", Backoff(base=0.01, cap=0.05, rng=UpperBoundRng()))
    return ConnectionManager(
        "test", ConnectionSettings(url=url, **settings), MarketStore(), feed, backoff=backoff
    )


async def test_delivers_frames_in_order_and_sends_on_open() -> None:
    received: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        received.append(str(await ws.recv()))
        for i in range(5):
            await ws.send(json.dumps({"n": i}))
        await ws.wait_closed()

    async with server(handler) as url:
        feed = RecordingFeed(subscribe='{"method":"subscribe"}')
        conn = manager(url, feed)
        async with running(conn):
            await until(lambda: len(feed.frames) == 5, what="five frames")
            assert conn.status.state is ConnState.CONNECTED
            assert conn.status.messages == 5
    assert received == ['{"method":"subscribe"}']
    assert [json.loads(f)["n"] for f in feed.frames] == [0, 1, 2, 3, 4]
    assert state_of(conn) is ConnState.STOPPED
    assert feed.events == ["open", "close"]


async def test_a_server_that_drops_at_once_is_backed_off_not_hammered() -> None:
    opened = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal opened
        opened += 1
        await ws.close(1011, "go away")

    async with server(handler) as url:
        feed = RecordingFeed()
        conn = manager(url, feed)
        seen: set[ConnState] = set()
        async with running(conn):
            for _ in range(200):
                seen.add(conn.status.state)
                if opened >= 4:
                    break
                await asyncio.sleep(0.005)
            await until(
                lambda: conn.backoff.attempt >= 3 and conn.status.reconnects >= 3,
                what="three backed-off reconnects",
            )
    # Never healthy, so the counter kept growing instead of resetting on TCP open.
    assert conn.backoff.attempt >= 3
    assert conn.status.reconnects >= 3
    assert ConnState.RECONNECTING in seen
    assert "1011" in conn.status.last_error


async def test_a_healthy_connection_resets_the_backoff() -> None:
    async def handler(ws: ServerConnection) -> None:
        await asyncio.sleep(0.15)
        await ws.close()

    async with server(handler) as url:
        feed = RecordingFeed(healthy_on_open=True)
        conn = manager(url, feed, min_healthy_uptime=0.1)
        async with running(conn):
            await until(lambda: conn.connections >= 3, what="three connections")
        # Each drop draws one delay from a freshly reset counter.
        assert conn.backoff.attempt <= 1


async def test_healthy_but_dropped_at_once_is_still_backed_off() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.close()

    async with server(handler) as url:
        feed = RecordingFeed(healthy_on_open=True)
        conn = manager(url, feed, min_healthy_uptime=0.5)
        async with running(conn):
            await until(lambda: conn.connections >= 4, what="four connections")
            assert conn.backoff.attempt >= 3


async def test_silence_marks_stale_then_reconnects() -> None:
    opened = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal opened
        opened += 1
        if opened == 1:
            await ws.send("hello")
        await ws.wait_closed()  # then nothing at all: a stalled server

    async with server(handler) as url:
        feed = RecordingFeed()
        conn = manager(url, feed, stale_after=0.2, stale_grace=0.2)
        async with running(conn):
            await until(lambda: opened >= 2, what="a reconnect after silence")
            await until(lambda: conn.status.state is ConnState.CONNECTED)
    assert feed.events[:4] == ["open", "stale", "close", "open"]
    assert "no data" in conn.status.last_error


async def test_frames_after_stale_report_fresh() -> None:
    gate = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        await gate.wait()
        await ws.send("late")
        await ws.wait_closed()

    async with server(handler) as url:
        feed = RecordingFeed()
        conn = manager(url, feed, stale_after=0.1, stale_grace=5.0)
        async with running(conn):
            await until(lambda: "stale" in feed.events, what="stale")
            assert conn.is_stale
            gate.set()
            await until(lambda: "fresh" in feed.events, what="fresh")
            assert not conn.is_stale
    assert feed.frames == ["late"]


async def test_http_403_on_upgrade_is_terminal() -> None:
    async def reject(conn: ServerConnection, request: Request) -> Response:
        return conn.respond(403, "forbidden\n")

    async def handler(ws: ServerConnection) -> None:
        await ws.wait_closed()

    async with server(handler, process_request=reject) as url:
        feed = RecordingFeed()
        conn = manager(url, feed)
        await asyncio.wait_for(conn.run(), timeout=5)
    assert conn.status.state is ConnState.DOWN
    assert "403" in conn.status.last_error
    assert feed.events == []


async def test_http_503_on_upgrade_is_retried() -> None:
    calls = 0

    async def flaky(conn: ServerConnection, request: Request) -> Response | None:
        nonlocal calls
        calls += 1
        if calls < 3:
            return Response(503, "Service Unavailable", Headers(), b"")
        return None

    async def handler(ws: ServerConnection) -> None:
        await ws.wait_closed()

    async with server(handler, process_request=flaky) as url:
        feed = RecordingFeed()
        conn = manager(url, feed)
        async with running(conn):
            await until(lambda: conn.status.state is ConnState.CONNECTED, what="connected")
    assert calls == 3
    assert conn.status.reconnects == 0  # first success is a connect, not a reconnect


async def test_bad_uri_is_terminal() -> None:
    conn = manager("not a url", RecordingFeed())
    await asyncio.wait_for(conn.run(), timeout=5)
    assert conn.status.state is ConnState.DOWN


async def test_refused_port_keeps_retrying_with_a_visible_next_retry() -> None:
    async with server(lambda ws: ws.wait_closed()) as url:
        pass  # the port is closed again now
    conn = manager(url, RecordingFeed(), backoff=Backoff(base=0.2, cap=0.2, rng=UpperBoundRng()))
    async with running(conn):
        await until(lambda: conn.status.next_retry_at is not None, what="a scheduled retry")
        assert conn.status.state is ConnState.CONNECTING
        assert conn.status.last_error
    assert state_of(conn) is ConnState.STOPPED


async def test_a_handler_exception_is_counted_and_the_socket_survives() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send("boom")
        await ws.send("fine")
        await ws.wait_closed()

    async with server(handler) as url:
        feed = RecordingFeed()
        feed.explode_on = "boom"
        conn = manager(url, feed)
        async with running(conn):
            await until(lambda: feed.frames == ["fine"], what="the second frame")
            assert conn.status.malformed == 1
            assert conn.connections == 1


async def test_application_ping_is_sent_on_schedule() -> None:
    pings: list[dict[str, Any]] = []

    async def handler(ws: ServerConnection) -> None:
        async for raw in ws:
            pings.append(json.loads(raw))

    async with server(handler) as url:
        feed = RecordingFeed()
        conn = manager(url, feed, app_ping=lambda: {"method": "ping"}, app_ping_interval=0.05)
        async with running(conn):
            await until(lambda: len(pings) >= 3, what="three pings")
    assert all(p == {"method": "ping"} for p in pings)


@pytest.mark.parametrize("payload", [{"a": 1}, "raw text"])
async def test_send_is_refused_while_disconnected(payload: dict[str, Any] | str) -> None:
    conn = manager("ws://127.0.0.1:9/v2", RecordingFeed())
    assert conn.send(payload) is False


async def test_give_up_closes_the_socket_and_never_reconnects() -> None:
    """Rejected credentials: one DOWN state with the reason, no retry loop."""
    opened = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal opened
        opened += 1
        await ws.send('{"hello": 1}')
        with contextlib.suppress(Exception):
            await ws.wait_closed()

    store = MarketStore()
    feed = RecordingFeed()
    async with server(handler) as url:
        conn = ConnectionManager(
            "private",
            ConnectionSettings(url=url, ping_interval=None),
            store,
            feed,
            backoff=Backoff(base=0.01, cap=0.02, rng=UpperBoundRng()),
        )
        async with running(conn) as task:
            await until(lambda: bool(feed.frames))
            conn.give_up("auth failed: invalid signature")
            await asyncio.wait_for(task, 5)
        status = store.feeds["private"]
        assert status.state is ConnState.DOWN
        assert status.last_error == "auth failed: invalid signature"
        assert opened == 1
        assert feed.events == ["open", "close"]


async def test_a_cancel_during_the_closing_handshake_still_stops_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Regression: a cancel that arrived while the socket was closing was swallowed by the
    clean-up, and run() went on reconnecting for ever (a quit that never finished)."""
    from websockets.asyncio.client import ClientConnection

    closing = asyncio.Event()

    async def peer_never_answers_the_close(self: ClientConnection, *args: Any) -> None:
        closing.set()
        await asyncio.sleep(30)

    monkeypatch.setattr(ClientConnection, "close", peer_never_answers_the_close)

    async def handler(ws: ServerConnection) -> None:
        await ws.send('{"hello": 1}')
        with contextlib.suppress(Exception):
            await ws.wait_closed()

    feed = RecordingFeed()
    async with server(handler) as url:
        conn = manager(url, feed, close_timeout=30.0)
        task = asyncio.create_task(conn.run())
        await until(lambda: bool(feed.frames))
        conn.drop()  # the socket ends; the manager starts its closing handshake
        await asyncio.wait_for(closing.wait(), 5)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, 5)
    assert task.done()
    assert conn.status.state is ConnState.STOPPED
    assert feed.events == ["open", "close"]

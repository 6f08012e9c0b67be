"""A scripted Kraken Spot private side for feed tests: REST token route plus the ws-auth socket.

One aiohttp app on 127.0.0.1 serves ``POST /0/private/GetWebSocketsToken`` (checking
``API-Key``/``API-Sign``/nonce like Kraken, issuing ``tok-1``, ``tok-2``...) and the
``/v2`` WebSocket. Subscribes to ``executions``/``balances`` are answered with an
ack and a snapshot built from the lists the test sets; the test pushes updates,
garbage and gaps, refuses requests with chosen errors, and drops sockets. Every
request is recorded with the index of the socket it came on.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from aiohttp import WSMsgType, web

from kraken_tui.model.secret import Secret
from kraken_tui.venues.kraken_spot.private_rest import TOKEN_PATH
from kraken_tui.venues.signing import spot_api_sign


@dataclass
class ScriptedSpotPrivate:
    keys: dict[str, Secret]
    base: str = ""
    ws_url: str = ""
    issued: list[str] = field(default_factory=list)
    """Tokens handed out, in order."""
    token_requests: int = 0
    token_errors: list[list[str]] = field(default_factory=list)
    """Kraken error lists to answer the next token requests with (one per request)."""
    token_gate: asyncio.Event | None = None
    """When set, token requests wait for this event before being answered."""
    last_nonce: dict[str, int] = field(default_factory=dict)
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    requests: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """(socket index, request) for every frame a client sent."""
    refuse: dict[str, list[str]] = field(default_factory=dict)
    """channel -> errors to answer the next subscribes of that channel with (one each)."""
    executions_snapshot: list[dict[str, Any]] = field(default_factory=list)
    balances_snapshot: list[dict[str, Any]] = field(default_factory=list)
    sequence: dict[str, int] = field(default_factory=dict)
    """Last sequence sent per channel on the current socket."""

    # ------------------------------------------------------------ test helpers
    def subscribes(self, channel: str, socket: int | None = None) -> list[dict[str, Any]]:
        return [
            r["params"]
            for i, r in self.requests
            if r.get("method") == "subscribe"
            and r.get("params", {}).get("channel") == channel
            and (socket is None or i == socket)
        ]

    def methods(self, socket: int) -> list[tuple[str, str]]:
        """(method, channel) of every request on one socket, pings left out."""
        return [
            (str(r.get("method")), str(r.get("params", {}).get("channel")))
            for i, r in self.requests
            if i == socket and r.get("method") != "ping"
        ]

    async def push(self, channel: str, data: list[dict[str, Any]], *, skip: int = 0) -> None:
        """Send an update on the newest socket; ``skip`` sequence numbers go missing first."""
        seq = self.sequence.get(channel, 0) + 1 + skip
        self.sequence[channel] = seq
        await self.push_raw(
            json.dumps({"channel": channel, "type": "update", "data": data, "sequence": seq})
        )

    async def push_raw(self, text: str) -> None:
        await self.sockets[-1].send_str(text)

    async def drop(self) -> None:
        await self.sockets[-1].close(code=1011, message=b"test drop")

    # ---------------------------------------------------------------- REST
    async def _token(self, request: web.Request) -> web.Response:
        self.token_requests += 1
        body = await request.text()
        if self.token_gate is not None:
            await self.token_gate.wait()
        if self.token_errors:
            return web.json_response({"error": self.token_errors.pop(0)})
        key = request.headers.get("API-Key", "")
        secret = self.keys.get(key)
        if secret is None:
            return web.json_response({"error": ["EAPI:Invalid key"]})
        nonce = parse_qs(body).get("nonce", [""])[0]
        if request.headers.get("API-Sign") != spot_api_sign(secret, request.path, nonce, body):
            return web.json_response({"error": ["EAPI:Invalid signature"]})
        if int(nonce) <= self.last_nonce.get(key, 0):
            return web.json_response({"error": ["EAPI:Invalid nonce"]})
        self.last_nonce[key] = int(nonce)
        token = f"tok-{len(self.issued) + 1}"
        self.issued.append(token)
        return web.json_response({"error": [], "result": {"token": token, "expires": 900}})

    # ----------------------------------------------------------- WebSocket
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        index = len(self.sockets) - 1
        self.sequence = {}
        await ws.send_str(
            '{"channel":"status","type":"update","data":[{"api_version":"v2",'
            '"connection_id":1,"system":"online","version":"2.0.0"}]}'
        )
        async for frame in ws:
            if frame.type is not WSMsgType.TEXT:
                break
            msg = json.loads(frame.data)
            self.requests.append((index, msg))
            for reply in self._replies(msg):
                await ws.send_str(reply)
        return ws

    def _replies(self, msg: dict[str, Any]) -> list[str]:
        method = msg.get("method")
        req_id = msg.get("req_id")
        if method == "ping":
            return [json.dumps({"method": "pong", "req_id": req_id})]
        params = msg.get("params", {})
        channel = params.get("channel")
        error = None
        if params.get("token") not in self.issued:
            error = "EAPI:Invalid token"
        elif method == "subscribe" and self.refuse.get(channel):
            error = self.refuse[channel].pop(0)
        if error is not None:
            return [
                json.dumps({"method": method, "success": False, "error": error, "req_id": req_id})
            ]
        ack = {"method": method, "success": True, "req_id": req_id, "result": {"channel": channel}}
        if method != "subscribe":
            return [json.dumps(ack)]
        self.sequence[channel] = 1
        data = self.executions_snapshot if channel == "executions" else self.balances_snapshot
        snapshot = {"channel": channel, "type": "snapshot", "data": data, "sequence": 1}
        return [json.dumps(ack), json.dumps(snapshot)]


@contextlib.asynccontextmanager
async def scripted_spot_private(keys: dict[str, Secret]) -> AsyncIterator[ScriptedSpotPrivate]:
    state = ScriptedSpotPrivate(keys)
    app = web.Application()
    app.router.add_post(TOKEN_PATH, state._token)
    app.router.add_get("/v2", state._socket)
    runner = web.AppRunner(app, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    state.ws_url = f"ws://127.0.0.1:{port}/v2"
    try:
        yield state
    finally:
        if state.token_gate is not None:
            state.token_gate.set()
        for ws in state.sockets:
            await ws.close()
        await runner.cleanup()

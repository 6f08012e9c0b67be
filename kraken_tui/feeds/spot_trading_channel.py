"""The spot trading socket: WS v2 ``add_order`` & co. on the ws-auth URL, one ack per request.

Orders travel on their own connection ("spot-orders"), separate from the private
feed, so a resubscribe storm on ``executions`` never delays a cancel. Every new
socket fetches a *fresh* token from ``GetWebSocketsToken`` (never reused across
connections). :meth:`SpotTradingChannel.request` writes one frame and awaits the
ack with the same ``req_id``:

* the ack → :class:`~kraken_tui.venues.kraken_spot.trading.TradingAck`;
* no socket or token (yet) → :class:`NotSent` (the frame was never written);
* a timeout, or the socket dropping while waiting → :class:`Ambiguous`: the
  order may or may not exist. Nothing here ever resends.

Tokens, keys and signatures never appear in a message or a log line.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable

from kraken_tui.feeds.backoff import Backoff
from kraken_tui.feeds.connection import ConnectionManager, ConnectionSettings
from kraken_tui.feeds.stores import MarketStore
from kraken_tui.model.secret import CredentialError, Credentials, Secret, mask_key
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.kraken_spot.private_rest import (
    SpotAuthError,
    SpotRestError,
    SpotTransientError,
    fresh_websockets_token,
)
from kraken_tui.venues.kraken_spot.trading import TradingAck, decode_trading_ack
from kraken_tui.venues.outcomes import Ambiguous, NotSent
from kraken_tui.venues.signing import NonceSource

CHANNEL_NAME = "spot-orders"
log = logging.getLogger("kraken_tui.trading")

FrameBuilder = Callable[[Secret, int], str]
"""(token, req_id) -> the JSON frame of one trading request."""


class _NoToken(Exception):
    """No token for this socket: the manager backs off and reconnects."""


class SpotTradingChannel:
    """One ws-auth socket for spot order requests; run :meth:`run` in a task."""

    def __init__(
        self,
        ws_url: str,
        rest_url: str,
        store: MarketStore,
        credentials: Credentials,
        *,
        backoff: Backoff | None = None,
        nonces: NonceSource | None = None,
        ack_timeout: float = 10.0,
        ready_timeout: float = 5.0,
    ) -> None:
        self.rest_url = rest_url
        self.credentials = credentials
        self.nonces = nonces if nonces is not None else NonceSource()
        self.ack_timeout = ack_timeout
        self.ready_timeout = ready_timeout
        self._ping_ids = itertools.count(1_000_000_000)
        settings = ConnectionSettings(
            url=ws_url,
            app_ping=lambda: {"method": "ping", "req_id": next(self._ping_ids)},
            app_ping_interval=20.0,
        )
        self.conn = ConnectionManager(CHANNEL_NAME, settings, store, self, backoff=backoff)
        self._token: Secret | None = None
        self._ready = asyncio.Event()
        self._req_ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[TradingAck]] = {}
        self.failed: str = ""
        """Why the channel gave up for good (credentials rejected); '' while usable."""
        self.requests_sent = 0
        self.malformed = 0

    async def run(self) -> None:
        """Connect and reconnect until cancelled (or the credentials are rejected)."""
        await self.conn.run()

    @property
    def ready(self) -> bool:
        return self._token is not None and self.conn.connected

    # ------------------------------------------------------------ requests
    async def request(
        self, build: FrameBuilder, *, cli_ord_id: str = "", wait_ready: bool = True
    ) -> TradingAck | Ambiguous | NotSent:
        """Send one request built by ``build(token, req_id)`` and await its ack.

        While the socket is (re)connecting, waits up to ``ready_timeout`` for it
        (not at all with ``wait_ready=False``)."""
        if self.failed:
            return NotSent(self.failed, cli_ord_id=cli_ord_id)
        if not self.ready and wait_ready:
            try:
                # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel.
                async with asyncio.timeout(self.ready_timeout):
                    await self._ready.wait()
            except TimeoutError:
                return NotSent("the spot trading connection is not up", cli_ord_id=cli_ord_id)
        token = self._token
        if token is None:
            return NotSent("the spot trading connection is not up", cli_ord_id=cli_ord_id)
        req_id = next(self._req_ids)
        try:
            frame = build(token, req_id)
        except ValueError as exc:
            return NotSent(str(exc), cli_ord_id=cli_ord_id)
        future: asyncio.Future[TradingAck] = asyncio.get_running_loop().create_future()
        self._pending[req_id] = future
        try:
            if not self.conn.send(frame):
                return NotSent("the spot trading connection is not up", cli_ord_id=cli_ord_id)
            self.requests_sent += 1
            try:
                async with asyncio.timeout(self.ack_timeout):
                    return await asyncio.shield(future)
            except TimeoutError:
                return Ambiguous("no answer before the timeout", cli_ord_id=cli_ord_id)
            except ConnectionError:
                return Ambiguous("the connection dropped before an answer", cli_ord_id=cli_ord_id)
        finally:
            self._pending.pop(req_id, None)
            if not future.done():
                future.cancel()

    # ---------------------------------------------------- connection hooks
    async def on_open(self, conn: ConnectionManager) -> None:
        self._token = None
        try:
            token = await fresh_websockets_token(self.rest_url, self.credentials, self.nonces)
        except SpotAuthError as exc:
            self._give_up(f"spot trading: credentials rejected [{exc.error}]")
            return
        except CredentialError as exc:
            self._give_up(f"spot trading: {exc}")
            return
        except (SpotRestError, SpotTransientError) as exc:
            raise _NoToken(f"no trading token: {type(exc).__name__}") from None
        self._token = token.token
        self._ready.set()

    def on_close(self) -> None:
        self._token = None
        self._ready.clear()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(ConnectionError("socket closed"))

    def on_stale(self) -> None:
        """Acks are not periodic: silence says nothing about pending requests."""

    def on_fresh(self) -> None:
        """See :meth:`on_stale`."""

    def on_frame(self, raw: str | bytes) -> None:
        try:
            ack = decode_trading_ack(raw)
        except FrameError as exc:
            self.malformed += 1
            log.warning("%s: dropped frame: %s", CHANNEL_NAME, exc.reason)
            return
        if not isinstance(ack, TradingAck) or ack.req_id is None:
            return  # pong, heartbeat, status: nothing waits for them
        future = self._pending.get(ack.req_id)
        if future is not None and not future.done():
            future.set_result(ack)

    def _give_up(self, message: str) -> None:
        key = mask_key(self.credentials.api_key)
        self.failed = f"{message}; key {key}"
        log.warning("%s: %s", CHANNEL_NAME, self.failed)
        self.conn.give_up(self.failed)

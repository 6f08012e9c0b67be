"""Derivatives REST v3 order entry: a signed async client that never resends.

::

    async with FuturesTradingClient(endpoints.futures_rest, credentials) as client:
        outcome = await client.send_order(symbol="PF_XBTUSD", side="buy", order_type="lmt",
                                          size=Decimal("0.01"), limit_price=Decimal("60000"))
        match outcome:
            case Accepted(): ...      # on the book (or filled already)
            case Rejected(): ...      # outcome.message says why in plain words
            case Ambiguous(): ...     # show UNKNOWN, reconcile by outcome.cli_ord_id
            case NotSent(): ...       # provably never left; safe to try again

Each call sends exactly one HTTP request: ``POST`` with a form-encoded body
(``application/x-www-form-urlencoded``), headers ``APIKey``, ``Nonce`` and
``Authent``, where Authent signs the very body text sent + nonce + the path without
``/derivatives`` (kraken-protocol §4.2). A timeout, a dropped connection or an
HTTP 5xx gives :class:`Ambiguous` and is never retried here: only the caller,
after reconciling, may decide to send again. A connection that could not even be
opened gives :class:`NotSent`. Cancelling the awaiting task leaves the outcome
unknown too: treat it as Ambiguous.

Messages and reasons never contain the secret, the Authent signature or the nonce.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import TracebackType
from typing import TypeVar

import aiohttp

from kraken_tui.endpoints import is_loopback
from kraken_tui.model.account import OrderSide
from kraken_tui.model.secret import Credentials
from kraken_tui.venues.kraken_futures import trading_wire as wire
from kraken_tui.venues.kraken_futures.order_status import (
    OrderStatuses,
    order_status_request,
    read_order_status,
)
from kraken_tui.venues.kraken_futures.trading_wire import FuturesRequest, NumberIn, OpenOrders
from kraken_tui.venues.outcomes import (
    Accepted,
    Ambiguous,
    NotSent,
    OrderEvent,
    Outcome,
    Rejected,
)
from kraken_tui.venues.signing import NonceSource, futures_authent

__all__ = [
    "Accepted",
    "Ambiguous",
    "FuturesTradingClient",
    "NotSent",
    "OpenOrders",
    "OrderEvent",
    "OrderStatuses",
    "Outcome",
    "Rejected",
]

R = TypeVar("R")
CONNECT_TIMEOUT_CAP = 5.0
"""Seconds to open the connection: a connect that fails is provably "not sent"."""


class FuturesTradingClient:
    """See the module docstring. One HTTP session, opened on first use; ``close()`` it
    (or use ``async with``)."""

    def __init__(
        self,
        rest_base: str,
        credentials: Credentials,
        nonces: NonceSource | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        self._base = rest_base.rstrip("/")
        self._credentials = credentials
        self._nonces = nonces if nonces is not None else NonceSource()
        self._timeout = aiohttp.ClientTimeout(
            total=timeout, sock_connect=min(timeout, CONNECT_TIMEOUT_CAP)
        )
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"FuturesTradingClient({self._base!r}, {self._credentials!r})"

    async def __aenter__(self) -> FuturesTradingClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    # ---------------------------------------------------------------- calls

    async def send_order(
        self,
        *,
        symbol: str,
        side: OrderSide | str,
        order_type: str,
        size: NumberIn,
        limit_price: NumberIn | None = None,
        stop_price: NumberIn | None = None,
        reduce_only: bool = False,
        cli_ord_id: str | None = None,
        trigger_signal: str | None = None,
    ) -> Outcome:
        """``sendorder``; the outcome carries the client order id used (a UUID4 if none given)."""
        try:
            request = wire.send_order_request(
                symbol=symbol,
                side=side,
                order_type=order_type,
                size=size,
                limit_price=limit_price,
                stop_price=stop_price,
                reduce_only=reduce_only,
                cli_ord_id=cli_ord_id,
                trigger_signal=trigger_signal,
            )
        except ValueError as exc:
            return NotSent(str(exc), cli_ord_id=cli_ord_id or "")
        return await self._call(request, wire.read_send_order)

    async def edit_order(
        self,
        *,
        order_id: str | None = None,
        cli_ord_id: str | None = None,
        size: NumberIn | None = None,
        limit_price: NumberIn | None = None,
        stop_price: NumberIn | None = None,
    ) -> Outcome:
        """``editorder`` of one working order, by exchange id or client id."""
        try:
            request = wire.edit_order_request(
                order_id=order_id,
                cli_ord_id=cli_ord_id,
                size=size,
                limit_price=limit_price,
                stop_price=stop_price,
            )
        except ValueError as exc:
            return NotSent(str(exc), cli_ord_id=cli_ord_id or "")
        return await self._call(request, wire.read_edit_order)

    async def cancel_order(
        self, *, order_id: str | None = None, cli_ord_id: str | None = None
    ) -> Outcome:
        """``cancelorder``; ``Rejected(reconcile=True)`` when it had filled or vanished."""
        try:
            request = wire.cancel_order_request(order_id=order_id, cli_ord_id=cli_ord_id)
        except ValueError as exc:
            return NotSent(str(exc), cli_ord_id=cli_ord_id or "")
        return await self._call(request, wire.read_cancel_order)

    async def cancel_all(self, symbol: str | None = None) -> Outcome:
        """``cancelallorders`` for every market, or one ``symbol``."""
        return await self._call(wire.cancel_all_request(symbol), wire.read_cancel_all)

    async def cancel_all_after(self, timeout_s: int) -> Outcome:
        """``cancelallordersafter`` (dead-man switch): ``Accepted("armed", trigger_time=...)``
        or ``Accepted("disarmed")`` for 0."""
        try:
            request = wire.cancel_all_after_request(timeout_s)
        except ValueError as exc:
            return NotSent(str(exc))
        return await self._call(request, wire.read_cancel_all_after)

    async def open_orders(self) -> OpenOrders | Rejected | Ambiguous | NotSent:
        """``GET openorders``, for reconciliation (safe to repeat)."""
        return await self._call(wire.open_orders_request(), wire.read_open_orders)

    async def order_status(
        self, cli_ord_ids: Iterable[str]
    ) -> OrderStatuses | Rejected | Ambiguous | NotSent:
        """``POST orders/status`` by client ids, for reconciliation (safe to repeat)."""
        try:
            request = order_status_request(cli_ord_ids)
        except ValueError as exc:
            return NotSent(str(exc))
        return await self._call(request, read_order_status)

    # ------------------------------------------------------------ transport

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            # Proxy settings from the environment apply to real hosts, never to the local exchange.
            self._session = aiohttp.ClientSession(
                timeout=self._timeout, trust_env=not is_loopback(self._base)
            )
        return self._session

    async def _call(
        self,
        request: FuturesRequest,
        read: Callable[[int, bytes, FuturesRequest], R],
    ) -> R | Ambiguous | NotSent:
        cid = request.cli_ord_id
        post_data = request.post_data
        nonce = self._nonces.next()
        try:
            headers = {
                "APIKey": self._credentials.api_key,
                "Nonce": nonce,
                "Authent": futures_authent(
                    self._credentials.api_secret, post_data, nonce, request.path
                ),
                "Accept": "application/json",
            }
        except (ValueError, UnicodeError):  # binascii.Error is a ValueError
            return NotSent("the API secret is not valid base64", cli_ord_id=cid)
        url = self._base + request.path
        if request.method == "POST":
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            data: bytes | None = post_data.encode("ascii")
        else:
            url = f"{url}?{post_data}" if post_data else url
            data = None
        try:
            async with self._http().request(
                request.method, url, data=data, headers=headers, allow_redirects=False
            ) as response:
                status = response.status
                raw = await response.read()
        except aiohttp.ClientConnectorError as exc:
            return NotSent(f"could not connect to the exchange ({_os_reason(exc)})", cli_ord_id=cid)
        except aiohttp.ConnectionTimeoutError:
            return NotSent("timed out connecting to the exchange", cli_ord_id=cid)
        except TimeoutError:
            return Ambiguous("no answer before the timeout", cli_ord_id=cid)
        except (aiohttp.ClientError, OSError) as exc:
            return Ambiguous(f"the connection failed ({type(exc).__name__})", cli_ord_id=cid)
        return read(status, raw, request)


def _os_reason(exc: aiohttp.ClientConnectorError) -> str:
    return exc.strerror or type(exc.os_error).__name__

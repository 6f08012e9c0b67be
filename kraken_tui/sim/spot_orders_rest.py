"""Spot REST ``OpenOrders`` and ``ClosedOrders`` on the embedded exchange.

``POST /0/private/OpenOrders`` and ``/0/private/ClosedOrders`` are authenticated as
Kraken does (kraken-protocol §5, as :mod:`kraken_tui.sim.spot_tokens` does for
``GetWebSocketsToken``): ``API-Key`` must be the practice key (``EAPI:Invalid key``),
``API-Sign`` the HMAC of this path and SHA256(nonce + exact body)
(``EAPI:Invalid signature``), and the nonce above the last accepted one for these
endpoints (``EAPI:Invalid nonce``). Kraken keeps one nonce per key for every private
call; here the token endpoint keeps its own, which is more lenient, never stricter.

Both take ``cl_ord_id`` (and ``userref``, accepted and ignored); answers are
``result.open`` / ``result.closed`` keyed by order id, with Kraken's field names
(``status``, ``reason``, ``opentm``/``closetm`` in epoch seconds, ``vol``,
``vol_exec``, ``descr{pair, type, ordertype, price, price2, ...}``). Closed orders
come from a bounded record (the newest :data:`CLOSED_KEPT`) filled by listening to
the practice account's ``order_closed`` events, most recent first, with ``count``.
"""

from __future__ import annotations

import hmac
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.account import Order
from kraken_tui.model.secret import Credentials
from kraken_tui.sim.order_desk import IOC_REST_REASON, POST_REST_REASON
from kraken_tui.sim.practice import AccountEvent, PracticeAccount
from kraken_tui.sim.spot_tokens import INVALID_KEY, INVALID_NONCE, INVALID_SIGNATURE
from kraken_tui.venues.jsontext import Number, decimal_number, dump
from kraken_tui.venues.kraken_spot.private_server import body_nonce, encode_rest_error
from kraken_tui.venues.signing import spot_api_sign

OPEN_ORDERS_PATH = "/0/private/OpenOrders"
CLOSED_ORDERS_PATH = "/0/private/ClosedOrders"
CLOSED_KEPT = 500

CLOSE_REASONS = {
    "cancelled_by_user": "User requested",
    POST_REST_REASON: "Post only order",
    IOC_REST_REASON: "Immediate or cancel",
    "dead_man_switch": "Dead man switch",
}
"""Practice-account close reasons in Kraken's spot REST words; others kept raw."""


@dataclass(frozen=True, slots=True)
class ClosedOrder:
    order: Order
    status: str
    """``closed`` (filled) or ``canceled``."""
    reason: str
    closed_ms: int


def _text(value: Decimal | None) -> str:
    return format(value, "f") if value is not None else "0"


def _seconds(ms: int) -> Number:
    """Epoch seconds as a JSON number with 4 decimals (Kraken's ``opentm`` style)."""
    return decimal_number(Decimal(ms) / 1000, 4)


class SpotOrderViews:
    """The two endpoints over one practice account; see the module docstring."""

    def __init__(
        self,
        account: PracticeAccount,
        credentials: Credentials,
        pair_name: Callable[[str], str],
        now_ms: Callable[[], int],
    ) -> None:
        self.account = account
        self._credentials = credentials
        self._pair_name = pair_name
        self._now_ms = now_ms
        self._last_nonce = 0
        self.closed: deque[ClosedOrder] = deque(maxlen=CLOSED_KEPT)
        account.listen(self._on_event)

    def close(self) -> None:
        self.account.unlisten(self._on_event)

    def _on_event(self, event: AccountEvent) -> None:
        if event.kind != "order_closed" or event.venue is not Venue.SPOT or event.order is None:
            return
        status = "closed" if event.status == "filled" else "canceled"
        reason = "" if status == "closed" else CLOSE_REASONS.get(event.reason, event.reason)
        self.closed.appendleft(ClosedOrder(event.order, status, reason, self._now_ms()))

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post(OPEN_ORDERS_PATH, self._handler(self.open_orders))
        app.router.add_post(CLOSED_ORDERS_PATH, self._handler(self.closed_orders))

    # -------------------------------------------------------------- auth
    def check(self, path: str, api_key: str, api_sign: str, body: str, content_type: str) -> str:
        """The Kraken error text for a request, or '' (and the nonce is used up)."""
        if not hmac.compare_digest(
            api_key.encode("utf-8"), self._credentials.api_key.encode("utf-8")
        ):
            return INVALID_KEY
        nonce = body_nonce(body, content_type)
        expected = spot_api_sign(self._credentials.api_secret, path, nonce or "", body)
        if not hmac.compare_digest(expected.encode("ascii"), api_sign.encode("utf-8")):
            return INVALID_SIGNATURE
        if nonce is None or int(nonce) <= self._last_nonce:
            return INVALID_NONCE
        self._last_nonce = int(nonce)
        return ""

    def _handler(
        self, view: Callable[[dict[str, str]], dict[str, Any]]
    ) -> Callable[[web.Request], Any]:
        async def handle(request: web.Request) -> web.Response:
            body = await request.text()
            error = self.check(
                request.path,
                request.headers.get("API-Key", ""),
                request.headers.get("API-Sign", ""),
                body,
                request.content_type,
            )
            if error:
                text = encode_rest_error(error)
            else:
                params = dict(parse_qsl(body, keep_blank_values=True))
                text = dump({"error": [], "result": view(params)})
            return web.Response(text=text, content_type="application/json")

        return handle

    # ------------------------------------------------------------- views
    def open_orders(self, params: dict[str, str]) -> dict[str, Any]:
        wanted = params.get("cl_ord_id", "")
        rows = {
            order.order_id: self._entry(order, "open")
            for order in self.account.open_orders(Venue.SPOT)
            if not wanted or order.cl_ord_id == wanted
        }
        return {"open": rows}

    def closed_orders(self, params: dict[str, str]) -> dict[str, Any]:
        wanted = params.get("cl_ord_id", "")
        rows: dict[str, Any] = {}
        for done in self.closed:
            if wanted and done.order.cl_ord_id != wanted:
                continue
            row = self._entry(done.order, done.status)
            row["reason"] = done.reason or None
            row["closetm"] = _seconds(done.closed_ms)
            rows[done.order.order_id] = row
        return {"closed": rows, "count": len(rows)}

    def _entry(self, order: Order, status: str) -> dict[str, Any]:
        trigger = order.stop_price is not None
        price = order.stop_price if trigger else order.limit_price
        price2 = order.limit_price if trigger else None
        pair = self._pair_name(order.symbol)
        words = f"{order.side.value} {_text(order.qty)} {pair} @ {order.order_type}"
        row: dict[str, Any] = {
            "refid": None,
            "userref": 0,
            "status": status,
            "opentm": _seconds(order.time_ms),
            "starttm": 0,
            "expiretm": 0,
            "descr": {
                "pair": pair,
                "type": order.side.value,
                "ordertype": order.order_type,
                "price": _text(price),
                "price2": _text(price2),
                "leverage": "none",
                "order": words + (f" {_text(price)}" if price is not None else ""),
                "close": "",
            },
            "vol": _text(order.qty),
            "vol_exec": _text(order.filled),
            "cost": "0",
            "fee": "0",
            "price": "0",
            "stopprice": "0",
            "limitprice": "0",
            "misc": "",
            "oflags": "fciq",
        }
        if order.cl_ord_id:
            row["cl_ord_id"] = order.cl_ord_id
        return row

"""Futures REST v3 trading endpoints of the embedded exchange (kraken-protocol §4.4).

``POST /derivatives/api/v3/sendorder``, ``editorder``, ``cancelorder``,
``cancelallorders`` and ``cancelallordersafter``, authenticated exactly like the
account endpoints (the same :class:`~kraken_tui.sim.futures_private_rest.FuturesRestAuth`
instance, so nonces are shared). Parameters come from the form body and/or the
query string (the body wins when both carry one). The work is done by the
:class:`~kraken_tui.sim.order_desk.OrderDesk`; this module only translates.

Response shapes follow Kraken: ``result: success`` + ``sendStatus`` / ``editStatus``
/ ``cancelStatus`` / ``status``, with ``orderEvents`` (``PLACE``, ``EXECUTION`` with
``orderPriorExecution``, ``EDIT`` with ``old``/``new``, ``CANCEL``, ``REJECT`` with an
UPPER_SNAKE ``reason``). An accepted order's ``sendStatus.status`` is ``placed`` even
when it filled at once (as in Kraken's own example); a refusal carries the desk's
reason word (``postWouldExecute``, ``insufficientAvailableFunds``...). Bad requests
are ``{"result":"error","error":...}`` with HTTP 400: ``requiredArgumentMissing``,
``invalidArgument`` (bad number, side, order type, unknown symbol).

Test hooks (:class:`SendOrderFaults`, driven through ``ExchangeServer``): the next
``sendorder`` can be answered with a 5xx *after* the order was placed, or answered
late (placed at once, the reply delayed) — the ambiguous outcomes a client must
reconcile instead of resending.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.account import Fill, Order, OrderSide
from kraken_tui.sim.futures_private_rest import BASE, FuturesRestAuth
from kraken_tui.sim.order_desk import OrderDesk, OrderKind, OrderRequest, PlaceResult
from kraken_tui.venues.jsontext import dump
from kraken_tui.venues.kraken_futures.private_server import num
from kraken_tui.venues.timefmt import ms_to_rfc3339

ORDER_TYPES: dict[str, OrderKind] = {
    "lmt": "limit",
    "post": "post",
    "ioc": "ioc",
    "mkt": "market",
    "stp": "stop",
    "take_profit": "take_profit",
}
CLI_ORD_ID_MAX = 100
F = Venue.FUTURES

Params = dict[str, str]


class BadRequest(Exception):
    """A request Kraken answers with ``result: error`` (the code is the message)."""


@dataclass(slots=True)
class SendOrderFaults:
    """Pending test faults for the next ``sendorder`` (each used once)."""

    fail_status: int | None = None
    delay_s: float = 0.0


def _iso(ms: int) -> str:
    return ms_to_rfc3339(ms)[:23] + "Z"


def _upper_snake(word: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", word).upper()


def _decimal(params: Params, name: str, *, required: bool = False) -> Decimal | None:
    text = params.get(name)
    if text is None or text == "":
        if required:
            raise BadRequest("requiredArgumentMissing")
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadRequest("invalidArgument") from None
    if not value.is_finite():
        raise BadRequest("invalidArgument")
    return value


def _flag(params: Params, name: str) -> bool:
    text = params.get(name, "false").lower()
    if text not in ("true", "false"):
        raise BadRequest("invalidArgument")
    return text == "true"


class FuturesTrading:
    """The JSON bodies of the trading endpoints; ``clock`` gives epoch ms."""

    def __init__(self, desk: OrderDesk, clock: Callable[[], int]) -> None:
        self.desk = desk
        self.clock = clock

    # --------------------------------------------------------- encoding
    def type_word(self, order: Order) -> str:
        if self.desk.is_post_only(order.order_id):
            return "post"
        return {"limit": "lmt", "market": "mkt", "stop": "stp"}.get(
            order.order_type, order.order_type
        )

    def order_json(self, order: Order, updated_ms: int) -> dict[str, Any]:
        body: dict[str, Any] = {"orderId": order.order_id}
        if order.cl_ord_id:
            body["cliOrdId"] = order.cl_ord_id
        body.update(
            type=self.type_word(order),
            symbol=order.symbol,
            side="buy" if order.side is OrderSide.BUY else "sell",
            quantity=num(order.qty),
            filled=num(order.filled),
        )
        if order.limit_price is not None:
            body["limitPrice"] = num(order.limit_price)
        if order.stop_price is not None:
            body["stopPrice"] = num(order.stop_price)
            body["triggerSignal"] = "last"
        body.update(
            reduceOnly=order.reduce_only,
            timestamp=_iso(order.time_ms),
            lastUpdateTimestamp=_iso(updated_ms),
        )
        return body

    def _executions(self, before: Order, fills: list[Fill]) -> list[dict[str, Any]]:
        events = []
        prior = before
        for fill in fills:
            events.append(
                {
                    "type": "EXECUTION",
                    "executionId": fill.fill_id,
                    "price": num(fill.price),
                    "amount": num(fill.qty),
                    "orderPriorExecution": self.order_json(prior, fill.time_ms),
                }
            )
            prior = replace(prior, filled=prior.filled + fill.qty)
        return events

    def _cancel_event(self, order: Order, now_ms: int) -> dict[str, Any]:
        return {"type": "CANCEL", "uid": order.order_id, "order": self.order_json(order, now_ms)}

    # -------------------------------------------------------- endpoints
    def send_order(self, params: Params) -> dict[str, Any]:
        now_ms = self.clock()
        for name in ("orderType", "symbol", "side", "size"):
            if not params.get(name):
                raise BadRequest("requiredArgumentMissing")
        kind = ORDER_TYPES.get(params["orderType"].lower())
        side = params["side"].lower()
        if kind is None or side not in ("buy", "sell"):
            raise BadRequest("invalidArgument")
        size = _decimal(params, "size", required=True)
        limit = _decimal(params, "limitPrice", required=kind in ("limit", "post", "ioc"))
        stop = _decimal(params, "stopPrice", required=kind in ("stop", "take_profit"))
        cl_ord_id = params.get("cliOrdId", "")
        received = _iso(now_ms)
        status: dict[str, Any] = {"receivedTime": received}
        if len(cl_ord_id) > CLI_ORD_ID_MAX:
            status.update(status="clientOrderIdTooBig", orderEvents=[])
            return {"result": "success", "sendStatus": status}
        assert size is not None
        request = OrderRequest(
            F, params["symbol"].upper(), OrderSide(side), kind, size,
            limit_price=limit, stop_price=stop, reduce_only=_flag(params, "reduceOnly"),
            cl_ord_id=cl_ord_id,
        )  # fmt: skip
        result = self.desk.place(request, now_ms)
        if result.reason == "invalidArgument":
            raise BadRequest("invalidArgument")
        if cl_ord_id:
            status["cliOrdId"] = cl_ord_id
        order = result.order
        if order is not None:
            status["order_id"] = order.order_id
        status["orderEvents"] = self._send_events(result, now_ms)
        status["status"] = "placed" if result.outcome != "rejected" else result.reason
        return {"result": "success", "sendStatus": status}

    def _send_events(self, result: PlaceResult, now_ms: int) -> list[dict[str, Any]]:
        order = result.order
        if order is None:
            return []
        if result.outcome == "rejected":
            return [
                {
                    "type": "REJECT",
                    "uid": order.order_id,
                    "reason": _upper_snake(result.reason),
                    "order": self.order_json(order, now_ms),
                }
            ]
        fresh = replace(order, filled=Decimal(0))
        events = self._executions(fresh, result.fills)
        if result.outcome in ("placed", "partially_filled"):
            events.append({"type": "PLACE", "order": self.order_json(order, now_ms)})
        elif result.outcome == "cancelled":
            events.append(self._cancel_event(order, now_ms))
        return events

    def edit_order(self, params: Params) -> dict[str, Any]:
        now_ms = self.clock()
        order_id, cl_ord_id = params.get("orderId", ""), params.get("cliOrdId", "")
        if not order_id and not cl_ord_id:
            raise BadRequest("requiredArgumentMissing")
        size = _decimal(params, "size")
        limit = _decimal(params, "limitPrice")
        stop = _decimal(params, "stopPrice")
        mode = params.get("qtyMode", "RELATIVE").upper()
        if mode not in ("RELATIVE", "ABSOLUTE"):
            raise BadRequest("invalidArgument")
        old = self.desk.find(F, order_id=order_id, cl_ord_id=cl_ord_id)
        status: dict[str, Any] = {"receivedTime": _iso(now_ms)}
        if old is None:
            status.update(status="orderForEditNotFound", orderEvents=[])
            if order_id:
                status["orderId"] = order_id
            return {"result": "success", "editStatus": status}
        # RELATIVE (Kraken's default): size is the new *open* size; ABSOLUTE: the total.
        qty = None if size is None else (size + old.filled if mode == "RELATIVE" else size)
        result = self.desk.amend(
            F, order_id=old.order_id, qty=qty, limit_price=limit, stop_price=stop, now_ms=now_ms
        )
        status["orderId"] = old.order_id
        if result.outcome == "rejected":
            status.update(status=result.reason, orderEvents=[])
            return {"result": "success", "editStatus": status}
        assert result.order is not None
        before_fills = replace(result.order, filled=result.order.filled - _sum(result.fills))
        events = [
            {
                "type": "EDIT",
                "old": self.order_json(old, old.time_ms),
                "new": self.order_json(before_fills, now_ms),
            },
            *self._executions(before_fills, result.fills),
        ]
        status.update(status="edited", orderEvents=events)
        return {"result": "success", "editStatus": status}

    def cancel_order(self, params: Params) -> dict[str, Any]:
        now_ms = self.clock()
        order_id, cl_ord_id = params.get("order_id", ""), params.get("cliOrdId", "")
        if not order_id and not cl_ord_id:
            raise BadRequest("requiredArgumentMissing")
        result = self.desk.cancel(F, order_id=order_id, cl_ord_id=cl_ord_id)
        status: dict[str, Any] = {"receivedTime": _iso(now_ms)}
        if result.order is None:
            status.update(status="notFound", orderEvents=[])
            if order_id:
                status["order_id"] = order_id
            if cl_ord_id:
                status["cliOrdId"] = cl_ord_id
            return {"result": "success", "cancelStatus": status}
        order = result.order
        status.update(
            status="cancelled",
            order_id=order.order_id,
            orderEvents=[self._cancel_event(order, now_ms)],
        )
        if order.cl_ord_id:
            status["cliOrdId"] = order.cl_ord_id
        return {"result": "success", "cancelStatus": status}

    def cancel_all_orders(self, params: Params) -> dict[str, Any]:
        now_ms = self.clock()
        symbol = params.get("symbol", "").upper() or None
        # Post-only flags must be read before the desk forgets the cancelled orders.
        events = [
            self._cancel_event(o, now_ms)
            for o in self.desk.account.open_orders(F)
            if symbol is None or o.symbol == symbol
        ]
        cancelled = self.desk.cancel_all(F, symbol)
        rows = []
        for order in cancelled:
            row = {"order_id": order.order_id}
            if order.cl_ord_id:
                row["cliOrdId"] = order.cl_ord_id
            rows.append(row)
        status = {
            "receivedTime": _iso(now_ms),
            "cancelOnly": symbol or "all",
            "status": "cancelled" if cancelled else "noOrdersToCancel",
            "cancelledOrders": rows,
            "orderEvents": events,
        }
        return {"result": "success", "cancelStatus": status}

    def cancel_all_after(self, params: Params) -> dict[str, Any]:
        now_ms = self.clock()
        text = params.get("timeout")
        if not text:
            raise BadRequest("requiredArgumentMissing")
        if not text.isdigit() or int(text) > 0xFFFFFFFF:
            raise BadRequest("invalidArgument")
        trigger = self.desk.arm_dead_man(F, int(text), now_ms)
        when = "0" if trigger is None else _iso(trigger)
        return {"result": "success", "status": {"currentTime": _iso(now_ms), "triggerTime": when}}


def _sum(fills: list[Fill]) -> Decimal:
    return sum((f.qty for f in fills), Decimal(0))


def _reply(body: dict[str, Any], clock: Callable[[], int], status: int = 200) -> web.Response:
    body["serverTime"] = _iso(clock())
    return web.Response(text=dump(body), status=status, content_type="application/json")


async def _params(request: web.Request) -> Params:
    params = dict(request.query)
    if request.method == "POST":  # already read (and cached) by the Authent check
        params.update(parse_qsl(await request.text(), keep_blank_values=True))
    return params


def add_trading_routes(
    app: web.Application,
    auth: FuturesRestAuth,
    trading: FuturesTrading,
    faults: SendOrderFaults,
) -> None:
    """Register the five trading endpoints (POST) on ``app``."""
    clock = trading.clock

    def guarded(
        view: Callable[[Params], dict[str, Any]], *, send_order: bool = False
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            refused = await auth.check(request)
            if refused is not None:
                return refused
            try:
                body = view(await _params(request))
            except BadRequest as error:
                return _reply({"result": "error", "error": str(error)}, clock, 400)
            if send_order:
                fail, delay = faults.fail_status, faults.delay_s
                faults.fail_status, faults.delay_s = None, 0.0
                if delay > 0:
                    await asyncio.sleep(delay)
                if fail is not None:
                    return _reply({"result": "error", "error": "Server Error"}, clock, fail)
            return _reply(body, clock)

        return handler

    for name, view, is_send in (
        ("sendorder", trading.send_order, True),
        ("editorder", trading.edit_order, False),
        ("cancelorder", trading.cancel_order, False),
        ("cancelallorders", trading.cancel_all_orders, False),
        ("cancelallordersafter", trading.cancel_all_after, False),
    ):
        app.router.add_post(BASE + name, guarded(view, send_order=is_send))

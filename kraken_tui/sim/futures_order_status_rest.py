"""Futures REST v3 ``POST orders/status`` on the embedded exchange.

Authenticated by the shared :class:`~kraken_tui.sim.futures_private_rest.FuturesRestAuth`
(``authenticationError`` with HTTP 401 on a bad key or ``Authent``; nonces shared
with the other futures endpoints). Parameters ``orderIds`` and/or ``cliOrdIds``,
each repeated once per id, from the form body or the query string.

As Kraken documents (docs.kraken.com/api-reference/order-management/get-specific-orders-status),
the answer covers orders that are open or that were filled/cancelled in the last
:data:`RECENT_MS` milliseconds: ``orders[{order{...}, status, updateReason, error}]``
with ``status`` ``ENTERED_BOOK`` / ``TRIGGER_PLACED`` (working), ``FULLY_EXECUTED``,
``CANCELLED`` or ``REJECTED``. Finished orders come from a bounded record filled by
listening to the practice account's ``order_closed`` events; refusals at placement
(an IOC that found nothing to trade, a post-only that would take...) raise no
account event, so :meth:`FuturesOrderHistory.watch_rejections` records what the
order desk refuses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web

from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.sim.futures_private_rest import BASE, FuturesRestAuth
from kraken_tui.sim.order_desk import (
    IOC_REST_REASON,
    POST_REST_REASON,
    OrderDesk,
    OrderRequest,
    PlaceResult,
)
from kraken_tui.sim.practice import AccountEvent, PracticeAccount
from kraken_tui.venues.jsontext import dump
from kraken_tui.venues.kraken_futures.private_server import num
from kraken_tui.venues.timefmt import ms_to_rfc3339

RECENT_MS = 5_000
KEPT = 500

UPDATE_REASONS = {
    "full_fill": "FULL_FILL",
    "cancelled_by_user": "CANCELLED_BY_USER",
    "dead_man_switch": "DEAD_MAN_SWITCH",
    "liquidation": "LIQUIDATION_ORDER",
    "would_not_reduce_position": "WOULD_NOT_REDUCE_POSITION",
    IOC_REST_REASON: "IOC_WOULD_NOT_EXECUTE_REASON",
    POST_REST_REASON: "POST_WOULD_EXECUTE_REASON",
    # The order desk's sendStatus words for refusals at placement:
    "iocWouldNotExecute": "IOC_WOULD_NOT_EXECUTE_REASON",
    "postWouldExecute": "POST_WOULD_EXECUTE_REASON",
    "wouldNotReducePosition": "WOULD_NOT_REDUCE_POSITION",
    "insufficientAvailableFunds": "NOT_ENOUGH_MARGIN",
}
"""Practice-account and order-desk reasons as Kraken's ``updateReason`` words."""


@dataclass(frozen=True, slots=True)
class Finished:
    order: Order
    status: str
    reason: str
    at_ms: int


def _iso(ms: int) -> str:
    return ms_to_rfc3339(ms)[:23] + "Z"


class FuturesOrderHistory:
    """Futures orders that finished lately (filled, cancelled, refused)."""

    def __init__(self, account: PracticeAccount, now_ms: Callable[[], int]) -> None:
        self.account = account
        self.now_ms = now_ms
        self.finished: deque[Finished] = deque(maxlen=KEPT)
        account.listen(self._on_event)

    def close(self) -> None:
        self.account.unlisten(self._on_event)

    def _on_event(self, event: AccountEvent) -> None:
        if event.kind != "order_closed" or event.venue is not Venue.FUTURES or not event.order:
            return
        if event.reason == "stop_order_triggered":
            return  # not finished: it works on as a limit (or market) order, same id
        status = "FULLY_EXECUTED" if event.status == "filled" else "CANCELLED"
        self._add(event.order, status, event.reason)

    def _add(self, order: Order, status: str, reason: str) -> None:
        words = UPDATE_REASONS.get(reason, reason.upper())
        self.finished.appendleft(Finished(order, status, words, self.now_ms()))

    def watch_rejections(self, desk: OrderDesk) -> None:
        """Record the futures orders ``desk`` refuses at placement as ``REJECTED``."""

        def record(request: OrderRequest, result: PlaceResult) -> None:
            if (
                request.venue is Venue.FUTURES
                and result.outcome == "rejected"
                and result.order is not None
            ):
                self._add(result.order, "REJECTED", result.reason)

        desk.watch_placements(record)

    # ------------------------------------------------------------- view
    def statuses(self, order_ids: set[str], cli_ord_ids: set[str]) -> list[dict[str, Any]]:
        def wanted(order: Order) -> bool:
            return order.order_id in order_ids or (
                bool(order.cl_ord_id) and order.cl_ord_id in cli_ord_ids
            )

        now = self.now_ms()
        rows = []
        working = set()
        for order in self.account.open_orders(Venue.FUTURES):
            if wanted(order):
                working.add(order.order_id)
                status = "TRIGGER_PLACED" if order.stop_price is not None else "ENTERED_BOOK"
                reason = "PARTIAL_FILL" if order.filled > 0 else "NEW_USER_ORDER"
                rows.append(self._row(order, status, reason, now))
        for done in self.finished:
            recent = now - done.at_ms <= RECENT_MS
            if recent and wanted(done.order) and done.order.order_id not in working:
                rows.append(self._row(done.order, done.status, done.reason, done.at_ms))
        return rows

    @staticmethod
    def _row(order: Order, status: str, reason: str, updated_ms: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "TRIGGER_ORDER" if order.stop_price is not None else "ORDER",
            "orderId": order.order_id,
            "cliOrdId": order.cl_ord_id or None,
            "symbol": order.symbol,
            "side": "buy" if order.side is OrderSide.BUY else "sell",
            "quantity": num(order.qty),
            "filled": num(order.filled),
            "limitPrice": num(order.limit_price) if order.limit_price is not None else None,
            "reduceOnly": order.reduce_only,
            "timestamp": _iso(order.time_ms),
            "lastUpdateTimestamp": _iso(updated_ms),
        }
        if order.stop_price is not None:
            body["priceTriggerOptions"] = {
                "triggerPrice": num(order.stop_price),
                "triggerSide": "TRIGGER_BELOW" if order.side is OrderSide.SELL else "TRIGGER_ABOVE",
                "triggerSignal": "LAST_PRICE",
            }
        return {"order": body, "status": status, "updateReason": reason or None, "error": None}


def add_order_status_route(
    app: web.Application, auth: FuturesRestAuth, history: FuturesOrderHistory
) -> None:
    """Register ``POST orders/status`` on ``app``."""

    async def handler(request: web.Request) -> web.Response:
        refused = await auth.check(request)
        if refused is not None:
            return refused
        pairs = list(request.query.items())
        pairs += parse_qsl(await request.text(), keep_blank_values=True)
        order_ids = {v for k, v in pairs if k == "orderIds" and v}
        cli_ord_ids = {v for k, v in pairs if k == "cliOrdIds" and v}
        body = {
            "result": "success",
            "serverTime": _iso(history.now_ms()),
            "orders": history.statuses(order_ids, cli_ord_ids),
        }
        return web.Response(text=dump(body), content_type="application/json")

    app.router.add_post(BASE + "orders/status", handler)

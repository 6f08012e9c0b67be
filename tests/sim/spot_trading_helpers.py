"""Shared by the spot trading tests: a fake order desk, the request helper, a limit order.

:class:`FakeOrderDesk` follows the :class:`~kraken_tui.sim.order_desk.OrderDesk`
contract over the spot private tests' ``FakeAccount``: the test chooses every
outcome and every account event.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from decimal import Decimal
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.account import Fill, Liquidity, Order
from kraken_tui.sim.order_desk import OrderDesk, OrderRequest, PlaceResult
from kraken_tui.sim.practice import AccountEvent
from tests.sim.test_spot_private import FakeAccount
from tests.sim.wsclient import WsClient, is_ack

D = Decimal


class FakeOrderDesk(OrderDesk):
    """Follows the OrderDesk contract over a FakeAccount; the test picks the outcomes."""

    def __init__(self, account: FakeAccount) -> None:
        self.fake_account = account
        self.requests: list[OrderRequest] = []
        self.amends: list[dict[str, Any]] = []
        self.refuse = ""
        """A reason word: the next place/amend is rejected with it."""
        self.fill_at_once = False
        """Place fills completely without announcing the order first."""
        self.working: dict[str, Order] = {}
        self.trigger_ms: int | None = None
        self._ids = itertools.count(1)

    def _emit(self, *events: AccountEvent) -> None:
        self.fake_account.emit(*events)

    def place(self, request: OrderRequest, now_ms: int) -> PlaceResult:
        self.requests.append(request)
        if self.refuse:
            reason, self.refuse = self.refuse, ""
            return PlaceResult("rejected", None, reason)
        order = Order(
            venue=Venue.SPOT,
            order_id=f"OFAKE{next(self._ids):01d}-AAAAA-BBBBBB",
            symbol=request.symbol,
            side=request.side,
            order_type="limit",
            qty=request.qty,
            limit_price=request.limit_price,
            stop_price=request.stop_price,
            time_ms=now_ms,
            cl_ord_id=request.cl_ord_id,
            status="new",
        )
        if not self.fill_at_once:
            self.working[order.order_id] = order
            self._emit(AccountEvent("order", Venue.SPOT, order=order, status="new"))
            return PlaceResult("placed", order)
        fill = Fill(
            Venue.SPOT, "TFILL0-AAAAA-000001", order.order_id, order.symbol, order.side,
            D("30010.5"), order.qty, now_ms, D("0.78"), "USD", Liquidity.TAKER,
        )  # fmt: skip
        done = replace(order, filled=order.qty, status="filled")
        self._emit(
            AccountEvent("fill", Venue.SPOT, fill=fill),
            AccountEvent("order_closed", Venue.SPOT, order=done, status="filled"),
        )
        return PlaceResult("filled", done, fills=[fill])

    def _find(self, order_id: str, cl_ord_id: str) -> Order | None:
        for order in self.working.values():
            if order.order_id == order_id or (cl_ord_id and order.cl_ord_id == cl_ord_id):
                return order
        return None

    def amend(
        self,
        venue: Venue,
        *,
        order_id: str = "",
        cl_ord_id: str = "",
        qty: Decimal | None = None,
        limit_price: Decimal | None = None,
        stop_price: Decimal | None = None,
        now_ms: int,
    ) -> PlaceResult:
        self.amends.append({"order_id": order_id, "cl_ord_id": cl_ord_id, "qty": qty,
                            "limit_price": limit_price, "stop_price": stop_price})  # fmt: skip
        order = self._find(order_id, cl_ord_id)
        if order is None:
            return PlaceResult("rejected", None, "orderForEditNotFound")
        if self.refuse:
            reason, self.refuse = self.refuse, ""
            return PlaceResult("rejected", order, reason)
        changed = replace(order, qty=qty or order.qty, limit_price=limit_price or order.limit_price)
        self.working[order.order_id] = changed
        self._emit(AccountEvent("order", Venue.SPOT, order=changed, status="new"))
        return PlaceResult("placed", changed)

    def cancel(self, venue: Venue, *, order_id: str = "", cl_ord_id: str = "") -> PlaceResult:
        order = self._find(order_id, cl_ord_id)
        if order is None:
            return PlaceResult("rejected", None, "notFound")
        del self.working[order.order_id]
        self._emit(AccountEvent("order_closed", Venue.SPOT, order=order, status="canceled"))
        return PlaceResult("cancelled", order)

    def cancel_all(self, venue: Venue, symbol: str | None = None) -> list[Order]:
        gone = list(self.working.values())
        for order in gone:
            self.cancel(venue, order_id=order.order_id)
        return gone

    def arm_dead_man(self, venue: Venue, timeout_s: int, now_ms: int) -> int | None:
        self.trigger_ms = now_ms + timeout_s * 1000 if timeout_s else None
        return self.trigger_ms

    def tick(self, now_ms: int) -> list[Order]:
        if self.trigger_ms is None or now_ms < self.trigger_ms:
            return []
        self.trigger_ms = None
        return self.cancel_all(Venue.SPOT)


async def call(
    client: WsClient, method: str, params: dict[str, Any], req_id: int = 41
) -> dict[str, Any]:
    await client.send({"method": method, "params": params, "req_id": req_id})
    return await client.recv_until(is_ack)


LIMIT_BUY = {
    "order_type": "limit",
    "side": "buy",
    "order_qty": 0.25,
    "symbol": "BTC/USD",
    "limit_price": 29000.5,
}

"""Spot WS v2 trading methods on the embedded exchange's auth port (kraken-protocol §1.12).

:class:`SpotTrading` adds ``add_order``, ``amend_order``, ``cancel_order``,
``cancel_all`` and ``cancel_all_orders_after`` to an auth-port
:class:`~kraken_tui.sim.spot_ws.SpotSession`. It checks the token and the
parameters, hands the request to the :class:`~kraken_tui.sim.order_desk.OrderDesk`
and answers with Kraken's ack or error text. The order's lifecycle is not told
here: the desk changes the practice account, and the account's events reach the
``executions`` and ``balances`` channels through the spot private desk.

While a request runs, the private desk holds the account's events back
(:class:`EventHold`), so the ack goes out before the ``executions`` reports it
causes, and an order that fills completely inside ``add_order`` is still reported
``pending_new`` then ``new`` before its trades, as Kraken does.

Choices where Kraken documents nothing: a bad token is ``ESession:Invalid
session`` (as for private subscriptions); ``validate: true`` checks the
parameters only and answers without an ``order_id``; a post-only order the desk
cancels (rather than refuses) is acknowledged, then canceled on ``executions``.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Protocol

from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.sim.order_desk import OrderDesk, OrderKind, OrderRequest
from kraken_tui.sim.outbox import Outbox
from kraken_tui.sim.spot_tokens import TokenIssuer
from kraken_tui.sim.spot_ws import SpotSession
from kraken_tui.venues.jsontext import finite_decimal
from kraken_tui.venues.kraken_spot import trading_server as enc
from kraken_tui.venues.timefmt import rfc3339_to_ms

INVALID_SESSION = "ESession:Invalid session"
MAX_DEAD_MAN_TIMEOUT = 86_400
"""``cancel_all_orders_after`` takes fewer seconds than a day."""
MAX_FREE_TEXT_ID = 18
_UUID = re.compile(r"\A[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z|\A[0-9a-fA-F]{32}\Z")
"""A ``cl_ord_id`` is a long UUID, a 32-hex short one, or free text of at most 18 characters."""

ORDER_KINDS: Mapping[str, OrderKind] = {
    "limit": "limit",
    "market": "market",
    "stop-loss": "stop",
    "stop-loss-limit": "stop",
    "take-profit": "take_profit",
    "take-profit-limit": "take_profit",
}
"""Spot ``order_type`` values the embedded exchange trades, and the desk's kind for each."""
LIMIT_TYPES = frozenset({"limit", "stop-loss-limit", "take-profit-limit"})
TRIGGER_TYPES = frozenset({"stop-loss", "stop-loss-limit", "take-profit", "take-profit-limit"})


class EventHold(Protocol):
    """Holds the practice account's events while a trading request runs."""

    def hold_events(self) -> None: ...

    def release_events(
        self, placed: Order | None = None, detail: Mapping[str, Any] | None = None
    ) -> None:
        """Send what was held; ``placed`` is an order ``add_order`` just created and
        ``detail`` its spot-only fields (``time_in_force``, ``post_only``...)."""
        ...


class _Invalid(Exception):
    """A request the exchange refuses before it reaches the desk."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


def _bad(name: str) -> _Invalid:
    return _Invalid(f"{enc.INVALID_ARGUMENTS}:{name}")


class _Reply:
    """Answers one request (several answers for ``cancel_order``)."""

    def __init__(self, outbox: Outbox, method: str, req_id: int | None, time_in: str) -> None:
        self._outbox = outbox
        self._method = method
        self._req_id = req_id
        self._time_in = time_in

    def ok(self, result: Mapping[str, Any]) -> None:
        self._outbox.put(
            enc.encode_trading_ack(self._method, result, req_id=self._req_id, time_in=self._time_in)
        )

    def fail(self, error: str) -> None:
        self._outbox.put(
            enc.encode_trading_error(
                self._method, error, req_id=self._req_id, time_in=self._time_in
            )
        )


_Placed = tuple[Order, dict[str, Any]]
_Method = Callable[[dict[str, Any], _Reply], "_Placed | None"]


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class SpotTrading:
    """The five spot trading methods over one order desk; see the module docstring."""

    def __init__(
        self,
        order_desk: OrderDesk,
        tokens: TokenIssuer,
        events: EventHold,
        *,
        now_ms: Callable[[], int] = _now_ms,
        rng: random.Random | None = None,
    ) -> None:
        self._desk = order_desk
        self._tokens = tokens
        self._events = events
        self._now_ms = now_ms
        self._rng = rng or random.Random()
        self._userrefs: dict[str, int] = {}
        """order id -> ``order_userref`` given at placement (for cancel by userref)."""
        self._methods: dict[str, _Method] = {
            "add_order": self._add_order,
            "amend_order": self._amend_order,
            "cancel_order": self._cancel_order,
            "cancel_all": self._cancel_all,
            "cancel_all_orders_after": self._cancel_after,
        }

    def attach(self, session: SpotSession) -> None:
        """Give an auth-port session the trading methods."""
        outbox = session.outbox
        for name in self._methods:
            session.methods[name] = self._handler(outbox, name)

    def _handler(self, outbox: Outbox, method: str) -> Callable[[dict[str, Any], str], None]:
        def handle(msg: dict[str, Any], time_in: str) -> None:
            self.serve(outbox, method, msg, time_in)

        return handle

    def serve(self, outbox: Outbox, method: str, msg: dict[str, Any], time_in: str) -> None:
        """Answer one trading request ``msg`` on ``outbox``."""
        req_id = msg.get("req_id") if type(msg.get("req_id")) is int else None
        reply = _Reply(outbox, method, req_id, time_in)
        params = msg.get("params")
        if not isinstance(params, dict):
            reply.fail(enc.INVALID_ARGUMENTS)
            return
        if not self._tokens.valid(params.get("token")):
            reply.fail(INVALID_SESSION)
            return
        placed: _Placed | None = None
        self._events.hold_events()
        try:
            placed = self._methods[method](params, reply)
        except _Invalid as refused:
            reply.fail(refused.error)
        finally:
            if placed is None:
                self._events.release_events()
            else:
                self._events.release_events(*placed)

    # ------------------------------------------------------------ add_order
    def _add_order(self, params: dict[str, Any], reply: _Reply) -> _Placed | None:
        order_type = params.get("order_type")
        if not isinstance(order_type, str) or order_type not in ORDER_KINDS:
            raise _bad("order_type")
        side = params.get("side")
        if side not in ("buy", "sell"):
            raise _bad("side")
        qty = _quantity(params, "order_qty")
        symbol = params.get("symbol")
        if not isinstance(symbol, str) or not symbol:
            raise _bad("symbol")
        tif = params.get("time_in_force", "gtc")
        if not isinstance(tif, str) or tif.lower() not in ("gtc", "ioc"):
            raise _bad("time_in_force")
        tif = tif.lower()
        post_only = _flag(params, "post_only")
        reduce_only = _flag(params, "reduce_only")
        validate = _flag(params, "validate")
        if post_only and (order_type != "limit" or tif == "ioc"):
            raise _bad("post_only")
        echo = _client_ids(params)
        limit_price = _price(params, "limit_price") if order_type in LIMIT_TYPES else None
        stop_price = _trigger_price(params) if order_type in TRIGGER_TYPES else None
        now = self._now_ms()
        _check_deadline(params, now)
        kind = ORDER_KINDS[order_type]
        if kind == "limit" and post_only:
            kind = "post"
        elif kind == "limit" and tif == "ioc":
            kind = "ioc"
        if validate:
            reply.ok(echo)
            return None
        request = OrderRequest(
            venue=Venue.SPOT,
            symbol=symbol,
            side=OrderSide(side),
            kind=kind,
            qty=qty,
            limit_price=limit_price,
            stop_price=stop_price,
            reduce_only=reduce_only,
            cl_ord_id=str(echo.get("cl_ord_id", "")),
        )
        result = self._desk.place(request, now)
        if result.outcome == "rejected" or result.order is None:
            # Prices were checked positive above: the desk's invalidPrice is the tick.
            tick = result.reason == "invalidPrice"
            reply.fail(enc.TICK_SIZE if tick else enc.spot_error_for(result.reason))
            return None
        order = result.order
        reply.ok({"order_id": order.order_id, **echo})
        detail: dict[str, Any] = {
            "order_type": order_type,
            "time_in_force": "IOC" if tif == "ioc" else "GTC",
            "post_only": post_only,
        }
        if "order_userref" in echo:
            detail["order_userref"] = echo["order_userref"]
            self._userrefs[order.order_id] = echo["order_userref"]
        return order, detail

    # ---------------------------------------------------------- amend_order
    def _amend_order(self, params: dict[str, Any], reply: _Reply) -> _Placed | None:
        order_id = params.get("order_id")
        cl_ord_id = params.get("cl_ord_id")
        if (order_id is None) == (cl_ord_id is None):
            raise _bad("order_id")
        name, given = ("order_id", order_id) if order_id is not None else ("cl_ord_id", cl_ord_id)
        if not isinstance(given, str) or not given:
            raise _bad(name)
        qty = _quantity(params, "order_qty")
        limit_price = _price(params, "limit_price") if "limit_price" in params else None
        stop_price = _price(params, "trigger_price") if "trigger_price" in params else None
        _flag(params, "post_only")
        now = self._now_ms()
        _check_deadline(params, now)
        result = self._desk.amend(
            Venue.SPOT,
            order_id=given if name == "order_id" else "",
            cl_ord_id=given if name == "cl_ord_id" else "",
            qty=qty,
            limit_price=limit_price,
            stop_price=stop_price,
            now_ms=now,
        )
        if result.outcome == "rejected":
            reply.fail(enc.spot_error_for(result.reason or "notFound"))
            return None
        reply.ok({"amend_id": enc.amend_id(self._rng), name: given})
        return None

    # --------------------------------------------------------- cancel_order
    def _cancel_order(self, params: dict[str, Any], reply: _Reply) -> _Placed | None:
        order_ids = _id_list(params, "order_id", str)
        cl_ord_ids = _id_list(params, "cl_ord_id", str)
        userrefs = _id_list(params, "order_userref", int)
        if not (order_ids or cl_ord_ids or userrefs):
            raise _bad("order_id")
        for order_id in order_ids:
            self._cancel_one(reply, order_id=order_id)
        for cl_ord_id in cl_ord_ids:
            self._cancel_one(reply, cl_ord_id=cl_ord_id)
        for userref in userrefs:
            matching = [oid for oid, ref in self._userrefs.items() if ref == userref]
            done = [oid for oid in matching if self._cancel_one(reply, order_id=oid, quiet=True)]
            if not done:
                reply.fail(enc.UNKNOWN_ORDER)
        return None

    def _cancel_one(
        self, reply: _Reply, *, order_id: str = "", cl_ord_id: str = "", quiet: bool = False
    ) -> bool:
        """Cancel one order; one reply per order (a failure is silent when ``quiet``)."""
        result = self._desk.cancel(Venue.SPOT, order_id=order_id, cl_ord_id=cl_ord_id)
        if result.outcome == "rejected" or result.order is None:
            if not quiet:
                reply.fail(enc.UNKNOWN_ORDER)
            return False
        self._userrefs.pop(result.order.order_id, None)
        answer = {"order_id": result.order.order_id}
        if cl_ord_id:
            answer["cl_ord_id"] = cl_ord_id
        reply.ok(answer)
        return True

    # ----------------------------------------------------------- cancel_all
    def _cancel_all(self, params: dict[str, Any], reply: _Reply) -> _Placed | None:
        cancelled = self._desk.cancel_all(Venue.SPOT)
        for order in cancelled:
            self._userrefs.pop(order.order_id, None)
        reply.ok({"count": len(cancelled)})
        return None

    def _cancel_after(self, params: dict[str, Any], reply: _Reply) -> _Placed | None:
        timeout = params.get("timeout")
        if type(timeout) is not int or not 0 <= timeout < MAX_DEAD_MAN_TIMEOUT:
            raise _bad("timeout")
        now = self._now_ms()
        trigger = self._desk.arm_dead_man(Venue.SPOT, timeout, now)
        reply.ok(enc.dead_man_result(now, trigger))
        return None


# ------------------------------------------------------------- parameters


def _quantity(params: Mapping[str, Any], name: str) -> Decimal:
    qty = finite_decimal(params.get(name))
    if qty is None or qty <= 0:
        raise _bad(name)
    return qty


def _price(params: Mapping[str, Any], name: str) -> Decimal:
    price = finite_decimal(params.get(name))
    if price is None:
        raise _bad(name)
    if price <= 0:
        raise _Invalid(enc.INVALID_PRICE)
    return price


def _trigger_price(params: Mapping[str, Any]) -> Decimal:
    triggers = params.get("triggers")
    if not isinstance(triggers, dict):
        raise _bad("triggers")
    if triggers.get("reference", "last") not in ("last", "index"):
        raise _bad("reference")
    if triggers.get("price_type", "static") != "static":
        raise _bad("price_type")
    return _price(triggers, "price")


def _flag(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name, False)
    if not isinstance(value, bool):
        raise _bad(name)
    return value


def _client_ids(params: Mapping[str, Any]) -> dict[str, Any]:
    """The ``cl_ord_id`` xor ``order_userref`` to echo in the ack."""
    cl_ord_id = params.get("cl_ord_id")
    userref = params.get("order_userref")
    if cl_ord_id is not None and userref is not None:
        raise _bad("cl_ord_id")
    if cl_ord_id is not None:
        if not isinstance(cl_ord_id, str) or not (
            _UUID.match(cl_ord_id) or 0 < len(cl_ord_id) <= MAX_FREE_TEXT_ID
        ):
            raise _bad("cl_ord_id")
        return {"cl_ord_id": cl_ord_id}
    if userref is not None:
        if type(userref) is not int:
            raise _bad("order_userref")
        return {"order_userref": userref}
    return {}


def _check_deadline(params: Mapping[str, Any], now_ms: int) -> None:
    """A ``deadline`` already past refuses the request, as Kraken's engine does."""
    deadline = params.get("deadline")
    if deadline is None:
        return
    try:
        when = rfc3339_to_ms(deadline) if isinstance(deadline, str) else None
    except ValueError:
        when = None
    if when is None:
        raise _bad("deadline")
    if when < now_ms:
        raise _Invalid(enc.DEADLINE_ELAPSED)


def _id_list(params: Mapping[str, Any], name: str, kind: type) -> list[Any]:
    value = params.get(name)
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or not value
        or not all(type(item) is kind and item != "" for item in value)
    ):
        raise _bad(name)
    return value

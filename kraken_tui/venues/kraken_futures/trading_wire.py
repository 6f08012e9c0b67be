"""Derivatives REST v3 trading: request builders and answer readers (kraken-protocol §4.2-4.4).

Builders return a :class:`FuturesRequest` whose :attr:`~FuturesRequest.post_data` is
the URL-encoded parameter string built once: the client sends exactly those bytes
and signs exactly that text. Bad input raises ``ValueError`` before anything is sent.

Readers turn ``(http_status, body)`` into an outcome of :mod:`kraken_tui.venues.outcomes`:
HTTP 5xx and unreadable bodies are :class:`Ambiguous`, never an error to retry.
Note the field-name mix: ``editorder`` takes ``orderId``, ``cancelorder`` ``order_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote, urlencode

from kraken_tui.model import Venue
from kraken_tui.model.account import Order, OrderSide
from kraken_tui.venues.errors import FrameError
from kraken_tui.venues.jsontext import finite_decimal, load_object, positive_decimal
from kraken_tui.venues.kraken_futures import trading_status as st
from kraken_tui.venues.outcomes import Accepted, Ambiguous, OrderEvent, Outcome, Rejected
from kraken_tui.venues.timefmt import rfc3339_to_ms

API_PREFIX = "/derivatives/api/v3/"
ORDER_TYPES = frozenset({"lmt", "post", "ioc", "fok", "mkt", "stp", "take_profit"})
LIMIT_TYPES = frozenset({"lmt", "post", "ioc", "fok"})
STOP_TYPES = frozenset({"stp", "take_profit"})
TRIGGER_SIGNALS = frozenset({"mark", "index", "last"})
MAX_CLI_ORD_ID = 100
MAX_DEAD_MAN_TIMEOUT = 2**32 - 1

NumberIn = Decimal | int | str


@dataclass(frozen=True, slots=True)
class FuturesRequest:
    method: Literal["GET", "POST"]
    endpoint: str
    """``sendorder``, ``openorders``..."""
    params: tuple[tuple[str, str], ...] = ()
    cli_ord_id: str = ""

    @property
    def path(self) -> str:
        return API_PREFIX + self.endpoint

    @property
    def post_data(self) -> str:
        """The parameters exactly as transmitted and signed (spaces as ``%20``, no ``?``)."""
        return urlencode(self.params, quote_via=quote, safe="")


def new_cli_ord_id() -> str:
    return str(uuid.uuid4())


def number_text(value: NumberIn, what: str) -> str:
    """A positive finite number as plain decimal text (never through a binary float)."""
    return format(positive_decimal(value, what), "f")


def _side(side: OrderSide | str) -> str:
    text = str(side.value if isinstance(side, OrderSide) else side).lower()
    if text not in ("buy", "sell"):
        raise ValueError(f"side must be buy or sell, got {side!r}")
    return text


def _cli_ord_id(value: str | None) -> str:
    if not value:
        return new_cli_ord_id()
    if len(value) > MAX_CLI_ORD_ID:
        raise ValueError(f"client order id longer than {MAX_CLI_ORD_ID} characters")
    return value


def _one_id(order_id: str | None, cli_ord_id: str | None) -> None:
    if bool(order_id) == bool(cli_ord_id):
        raise ValueError("give exactly one of order_id and cli_ord_id")


def send_order_request(
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
) -> FuturesRequest:
    """``POST sendorder``. ``order_type`` is Kraken's word (``lmt``, ``post``, ``ioc``,
    ``fok``, ``mkt``, ``stp``, ``take_profit``); a missing client order id gets a UUID4."""
    if order_type not in ORDER_TYPES:
        raise ValueError(f"unsupported order type {order_type!r}")
    if not symbol:
        raise ValueError("symbol is required")
    if order_type in LIMIT_TYPES and limit_price is None:
        raise ValueError(f"a {order_type} order needs a limit price")
    if order_type in STOP_TYPES and stop_price is None:
        raise ValueError(f"a {order_type} order needs a stop price")
    if trigger_signal is not None and trigger_signal not in TRIGGER_SIGNALS:
        raise ValueError(f"trigger signal must be mark, index or last, got {trigger_signal!r}")
    cid = _cli_ord_id(cli_ord_id)
    params = [
        ("orderType", order_type),
        ("symbol", symbol),
        ("side", _side(side)),
        ("size", number_text(size, "size")),
    ]
    if limit_price is not None and order_type != "mkt":
        params.append(("limitPrice", number_text(limit_price, "limit price")))
    if stop_price is not None:
        params.append(("stopPrice", number_text(stop_price, "stop price")))
    if trigger_signal is not None:
        params.append(("triggerSignal", trigger_signal))
    if reduce_only:
        params.append(("reduceOnly", "true"))
    params.append(("cliOrdId", cid))
    return FuturesRequest("POST", "sendorder", tuple(params), cid)


def edit_order_request(
    *,
    order_id: str | None = None,
    cli_ord_id: str | None = None,
    size: NumberIn | None = None,
    limit_price: NumberIn | None = None,
    stop_price: NumberIn | None = None,
) -> FuturesRequest:
    """``POST editorder``: a new open size and/or prices for one working order."""
    _one_id(order_id, cli_ord_id)
    params = [("orderId", order_id)] if order_id else [("cliOrdId", cli_ord_id or "")]
    if size is not None:
        params.append(("size", number_text(size, "size")))
    if limit_price is not None:
        params.append(("limitPrice", number_text(limit_price, "limit price")))
    if stop_price is not None:
        params.append(("stopPrice", number_text(stop_price, "stop price")))
    if len(params) == 1:
        raise ValueError("nothing to change: give a size or a price")
    return FuturesRequest("POST", "editorder", tuple(params), cli_ord_id or "")


def cancel_order_request(
    *, order_id: str | None = None, cli_ord_id: str | None = None
) -> FuturesRequest:
    """``POST cancelorder`` by exchange id (``order_id``) or client id (``cliOrdId``)."""
    _one_id(order_id, cli_ord_id)
    params = (("order_id", order_id),) if order_id else (("cliOrdId", cli_ord_id or ""),)
    return FuturesRequest("POST", "cancelorder", params, cli_ord_id or "")


def cancel_all_request(symbol: str | None = None) -> FuturesRequest:
    """``POST cancelallorders``, for every market or one ``symbol``."""
    return FuturesRequest("POST", "cancelallorders", (("symbol", symbol),) if symbol else ())


def cancel_all_after_request(timeout_s: int) -> FuturesRequest:
    """``POST cancelallordersafter``: cancel everything in ``timeout_s`` seconds; 0 disarms."""
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, int):
        raise ValueError("the dead-man timeout is a whole number of seconds")
    if not 0 <= timeout_s <= MAX_DEAD_MAN_TIMEOUT:
        raise ValueError(f"the dead-man timeout must be 0..{MAX_DEAD_MAN_TIMEOUT} seconds")
    return FuturesRequest("POST", "cancelallordersafter", (("timeout", str(timeout_s)),))


def open_orders_request() -> FuturesRequest:
    return FuturesRequest("GET", "openorders")


# ------------------------------------------------------------------ answers


def _body(
    http_status: int, raw: bytes, request: FuturesRequest
) -> dict[str, Any] | Rejected | Ambiguous:
    """The success body, or the outcome that a non-success answer already decides."""
    cid = request.cli_ord_id
    if http_status >= 500:
        return Ambiguous(f"the exchange answered HTTP {http_status}", cli_ord_id=cid)
    try:
        body: dict[str, Any] | None = load_object(raw)
    except FrameError:
        body = None
    if body is not None and body.get("result") == "error":
        code = str(body.get("error") or _first(body.get("errors")) or "unknownError")
        if code in st.AMBIGUOUS_ERRORS:
            return Ambiguous(st.error_message(code), cli_ord_id=cid)
        return Rejected(code, st.error_message(code), cli_ord_id=cid)
    if 300 <= http_status < 400:
        return Rejected(
            f"HTTP {http_status}",
            "the exchange redirected the request, so nothing was done (is this endpoint retired?)",
            cli_ord_id=cid,
        )
    if http_status >= 400:
        return Rejected(
            f"HTTP {http_status}",
            f"the exchange refused the request (HTTP {http_status})",
            cli_ord_id=cid,
        )
    if body is None:
        return Ambiguous("the exchange's answer was not JSON", cli_ord_id=cid)
    if body.get("result") != "success":
        return Ambiguous("the exchange's answer had no result", cli_ord_id=cid)
    return body


def _first(values: object) -> object:
    return values[0] if isinstance(values, list) and values else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


_EVENT_ORDER_KEYS = ("order", "new", "orderPriorExecution")


def parse_events(events: object) -> tuple[OrderEvent, ...]:
    """``orderEvents[]`` leniently: entries that are not objects are skipped."""
    if not isinstance(events, list):
        return ()
    parsed = []
    for event in events:
        if not isinstance(event, dict):
            continue
        order: dict[str, Any] = next(
            (event[k] for k in _EVENT_ORDER_KEYS if isinstance(event.get(k), dict)), {}
        )
        parsed.append(
            OrderEvent(
                type=_text(event.get("type")),
                order_id=_text(order.get("orderId")) or _text(event.get("uid")),
                cli_ord_id=_text(order.get("cliOrdId")),
                reason=_text(event.get("reason")),
                price=finite_decimal(event.get("price")),
                amount=finite_decimal(event.get("amount")),
                execution_id=_text(event.get("executionId")),
                raw=event,
            )
        )
    return tuple(parsed)


def _status_outcome(
    body: dict[str, Any],
    key: str,
    request: FuturesRequest,
    accepted: frozenset[str],
    message: Any,
) -> Outcome:
    block = body.get(key)
    status = _text(block.get("status")) if isinstance(block, dict) else ""
    if not isinstance(block, dict) or not status:
        return Ambiguous(f"the answer had no {key}", cli_ord_id=request.cli_ord_id)
    order_id = _text(block.get("order_id")) or _text(block.get("orderId"))
    cid = _text(block.get("cliOrdId")) or request.cli_ord_id
    events = parse_events(block.get("orderEvents"))
    if status in accepted:
        return Accepted(status, message(status), order_id=order_id, cli_ord_id=cid, events=events)
    return Rejected(
        status,
        message(status),
        order_id=order_id,
        cli_ord_id=cid,
        reconcile=status in st.RECONCILE_STATUSES,
        events=events,
    )


def read_send_order(http_status: int, raw: bytes, request: FuturesRequest) -> Outcome:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    outcome = _status_outcome(body, "sendStatus", request, st.ACCEPTED_SEND, st.status_message)
    if isinstance(outcome, Accepted):
        return replace(outcome, message=_placed_message(outcome))
    return outcome


def _placed_message(outcome: Accepted) -> str:
    """``placed`` is said even when the order traded at once: the events tell the rest."""
    kinds = {e.type for e in outcome.events}
    filled = format(outcome.filled, "f")
    if outcome.filled and "CANCEL" in kinds:
        return f"{filled} filled at once; the rest was cancelled"
    if outcome.filled and "PLACE" in kinds:
        return f"order placed; {filled} filled at once, the rest is working"
    if outcome.filled:
        return f"order filled ({filled})"
    if "CANCEL" in kinds:
        return "order cancelled at once: nothing traded"
    return outcome.message


def read_edit_order(http_status: int, raw: bytes, request: FuturesRequest) -> Outcome:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    return _status_outcome(body, "editStatus", request, st.ACCEPTED_EDIT, st.status_message)


def read_cancel_order(http_status: int, raw: bytes, request: FuturesRequest) -> Outcome:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    return _status_outcome(body, "cancelStatus", request, st.ACCEPTED_CANCEL, st.cancel_message)


def read_cancel_all(http_status: int, raw: bytes, request: FuturesRequest) -> Outcome:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    outcome = _status_outcome(
        body, "cancelStatus", request, st.ACCEPTED_CANCEL_ALL, st.cancel_message
    )
    if not isinstance(outcome, Accepted):
        return outcome
    cancelled = body["cancelStatus"].get("cancelledOrders")
    ids = tuple(
        _text(o.get("order_id"))
        for o in (cancelled if isinstance(cancelled, list) else ())
        if isinstance(o, dict) and _text(o.get("order_id"))
    )
    message = outcome.message if not ids else f"{len(ids)} order(s) cancelled"
    return Accepted(outcome.status, message, events=outcome.events, cancelled_ids=ids)


def read_cancel_all_after(http_status: int, raw: bytes, request: FuturesRequest) -> Outcome:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    block = body.get("status")
    if not isinstance(block, dict) or "triggerTime" not in block:
        return Ambiguous("the answer had no trigger time")
    trigger = _text(block.get("triggerTime"))
    if trigger in ("", "0"):
        return Accepted("disarmed", "dead-man switch off")
    return Accepted("armed", f"dead-man switch armed until {trigger}", trigger_time=trigger)


@dataclass(frozen=True, slots=True)
class OpenOrders:
    """``GET openorders``: the working orders; ``skipped`` counts entries too broken to read."""

    orders: tuple[Order, ...]
    skipped: int = 0


_TYPE_NAMES = {"lmt": "limit", "stp": "stop", "stop": "stop"}


def order_from_rest(entry: Mapping[str, Any]) -> Order:
    """One ``openOrders[]`` entry as :class:`Order`; ValueError when it cannot be read."""
    side = _text(entry.get("side")).lower()
    filled = finite_decimal(entry.get("filledSize")) or Decimal(0)
    unfilled = finite_decimal(entry.get("unfilledSize"))
    order_id = _text(entry.get("order_id")) or _text(entry.get("orderId"))
    if not order_id or side not in ("buy", "sell") or unfilled is None:
        raise ValueError("open order without id, side or size")
    received = _text(entry.get("receivedTime"))
    kind = _text(entry.get("orderType"))
    return Order(
        venue=Venue.FUTURES,
        order_id=order_id,
        symbol=_text(entry.get("symbol")).upper(),
        side=OrderSide(side),
        order_type=_TYPE_NAMES.get(kind, kind),
        qty=filled + unfilled,
        filled=filled,
        limit_price=finite_decimal(entry.get("limitPrice")) or None,
        stop_price=finite_decimal(entry.get("stopPrice")) or None,
        time_ms=rfc3339_to_ms(received) if received else 0,
        cl_ord_id=_text(entry.get("cliOrdId")),
        reduce_only=entry.get("reduceOnly") is True,
        status=_text(entry.get("status")) or "open",
    )


def read_open_orders(
    http_status: int, raw: bytes, request: FuturesRequest
) -> OpenOrders | Rejected | Ambiguous:
    body = _body(http_status, raw, request)
    if not isinstance(body, dict):
        return body
    entries = body.get("openOrders")
    if not isinstance(entries, list):
        return Ambiguous("the answer had no openOrders list")
    orders, skipped = _orders(entries)
    return OpenOrders(tuple(orders), skipped)


def _orders(entries: Iterable[object]) -> tuple[list[Order], int]:
    orders: list[Order] = []
    skipped = 0
    for entry in entries:
        try:
            if not isinstance(entry, dict):
                raise ValueError("not an object")
            orders.append(order_from_rest(entry))
        except ValueError:
            skipped += 1
    return orders, skipped

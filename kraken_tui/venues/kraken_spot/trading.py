"""Spot WebSocket v2 trading (kraken-protocol §1.12-1.13): request encoders, ack decoder,
and Kraken's error texts in plain language.

Client side::

    ws.send(add_order(token, order_type="limit", side="buy", order_qty=Decimal("0.01"),
                      symbol="BTC/USD", limit_price=Decimal("60000.1"),
                      cl_ord_id=new_cl_ord_id(), req_id=7))
    ack = decode_trading_ack(frame)       # TradingAck | UnknownFrame; FrameError if broken
    outcome = ack.outcome()               # Accepted | Rejected | Ambiguous

An ack only says the request was accepted; the order's life is on ``executions``.
A request whose ack never comes (timeout, dropped socket) is the caller's
:class:`~kraken_tui.venues.outcomes.Ambiguous`: never resend, reconcile first.

Encoders write numbers from Decimals (exact text, never binary floats), never emit
``no_mpp``, and reveal the session token only inside the expression that writes
the frame. Bad input raises ``ValueError`` before anything is written.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import Field, StrictBool, ValidationError

from kraken_tui.model.account import OrderSide
from kraken_tui.model.secret import Secret
from kraken_tui.venues.errors import FrameError, UnknownFrame
from kraken_tui.venues.jsontext import decimal_number, dump, load_object, positive_decimal
from kraken_tui.venues.kraken_spot.messages import WireModel
from kraken_tui.venues.outcomes import Accepted, Ambiguous, Rejected

ADD_ORDER = "add_order"
AMEND_ORDER = "amend_order"
CANCEL_ORDER = "cancel_order"
CANCEL_ALL = "cancel_all"
CANCEL_AFTER = "cancel_all_orders_after"
TRADING_METHODS = frozenset({ADD_ORDER, AMEND_ORDER, CANCEL_ORDER, CANCEL_ALL, CANCEL_AFTER})

LIMIT_TYPES = frozenset({"limit", "stop-loss-limit", "take-profit-limit"})
TRIGGER_TYPES = frozenset({"stop-loss", "stop-loss-limit", "take-profit", "take-profit-limit"})
ORDER_TYPES = LIMIT_TYPES | TRIGGER_TYPES | {"market"}
TIME_IN_FORCE = frozenset({"gtc", "gtd", "ioc"})
MAX_DEAD_MAN_TIMEOUT = 86_399
_UUID = re.compile(r"\A[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\Z|\A[0-9a-fA-F]{32}\Z")
MAX_FREE_TEXT_ID = 18

Token = Secret | str
NumberIn = Decimal | int | str


def new_cl_ord_id() -> str:
    """A fresh client order id (a UUID4, one of the three forms Kraken accepts)."""
    return str(uuid.uuid4())


def check_cl_ord_id(value: str) -> str:
    """A long UUID, a 32-hex short UUID, or free text of at most 18 characters."""
    if not value or not (_UUID.match(value) or len(value) <= MAX_FREE_TEXT_ID):
        raise ValueError("cl_ord_id must be a UUID, 32 hex digits or at most 18 characters")
    return value


def _number(value: NumberIn, what: str) -> Any:
    return decimal_number(positive_decimal(value, what))


def _side(side: OrderSide | str) -> str:
    text = str(side.value if isinstance(side, OrderSide) else side).lower()
    if text not in ("buy", "sell"):
        raise ValueError(f"side must be buy or sell, got {side!r}")
    return text


def _frame(method: str, params: dict[str, Any], token: Token, req_id: int | None) -> str:
    msg: dict[str, Any] = {"method": method, "params": params}
    if req_id is not None:
        msg["req_id"] = req_id
    return dump(
        msg | {"params": params | {"token": token.reveal() if isinstance(token, Secret) else token}}
    )


def add_order(
    token: Token,
    *,
    order_type: str,
    side: OrderSide | str,
    order_qty: NumberIn,
    symbol: str,
    cl_ord_id: str,
    limit_price: NumberIn | None = None,
    trigger_price: NumberIn | None = None,
    trigger_reference: str = "last",
    time_in_force: str | None = None,
    post_only: bool = False,
    reduce_only: bool = False,
    deadline: str | None = None,
    validate: bool = False,
    req_id: int | None = None,
) -> str:
    """``add_order``: limit, market, stop-loss(-limit), take-profit(-limit). Stops carry
    ``triggers {reference, price, price_type: static}``; ``time_in_force`` gtc/gtd/ioc."""
    if order_type not in ORDER_TYPES:
        raise ValueError(f"unsupported order type {order_type!r}")
    if not symbol:
        raise ValueError("symbol is required")
    if order_type in LIMIT_TYPES and limit_price is None:
        raise ValueError(f"a {order_type} order needs a limit price")
    if order_type not in LIMIT_TYPES and limit_price is not None:
        raise ValueError(f"a {order_type} order takes no limit price")
    if (order_type in TRIGGER_TYPES) != (trigger_price is not None):
        raise ValueError(f"a trigger price goes with stop/take-profit orders, not {order_type}")
    if trigger_reference not in ("last", "index"):
        raise ValueError("trigger reference must be last or index")
    if time_in_force is not None and time_in_force not in TIME_IN_FORCE:
        raise ValueError(f"time in force must be gtc, gtd or ioc, got {time_in_force!r}")
    if post_only and (order_type != "limit" or time_in_force == "ioc"):
        raise ValueError("post-only goes with a resting limit order only")
    params: dict[str, Any] = {
        "order_type": order_type,
        "side": _side(side),
        "order_qty": _number(order_qty, "order quantity"),
        "symbol": symbol,
    }
    if limit_price is not None:
        params["limit_price"] = _number(limit_price, "limit price")
    if trigger_price is not None:
        params["triggers"] = {
            "reference": trigger_reference,
            "price": _number(trigger_price, "trigger price"),
            "price_type": "static",
        }
    if time_in_force is not None:
        params["time_in_force"] = time_in_force
    if post_only:
        params["post_only"] = True
    if reduce_only:
        params["reduce_only"] = True
    if deadline is not None:
        params["deadline"] = deadline
    if validate:
        params["validate"] = True
    params["cl_ord_id"] = check_cl_ord_id(cl_ord_id)
    return _frame(ADD_ORDER, params, token, req_id)


def amend_order(
    token: Token,
    *,
    order_id: str | None = None,
    cl_ord_id: str | None = None,
    order_qty: NumberIn | None = None,
    limit_price: NumberIn | None = None,
    trigger_price: NumberIn | None = None,
    post_only: bool | None = None,
    deadline: str | None = None,
    req_id: int | None = None,
) -> str:
    """``amend_order`` in place (keeps the ids and, where it can, queue priority). Kraken
    documents ``order_qty`` as required: pass the order's quantity even to move its price."""
    if bool(order_id) == bool(cl_ord_id):
        raise ValueError("give exactly one of order_id and cl_ord_id")
    params: dict[str, Any] = {"order_id": order_id} if order_id else {"cl_ord_id": cl_ord_id}
    if order_qty is not None:
        params["order_qty"] = _number(order_qty, "order quantity")
    if limit_price is not None:
        params["limit_price"] = _number(limit_price, "limit price")
    if trigger_price is not None:
        params["trigger_price"] = _number(trigger_price, "trigger price")
    if post_only is not None:
        params["post_only"] = post_only
    if deadline is not None:
        params["deadline"] = deadline
    if len(params) == 1:
        raise ValueError("nothing to amend: give a quantity or a price")
    return _frame(AMEND_ORDER, params, token, req_id)


def cancel_order(
    token: Token,
    *,
    order_ids: Sequence[str] = (),
    cl_ord_ids: Sequence[str] = (),
    req_id: int | None = None,
) -> str:
    """``cancel_order`` for one or more orders; Kraken answers once per order."""
    if isinstance(order_ids, str) or isinstance(cl_ord_ids, str):
        raise ValueError("order ids go in a list, not a bare string")
    if not order_ids and not cl_ord_ids:
        raise ValueError("give at least one order_id or cl_ord_id")
    params: dict[str, Any] = {}
    if order_ids:
        params["order_id"] = list(order_ids)
    if cl_ord_ids:
        params["cl_ord_id"] = list(cl_ord_ids)
    return _frame(CANCEL_ORDER, params, token, req_id)


def cancel_all(token: Token, *, req_id: int | None = None) -> str:
    """``cancel_all``: every open order of the account, untriggered ones included."""
    return _frame(CANCEL_ALL, {}, token, req_id)


def cancel_all_orders_after(token: Token, timeout: int, *, req_id: int | None = None) -> str:
    """The dead-man switch: cancel everything in ``timeout`` seconds (< 86400); 0 disarms."""
    if isinstance(timeout, bool) or not isinstance(timeout, int):
        raise ValueError("the dead-man timeout is a whole number of seconds")
    if not 0 <= timeout <= MAX_DEAD_MAN_TIMEOUT:
        raise ValueError(f"the dead-man timeout must be 0..{MAX_DEAD_MAN_TIMEOUT} seconds")
    return _frame(CANCEL_AFTER, {"timeout": timeout}, token, req_id)


# --------------------------------------------------------------------- acks


class TradingResult(WireModel):
    """The ``result`` of a trading ack; which fields are set depends on the method."""

    order_id: str | None = None
    cl_ord_id: str | None = None
    order_userref: int | None = None
    amend_id: str | None = None
    count: int | None = None
    currentTime: str | None = None  # Kraken's spelling
    triggerTime: str | None = None  # Kraken's spelling
    warnings: list[str] = Field(default_factory=list)


class TradingAck(WireModel):
    """A reply to one trading request. Match it to the request by ``req_id``."""

    method: str
    success: StrictBool
    result: TradingResult | None = None
    error: str | None = None
    req_id: int | None = None
    time_in: str | None = None
    time_out: str | None = None

    def outcome(self, cli_ord_id: str = "") -> Accepted | Rejected | Ambiguous:
        """The ack as an outcome; ``cli_ord_id`` fills in what the ack does not echo."""
        if not self.success:
            return spot_refusal(self.error or "", cli_ord_id=cli_ord_id)
        result = self.result or TradingResult()
        cid = result.cl_ord_id or cli_ord_id
        order_id = result.order_id or ""
        if self.method == CANCEL_AFTER:
            trigger = result.triggerTime or ""
            if trigger in ("", "0"):
                return Accepted("disarmed", "dead-man switch off")
            return Accepted("armed", f"dead-man switch armed until {trigger}", trigger_time=trigger)
        if self.method == CANCEL_ALL:
            return Accepted(
                "cancelled", f"{result.count or 0} order(s) cancelled", count=result.count
            )
        status, message = _SUCCESS.get(self.method, ("accepted", "request accepted"))
        return Accepted(status, message, order_id=order_id, cli_ord_id=cid)


_SUCCESS = {
    ADD_ORDER: ("placed", "order accepted"),
    AMEND_ORDER: ("amended", "order changed"),
    CANCEL_ORDER: ("cancelled", "order cancelled"),
}


def decode_trading_ack(frame: str | bytes) -> TradingAck | UnknownFrame:
    """Decode an ack of the five trading methods; other frames come back as UnknownFrame.

    Raises :class:`FrameError` for a frame that is not a JSON object, or a trading ack
    with a broken shape (``success`` not a bool, ``result`` not an object...).
    """
    msg = load_object(frame)
    if msg.get("method") not in TRADING_METHODS or "success" not in msg:
        return UnknownFrame(msg)
    try:
        ack = TradingAck.model_validate(msg)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise FrameError(f"bad {msg['method']} ack at {where}: {first['msg']}") from None
    if ack.success and ack.result is None and ack.method != CANCEL_ALL:
        raise FrameError(f"{ack.method} success ack without a result")
    return ack


# ------------------------------------------------------------------- errors

SPOT_ERROR_MESSAGES: dict[str, str] = {
    "EOrder:Insufficient funds": "not enough funds available for this order",
    "EOrder:Order minimum not met": "the order is smaller than this market's minimum size",
    "EOrder:Cost minimum not met": "the order's value is below this market's minimum",
    "EOrder:Tick size check failed": "the price is not a multiple of this market's tick size",
    "EOrder:Invalid price": "the price is not valid for this market",
    "EOrder:Reduce only:No position exists": "reduce-only order, but there is no position",
    "EOrder:Reduce only:Position is closed": "reduce-only order, but the position is closed",
    "EOrder:Orders limit exceeded": "too many open orders on this market; cancel some first",
    "EOrder:Rate limit exceeded": "too many order requests on this market; wait a moment",
    "EOrder:Unknown order": "no such open order: it may already be filled or cancelled",
    "EOrder:Invalid order": "no such open order: it may already be filled or cancelled",
    "EOrder:Post only order": "post-only order would have taken liquidity, so it was not placed",
    "EOrder:Insufficient liquidity": "not enough in the book to trade at that price; nothing done",
    "EGeneral:Invalid arguments": "a field of the order was not accepted",
    "EGeneral:Permission denied": "the API key is not allowed to do this",
    "EGeneral:Temporary lockout": "trading is locked for a while after too many failed requests",
    "EGeneral:Internal error": "the exchange had an internal error",
    "EService:Unavailable": "the exchange's trading service is unavailable",
    "EService:Busy": "the exchange is too busy to answer",
    "EService:Market in cancel_only mode": "the market takes cancels only right now",
    "EService:Market in post_only mode": "the market takes post-only orders only right now",
    "EService:Deadline elapsed": "the order reached the exchange after its deadline; not placed",
    "EAPI:Invalid key": "the exchange did not accept the API key",
    "EAPI:Invalid signature": "the exchange did not accept the request's signature",
    "EAPI:Invalid nonce": "refused as out of sequence (nonce); nothing was done",
    "EAPI:Invalid token": "the session token was not accepted; reconnect to get a new one",
    "EAPI:Rate limit exceeded": "too many requests; wait a moment",
    "ESession:Invalid session": "the trading session is not valid; reconnect",
}

AMBIGUOUS_SPOT_ERRORS = frozenset(
    {"EService:Unavailable", "EService:Busy", "EGeneral:Internal error"}
)
"""Errors that do not say whether the order was placed: reconcile before anything else."""
RECONCILE_SPOT_ERRORS = frozenset({"EOrder:Unknown order", "EOrder:Invalid order"})


def _known_prefix(error: str) -> tuple[str, str]:
    """The longest table entry ``error`` starts with, and the detail after it."""
    best = ""
    for known in SPOT_ERROR_MESSAGES:
        if len(known) > len(best) and (error == known or error.startswith(known + ":")):
            best = known
    return best, error[len(best) + 1 :] if best else ""


def spot_error_message(error: str) -> str:
    """Plain words for a Kraken spot error text; unknown text is kept as it is."""
    known, detail = _known_prefix(error.strip())
    if not known:
        return f"refused by the exchange ({error})" if error else "refused without a reason"
    message = SPOT_ERROR_MESSAGES[known]
    return f"{message} ({detail})" if detail else message


def spot_refusal(error: str, *, cli_ord_id: str = "") -> Rejected | Ambiguous:
    """A failed ack as an outcome: Rejected, or Ambiguous for service errors."""
    known, _ = _known_prefix(error.strip())
    if known in AMBIGUOUS_SPOT_ERRORS:
        return Ambiguous(spot_error_message(error), cli_ord_id=cli_ord_id)
    return Rejected(
        error,
        spot_error_message(error),
        cli_ord_id=cli_ord_id,
        reconcile=known in RECONCILE_SPOT_ERRORS,
    )

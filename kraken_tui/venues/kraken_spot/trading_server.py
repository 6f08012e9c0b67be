"""Server-side Spot v2 trading replies: ``add_order``, ``amend_order``, ``cancel_order``,
``cancel_all`` and ``cancel_all_orders_after`` acks, and Kraken's error texts for them.

Shapes follow kraken-protocol.md §1.12: a success carries ``result``; a failure
carries ``error`` (a Kraken REST error string, §1.13) and no ``result``. Both carry
``time_in``/``time_out`` and echo ``req_id`` when the request had one.

The order desk explains a refusal with a futures ``sendStatus`` word
(``insufficientAvailableFunds``...); :func:`spot_error_for` turns it into the text
a spot client would see. Kraken documents no text for a post-only order that
would take liquidity (it accepts such an order and cancels it at once with the
reason ``Post only order``); when the desk refuses one outright the error is
``EOrder:Post only order``, the same words.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from typing import Any

from kraken_tui.venues.kraken_spot.private_server import encode_private_ack, kraken_id
from kraken_tui.venues.kraken_spot.server import encode_error_ack

TRADING_METHODS = (
    "add_order",
    "amend_order",
    "cancel_order",
    "cancel_all",
    "cancel_all_orders_after",
)

INVALID_ARGUMENTS = "EGeneral:Invalid arguments"
INSUFFICIENT_FUNDS = "EOrder:Insufficient funds"
ORDER_MINIMUM = "EOrder:Order minimum not met"
TICK_SIZE = "EOrder:Tick size check failed"
INVALID_PRICE = "EOrder:Invalid price"
POST_ONLY = "EOrder:Post only order"
IOC_NOT_EXECUTED = "EOrder:Insufficient liquidity"
REDUCE_ONLY = "EOrder:Reduce only:No position exists"
UNKNOWN_ORDER = "EOrder:Unknown order"
DUPLICATE_CL_ORD_ID = "EGeneral:Invalid arguments:cl_ord_id"
MARKET_CLOSED = "EService:Market in cancel_only mode"
UNAVAILABLE = "EService:Unavailable"
DEADLINE_ELAPSED = "EService:Deadline elapsed"

REASON_ERRORS: Mapping[str, str] = {
    "insufficientAvailableFunds": INSUFFICIENT_FUNDS,
    "insufficientFunds": INSUFFICIENT_FUNDS,
    "invalidSize": ORDER_MINIMUM,
    "tooSmall": ORDER_MINIMUM,
    "orderMinimumNotMet": ORDER_MINIMUM,
    "tickSizeCheckFailed": TICK_SIZE,
    "invalidTickSize": TICK_SIZE,
    "invalidPrice": INVALID_PRICE,
    "outsidePriceCollar": INVALID_PRICE,
    "postWouldExecute": POST_ONLY,
    "iocWouldNotExecute": IOC_NOT_EXECUTED,
    "wouldNotReducePosition": REDUCE_ONLY,
    "clientOrderIdAlreadyExist": DUPLICATE_CL_ORD_ID,
    "clientOrderIdTooLong": DUPLICATE_CL_ORD_ID,
    "marketSuspended": MARKET_CLOSED,
    "marketInactive": MARKET_CLOSED,
    "notFound": UNKNOWN_ORDER,
    "orderForEditNotFound": UNKNOWN_ORDER,
    "orderForEditNotAStop": INVALID_ARGUMENTS,
    "invalidOrderType": f"{INVALID_ARGUMENTS}:order_type",
    "invalidSide": f"{INVALID_ARGUMENTS}:side",
    "unknownSymbol": f"{INVALID_ARGUMENTS}:symbol",
    "invalidSymbol": f"{INVALID_ARGUMENTS}:symbol",
}
"""Order-desk reason words and the spot error text each becomes."""


def spot_error_for(reason: str) -> str:
    """The spot error text for an order-desk refusal (``EGeneral:Invalid arguments``
    for a word this table does not know)."""
    return REASON_ERRORS.get(reason, INVALID_ARGUMENTS)


def encode_trading_ack(
    method: str, result: Mapping[str, Any], *, req_id: int | None, time_in: str
) -> str:
    """A successful trading reply: ``{"method", "req_id"?, "result", "success": true, ...}``."""
    return encode_private_ack(method, result, req_id=req_id, time_in=time_in)


def encode_trading_error(method: str, error: str, *, req_id: int | None, time_in: str) -> str:
    """A failed trading reply: ``{"error", "method", "req_id"?, "success": false, ...}``."""
    return encode_error_ack(error, method=method, req_id=req_id, time_in=time_in)


def whole_seconds(ms: int) -> str:
    """RFC 3339 to the second (``2023-09-21T15:49:29Z``), as the dead-man reply writes it."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms // 1000))


def dead_man_result(now_ms: int, trigger_ms: int | None) -> dict[str, str]:
    """``cancel_all_orders_after`` result; a disarmed switch reports ``triggerTime`` ``"0"``
    (what Kraken's REST ``CancelAllOrdersAfter`` answers to ``timeout=0``)."""
    return {
        "currentTime": whole_seconds(now_ms),
        "triggerTime": "0" if trigger_ms is None else whole_seconds(trigger_ms),
    }


def amend_id(rng: random.Random) -> str:
    """A fresh ``amend_id`` in Kraken's ``TXXXXX-XXXXX-XXXXXX`` form."""
    return kraken_id(rng, "T")

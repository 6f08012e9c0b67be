"""Futures ``orders/status``: the request and the reader against Kraken's documented example.

The example answer is the one on
docs.kraken.com/api-reference/order-management/get-specific-orders-status (order
``910d02f3-...``, ``ENTERED_BOOK``); the other cases change only what a test names.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from kraken_tui.model.account import OrderSide
from kraken_tui.venues.kraken_futures.order_status import (
    OrderStatuses,
    order_status_request,
    read_order_status,
)
from kraken_tui.venues.outcomes import Ambiguous, Rejected

# docs.kraken.com/api-reference/order-management/get-specific-orders-status, example response
EXAMPLE: dict[str, Any] = {
    "result": "success",
    "serverTime": "2023-03-15T15:12:15.241Z",
    "orders": [
        {
            "order": {
                "type": "ORDER",
                "orderId": "910d02f3-5b5f-4eab-b156-06162abd41d7",
                "cliOrdId": "Hohoho4",
                "symbol": "pf_atomusd",
                "side": "buy",
                "quantity": 5,
                "filled": 0,
                "limitPrice": 2,
                "reduceOnly": False,
                "timestamp": "2023-03-15T15:05:50.905Z",
                "lastUpdateTimestamp": "2023-03-15T15:05:50.905Z",
            },
            "status": "ENTERED_BOOK",
            "updateReason": None,
            "error": None,
        }
    ],
}
REQUEST = order_status_request(["Hohoho4"])


def read(body: dict[str, Any], http_status: int = 200) -> Any:
    return read_order_status(http_status, json.dumps(body).encode(), REQUEST)


def test_request_is_a_signed_post_with_one_field_per_client_id() -> None:
    request = order_status_request(["a b", "", "c"])
    assert (request.method, request.path) == ("POST", "/derivatives/api/v3/orders/status")
    assert request.post_data == "cliOrdIds=a%20b&cliOrdIds=c"
    with pytest.raises(ValueError, match="at least one"):
        order_status_request([])


def test_documented_example() -> None:
    answer = read(EXAMPLE)
    assert isinstance(answer, OrderStatuses)
    found = answer.by_client_id("Hohoho4")
    assert found is not None and found.order is not None
    assert (found.status, found.update_reason, found.error) == ("ENTERED_BOOK", "", "")
    order = found.order
    assert (order.order_id, order.symbol, order.side) == (
        "910d02f3-5b5f-4eab-b156-06162abd41d7",
        "PF_ATOMUSD",
        OrderSide.BUY,
    )
    assert (order.qty, order.filled, order.limit_price, order.stop_price) == (
        Decimal(5),
        Decimal(0),
        Decimal(2),
        None,
    )
    assert order.time_ms == 1678892750905 and not order.reduce_only


def test_cancelled_trigger_order_and_broken_entries() -> None:
    body = json.loads(json.dumps(EXAMPLE))
    entry = body["orders"][0]
    entry["status"], entry["updateReason"] = "CANCELLED", "CANCELLED_BY_USER"
    entry["order"]["type"] = "TRIGGER_ORDER"
    entry["order"]["priceTriggerOptions"] = {
        "triggerPrice": 1.5, "triggerSide": "TRIGGER_BELOW", "triggerSignal": "MARK_PRICE",
    }  # fmt: skip
    body["orders"] += [{"order": {"orderId": "x"}}, "junk", {"status": "NEW_WORD", "order": 3}]
    answer = read(body)
    assert isinstance(answer, OrderStatuses) and answer.skipped == 2
    first, odd = answer.orders
    assert (first.status, first.update_reason) == ("CANCELLED", "CANCELLED_BY_USER")
    assert first.order is not None and first.order.stop_price == Decimal("1.5")
    assert (odd.status, odd.order, odd.cli_ord_id) == ("NEW_WORD", None, "")


def test_errors_and_5xx() -> None:
    refused = read({"result": "error", "error": "authenticationError"}, 401)
    assert isinstance(refused, Rejected) and refused.status == "authenticationError"
    assert isinstance(read({"result": "error", "error": "Server Error"}, 500), Ambiguous)
    assert isinstance(read({"result": "success"}), Ambiguous)

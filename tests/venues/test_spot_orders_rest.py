"""Spot REST OpenOrders / ClosedOrders readers against Kraken's documented examples.

The example answers are the ones on docs.kraken.com/api-reference/account-data/get-open-orders
(``OQCLML-BW3P3-BUCMWZ``) and .../get-closed-orders (``O37652-RJWRT-IMO74O``), trimmed to
the first order each; the facts asserted are read off those examples.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.venues.kraken_spot.orders_rest import read_orders
from kraken_tui.venues.kraken_spot.private_rest import (
    SpotAuthError,
    SpotRestError,
    SpotTransientError,
    read_result,
)

# docs.kraken.com/api-reference/account-data/get-open-orders, "Example Response"
OPEN_EXAMPLE = b"""{"error": [], "result": {"open": {"OQCLML-BW3P3-BUCMWZ": {
  "refid": "None", "userref": 0, "status": "open", "opentm": 1688666559.8974,
  "starttm": 0, "expiretm": 0,
  "descr": {"pair": "XBTUSD", "type": "buy", "ordertype": "limit", "price": "30010.0",
            "price2": "0", "leverage": "none",
            "order": "buy 1.25000000 XBTUSD @ limit 30010.0", "close": ""},
  "vol": "1.25000000", "vol_exec": "0.37500000", "cost": "11253.7", "fee": "0.00000",
  "price": "30010.0", "stopprice": "0.00000", "limitprice": "0.00000", "misc": "",
  "oflags": "fciq", "trades": ["TCCCTY-WE2O6-P3NB37"]}}}}"""

# docs.kraken.com/api-reference/account-data/get-closed-orders, "Example Response"
CLOSED_EXAMPLE = b"""{"error": [], "result": {"closed": {"O37652-RJWRT-IMO74O": {
  "refid": "None", "userref": 1, "status": "canceled", "reason": "User requested",
  "opentm": 1688148493.7708, "closetm": 1688148610.0482, "starttm": 0, "expiretm": 0,
  "descr": {"pair": "XBTGBP", "type": "buy", "ordertype": "stop-loss-limit",
            "price": "23667.0", "price2": "0", "leverage": "none",
            "order": "buy 0.00100000 XBTGBP @ limit 23667.0", "close": ""},
  "vol": "0.00100000", "vol_exec": "0.00000000", "cost": "0.00000", "fee": "0.00000",
  "price": "0.00000", "stopprice": "0.00000", "limitprice": "0.00000", "misc": "",
  "oflags": "fciq", "trigger": "index"}}, "count": 2}}"""


def test_open_orders_example() -> None:
    listed = read_orders(read_result(200, OPEN_EXAMPLE), "open", "my-order")
    [order] = listed.orders
    assert (order.order_id, order.status, order.side, order.order_type) == (
        "OQCLML-BW3P3-BUCMWZ",
        "open",
        OrderSide.BUY,
        "limit",
    )
    assert (order.qty, order.filled, order.price, order.price2) == (
        Decimal("1.25"),
        Decimal("0.375"),
        Decimal("30010.0"),
        None,
    )
    assert (order.pair, order.opened_ms) == ("XBTUSD", 1688666559897)
    assert order.cl_ord_id == "my-order"  # the filter stands in: the entry carries none
    assert listed.by_client_id("my-order") is order and not order.fully_filled
    working = order.to_order("BTC/USD")
    assert (working.venue, working.symbol, working.limit_price, working.stop_price) == (
        Venue.SPOT,
        "BTC/USD",
        Decimal("30010.0"),
        None,
    )
    assert working.remaining == Decimal("0.875")


def test_closed_orders_example() -> None:
    [order] = read_orders(read_result(200, CLOSED_EXAMPLE), "closed").orders
    assert (order.order_id, order.status, order.reason) == (
        "O37652-RJWRT-IMO74O",
        "canceled",
        "User requested",
    )
    assert (order.order_type, order.filled, order.fully_filled) == (
        "stop-loss-limit",
        Decimal(0),
        False,
    )
    # A stop-loss-limit's descr.price is its trigger; price2 "0" means no limit given.
    working = order.to_order("BTC/GBP")
    assert (working.stop_price, working.limit_price) == (Decimal("23667.0"), None)


def test_client_id_in_the_entry_wins_and_broken_entries_are_skipped() -> None:
    body = json.loads(CLOSED_EXAMPLE)
    entry = body["result"]["closed"]["O37652-RJWRT-IMO74O"]
    entry["cl_ord_id"] = "theirs"
    entry["status"] = "closed"
    entry["vol_exec"] = "0.00100000"
    body["result"]["closed"]["OBROKE-N0S1D-E00000"] = {"vol": "1", "descr": {}}
    body["result"]["closed"]["ONOTAN-OBJEC-T00000"] = ["x"]
    listed = read_orders(body["result"], "closed", "mine")
    assert [o.cl_ord_id for o in listed.orders] == ["theirs"]
    assert listed.orders[0].fully_filled and listed.skipped == 2
    assert read_orders({}, "open").orders == ()


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (200, b'{"error": ["EAPI:Invalid signature"]}', SpotAuthError),
        (200, b'{"error": ["EService:Unavailable"]}', SpotRestError),
        (502, b"<html>bad gateway</html>", SpotTransientError),
        (200, b'{"error": [], "result": []}', SpotTransientError),
    ],
)
def test_failures_are_sorted(status: int, body: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        read_result(status, body, "OpenOrders")

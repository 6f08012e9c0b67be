# ruff: noqa: E501
"""Futures v1 private feeds: decode the docs examples, encode requests, map to the model.

The examples are the docs pages' own, as listed in kraken-protocol §3.3/§3.6 and the
futures-api/websocket pages (balances, open_orders_verbose, account_log,
notifications); the invalid-JSON ones are fixed as §8.16 says (missing commas in
open_positions and the account_log delta).
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.venues import FrameError, UnknownFrame
from kraken_tui.venues.kraken_futures.private import (
    FuturesAccountLogDelta,
    FuturesAccountLogSnapshot,
    FuturesBalances,
    FuturesChallenge,
    FuturesFills,
    FuturesFlexWallet,
    FuturesNotifications,
    FuturesOpenOrderDelta,
    FuturesOpenOrdersSnapshot,
    FuturesOpenPositions,
    FuturesPrivateEvent,
    challenge_request,
    decode_private,
    private_subscribe,
    private_unsubscribe,
)
from kraken_tui.venues.kraken_futures.private_mapping import (
    balances_from_wire,
    fill_from_wire,
    fills_oldest_first,
    margin_from_flex,
    merge_flex,
    order_from_wire,
    position_from_wire,
)

FUT = Venue.FUTURES

# ----------------------------------------------------------- docs examples

DOCS_API_KEY = "CMl2SeSn09Tz+2tWuzPiPUjaXEQRGq6qv5UaexXuQ3SnahDQU/gO3aT+"
DOCS_CHALLENGE = "226aee50-88fc-4618-a42a-34f7709570b2"
DOCS_SIGNED = (
    "RE0DVOc7vS6pzcEjGWd/WJRRBWb54RkyvV+AZQSRl4+rap8Rlk64diR+Z9DQILm7qxncswMmJyvP/2vgzqqh+g=="
)

CHALLENGE_REPLY = '{"event": "challenge", "message": "226aee50-88fc-4618-a42a-34f7709570b2"}'
SUBSCRIBE_FILLS = '{"event": "subscribe", "feed": "fills", "api_key": "CMl2SeSn09Tz+2tWuzPiPUjaXEQRGq6qv5UaexXuQ3SnahDQU/gO3aT+", "original_challenge": "226aee50-88fc-4618-a42a-34f7709570b2", "signed_challenge": "RE0DVOc7vS6pzcEjGWd/WJRRBWb54RkyvV+AZQSRl4+rap8Rlk64diR+Z9DQILm7qxncswMmJyvP/2vgzqqh+g=="}'
SUBSCRIBED_VERBOSE_ECHO = '{"event": "subscribed", "feed": "open_orders_verbose", "api_key": "CMl2SeSn09Tz+2tWuzPiPUjaXEQRGq6qv5UaexXuQ3SnahDQU/gO3aT+", "original_challenge": "226aee50-88fc-4618-a42a-34f7709570b2", "signed_challenge": "RE0DVOc7vS6pzcEjGWd/WJRRBWb54RkyvV+AZQSRl4+rap8Rlk64diR+Z9DQILm7qxncswMmJyvP/2vgzqqh+g=="}'

OPEN_ORDERS_DELTA = '{"feed": "open_orders", "order": {"instrument": "PI_XBTUSD", "time": 1567702877410, "last_update_time": 1567702877410, "qty": 304.0, "filled": 0.0, "limit_price": 10640.0, "stop_price": 0.0, "type": "limit", "order_id": "59302619-41d2-4f0b-941f-7e7914760ad3", "direction": 1, "reduce_only": true}, "is_cancel": false, "reason": "new_placed_order_by_user"}'
OPEN_ORDERS_CANCEL = '{"feed": "open_orders", "order_id": "660c6b23-8007-48c1-a7c9-4893f4572e8c", "is_cancel": true, "reason": "cancelled_by_user"}'
VERBOSE_SNAPSHOT = '{"feed": "open_orders_verbose_snapshot", "account": "0f9c23b8-63e2-40e4-9592-6d5aa57c12ba", "orders": [{"instrument": "PI_XBTUSD", "time": 1567428848005, "last_update_time": 1567428848005, "qty": 100.0, "filled": 0.0, "limit_price": 8500.0, "stop_price": 0.0, "type": "limit", "order_id": "566942c8-a3b5-4184-a451-622b09493129", "direction": 0, "reduce_only": false}, {"instrument": "PI_XBTUSD", "time": 1567428874347, "last_update_time": 1567428874347, "qty": 1501.0, "filled": 0.0, "limit_price": 7200.0, "stop_price": 0.0, "type": "limit", "order_id": "fcbb1459-6ed2-4b3c-a58c-67c4df7412cf", "direction": 0, "reduce_only": false}, {"instrument": "PI_XBTUSD", "time": 1567515137945, "last_update_time": 1567515137945, "qty": 102.0, "filled": 0.0, "limit_price": 8500.0, "stop_price": 0.0, "type": "limit", "order_id": "3deea5c8-0274-4d33-988c-9e5a3895ccf8", "direction": 0, "reduce_only": false}]}'
VERBOSE_POST_ONLY_REJECT = '{"feed": "open_orders_verbose", "order": {"instrument": "PI_XBTUSD", "time": 1567597581495, "last_update_time": 1567597581495, "qty": 102.0, "filled": 0.0, "limit_price": 10601.0, "stop_price": 0.0, "type": "limit", "order_id": "fa9806c9-cba9-4661-9f31-8c5fd045a95d", "direction": 0, "reduce_only": false}, "is_cancel": true, "reason": "post_order_failed_because_it_would_be_filled"}'

OPEN_POSITIONS = '{"feed": "open_positions", "account": "DemoUser", "positions": [{"instrument": "PI_XRPUSD", "balance": 500.0, "pnl": -239.6506683474764, "entry_price": 0.3985, "mark_price": 0.4925844, "index_price": 0.49756, "liquidation_threshold": 0.0, "effective_leverage": 0.17404676894304316, "return_on_equity": -2.3609636135508127, "initial_margin": 101.5054475943615, "initial_margin_with_orders": 101.5054475943615, "maintenance_margin": 50.75272379718075}, {"instrument": "PF_XBTUSD", "balance": 0.04, "pnl": 119.56244985549435, "entry_price": 26911.75, "mark_price": 29900.81124638736, "index_price": 29900.47, "liquidation_threshold": 9572.804662403718, "effective_leverage": 0.31865408963748215, "return_on_equity": 5.553450159107747, "unrealized_funding": 0.0004114160669590132, "initial_margin": 21.529400000000003, "initial_margin_with_orders": 21.529400000000003, "maintenance_margin": 10.764700000000001, "pnl_currency": "USD"}, {"instrument": "OF_ETHUSD_240101_1000_C", "balance": 0.04, "pnl": 119.56244985549435, "entry_price": 26911.75, "mark_price": 29900.81124638736, "index_price": 29900.47, "return_on_equity": 5.553450159107747, "iv": 0.3, "delta": 0.5, "gamma": 0.5, "vega": 0.5, "theta": 0.5, "rho": 0.5}], "seq": 4, "timestamp": 1687383625330}'

FILLS_SNAPSHOT = '{"feed": "fills_snapshot", "account": "DemoUser", "fills": [{"instrument": "FI_XBTUSD_200925", "time": 1600256910739, "price": 10937.5, "seq": 36, "buy": true, "qty": 5000.0, "remaining_order_qty": 0.0, "order_id": "9e30258b-5a98-4002-968a-5b0e149bcfbf", "fill_id": "cad76f07-814e-4dc6-8478-7867407b6bff", "fill_type": "maker", "fee_paid": -0.00009142857, "fee_currency": "BTC", "taker_order_type": "ioc", "order_type": "limit"}, {"instrument": "PI_ETHUSD", "time": 1600256945531, "price": 364.65, "seq": 39, "buy": true, "qty": 5000.0, "remaining_order_qty": 0.0, "order_id": "7e60b6e8-e4c2-4ce8-bbd0-ef81e18b65bb", "fill_id": "b1aa44b2-4f2a-4031-999c-ae1175c91580", "fill_type": "taker", "fee_paid": 0.00685588921, "fee_currency": "ETH", "taker_order_type": "market", "order_type": "limit"}]}'
# The docs give no delta example; kraken-protocol §3.6 quotes this shape (username, fills[]).
FILLS_DELTA = '{"feed": "fills", "username": "6a70e882-0000-0000-0000-000000000000", "fills": [{"instrument": "PF_XBTUSD", "time": 1700000000000, "price": 34000.5, "seq": 100, "buy": false, "qty": 0.01, "remaining_order_qty": 0.0, "order_id": "o-1", "cli_ord_id": "c-1", "fill_id": "f-1", "fill_type": "liquidation", "fee_paid": 0.17, "fee_currency": "USD", "taker_order_type": "liquidation", "order_type": "lmt"}]}'

BALANCES_SNAPSHOT = '{"feed": "balances_snapshot", "account": "4a012c31-df95-484a-9473-d51e4a0c4ae7", "holding": {"USDT": 4997.5012493753, "XBT": 0.1285407184, "ETH": 1.8714395862, "LTC": 47.6462740614, "GBP": 3733.488646461, "USDC": 5001.00020004, "USD": 5000.0, "BCH": 16.8924625832, "EUR": 4459.070194683, "XRP": 7065.5399485629}, "futures": {"F-ETH:EUR": {"name": "F-ETH:EUR", "pair": "ETH/EUR", "unit": "EUR", "portfolio_value": 0.0, "balance": 0.0, "maintenance_margin": 0.0, "initial_margin": 0.0, "available": 0.0, "unrealized_funding": 0.0, "pnl": 0.0}, "F-XBT:USD": {"name": "F-XBT:USD", "pair": "XBT/USD", "unit": "XBT", "portfolio_value": 0.0, "balance": 0.0, "maintenance_margin": 0.0, "initial_margin": 0.0, "available": 0.0, "unrealized_funding": 0.0, "pnl": 0.0}}, "flex_futures": {"currencies": {"USDT": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "GBP": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "USDC": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "XBT": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "USD": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "EUR": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "ETH": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}}, "balance_value": 0.0, "portfolio_value": 0.0, "collateral_value": 0.0, "initial_margin": 0.0, "initial_margin_without_orders": 0.0, "maintenance_margin": 0.0, "pnl": 0.0, "unrealized_funding": 0.0, "total_unrealized": 0.0, "total_unrealized_as_margin": 0.0, "margin_equity": 0.0, "available_margin": 0.0, "isolated": {"PF_ETHUSD": {"initial_margin": 0.0, "initial_margin_without_orders": 0.0, "maintenance_margin": 0.0, "pnl": 0.0, "unrealized_funding": 0.0, "total_unrealized": 0.0, "total_unrealized_as_margin": 0.0}}, "cross": {"balance_value": 9963.66, "portfolio_value": 9963.66, "collateral_value": 9963.66, "initial_margin": 0.0, "initial_margin_without_orders": 0.0, "maintenance_margin": 0.0, "pnl": 0.0, "unrealized_funding": 0.0, "total_unrealized": 0.0, "total_unrealized_as_margin": 0.0, "margin_equity": 9963.66, "available_margin": 9963.66, "effective_leverage": 0.0}}, "timestamp": 1640995200000, "seq": 0}'
BALANCES_HOLDING_DELTA = '{"feed": "balances", "account": "7a641082-55c7-4411-a85f-930ec2e09617", "holding": {"USD": 5000.0}, "futures": {}, "timestamp": 1640995200000, "seq": 83}'
BALANCES_FLEX_DELTA = '{"feed": "balances", "account": "7a641082-55c7-4411-a85f-930ec2e09617", "flex_futures": {"currencies": {"USDT": {"quantity": 0.0, "value": 0.0, "collateral_value": 0.0, "available": 0.0, "haircut": 0.0, "conversion_spread": 0.0}, "USD": {"quantity": 5000.0, "value": 5000.0, "collateral_value": 5000.0, "available": 5000.0, "haircut": 0.0, "conversion_spread": 0.0}}, "balance_value": 5000.0, "portfolio_value": 5000.0, "collateral_value": 5000.0, "initial_margin": 0.0, "initial_margin_without_orders": 0.0, "maintenance_margin": 0.0, "pnl": 0.0, "unrealized_funding": 0.0, "total_unrealized": 0.0, "total_unrealized_as_margin": 0.0, "margin_equity": 5000.0, "available_margin": 5000.0, "isolated": {"PF_ETHUSD": {"initial_margin": 0.0, "initial_margin_without_orders": 0.0, "maintenance_margin": 0.0, "pnl": 0.0, "unrealized_funding": 0.0, "total_unrealized": 0.0, "total_unrealized_as_margin": 0.0}}, "cross": {"balance": 0.0, "portfolio_value": 0.0, "collateral_value": 0.0, "initial_margin": 0.0, "initial_margin_without_orders": 0.0, "maintenance_margin": 0.0, "pnl": 0.0, "unrealized_funding": 0, "total_unrealized": 0.0, "total_unrealized_as_margin": 0.0, "margin_equity": 0.0, "available_margin": 0.0, "effective_leverage": 0.0}}, "timestamp": 1640995200000, "seq": 1}'
BALANCES_SINGLE_DELTA = '{"feed": "balances", "account": "7a641082-55c7-4411-a85f-930ec2e09617", "holding": {}, "futures": {"F-XBT:USD": {"name": "F-XBT:USD", "pair": "XBT/USD", "unit": "XBT", "portfolio_value": 0.1219368845, "balance": 0.1219368845, "maintenance_margin": 0.0, "initial_margin": 0.0, "available": 0.1219368845, "unrealized_funding": 0.0, "pnl": 0.0}}, "timestamp": 1640995200000, "seq": 2}'

ACCOUNT_LOG_SNAPSHOT = '{"feed": "account_log_snapshot", "logs": [{"id": 1690, "date": "2019-07-11T08:00:00.000Z", "asset": "bch", "info": "funding rate change", "booking_uid": "86fdc252-1b6e-40ec-ac1d-c7bd46ddeebf", "margin_account": "f-bch:usd", "old_balance": 0.01215667051, "new_balance": 0.01215736653, "old_average_entry_price": 0.0, "new_average_entry_price": 0.0, "trade_price": 0.0, "mark_price": 0.0, "realized_pnl": 0.0, "fee": 0.0, "execution": "", "collateral": "bch", "funding_rate": -8.7002552653e-8, "realized_funding": 6.9602e-7, "conversion_spread_percentage": 0.0, "liquidation_fee": 0.0}, {"id": 1689, "date": "2019-07-11T04:00:00.000Z", "asset": "bch", "info": "funding rate change", "booking_uid": "680d3973-5774-4a9d-b807-ab8aa73f95c3", "margin_account": "f-bch:usd", "old_balance": 0.01215715298, "new_balance": 0.01215667051, "old_average_entry_price": 0.0, "new_average_entry_price": 0.0, "trade_price": 0.0, "mark_price": 0.0, "realized_pnl": 0.0, "fee": 0.0, "execution": "", "collateral": "bch", "funding_rate": 6.0309345058e-8, "realized_funding": -4.8247e-7, "conversion_spread_percentage": 0.0, "liquidation_fee": 0.0}]}'
ACCOUNT_LOG_DELTA = '{"feed": "account_log", "new_entry": {"id": 1697, "date": "2019-07-11T13: 00: 27.632Z", "asset": "pi_bchusd", "info": "futures trade", "booking_uid": "55a02b5b-2c90-4d43-b0eb-eb3801d50e3f", "margin_account": "f-bch:usd", "old_balance": 1.0, "new_balance": 2.0, "old_average_entry_price": 413.3, "new_average_entry_price": 374.3445326979084, "trade_price": 342.1, "mark_price": 342.4, "realized_pnl": 0.0, "fee": 0.0, "execution": "fc49fea9-8827-4a2e-8e36-c047523ddc30", "collateral": "bch", "funding_rate": 1.64955714332e-07, "realized_funding": -1.31965e-06, "conversion_spread_percentage": 0.0, "liquidation_fee": 0.0}}'

NOTIFICATIONS = '{"feed": "notifications_auth", "notifications": [{"id": 5, "type": "market", "priority": "low", "note": "A note describing the notification.", "effective_time": 1520288300000}]}'


# ------------------------------------------------------------------ events


def test_challenge_reply_and_request() -> None:
    reply = decode_private(CHALLENGE_REPLY)
    assert isinstance(reply, FuturesChallenge)
    assert reply.message == DOCS_CHALLENGE
    assert DOCS_CHALLENGE not in repr(reply)
    assert json.loads(challenge_request(DOCS_API_KEY)) == {
        "event": "challenge",
        "api_key": DOCS_API_KEY,
    }


def test_subscribe_and_unsubscribe_match_the_docs() -> None:
    sent = private_subscribe("fills", DOCS_API_KEY, DOCS_CHALLENGE, DOCS_SIGNED)
    assert json.loads(sent) == json.loads(SUBSCRIBE_FILLS)
    off = json.loads(private_unsubscribe("fills", DOCS_API_KEY, DOCS_CHALLENGE, DOCS_SIGNED))
    assert off == {**json.loads(SUBSCRIBE_FILLS), "event": "unsubscribe"}
    narrowed = json.loads(
        private_subscribe("fills", "k", "c", "s", product_ids=["FI_XBTUSD_200925"])
    )
    assert narrowed["product_ids"] == ["FI_XBTUSD_200925"]


def test_acks_alerts_and_errors() -> None:
    ack = decode_private(SUBSCRIBED_VERBOSE_ECHO)
    assert isinstance(ack, FuturesPrivateEvent)
    assert (ack.event, ack.feed) == ("subscribed", "open_orders_verbose")
    assert ack.signed_challenge == DOCS_SIGNED
    for hidden in (DOCS_SIGNED, DOCS_CHALLENGE, DOCS_API_KEY):
        assert hidden not in repr(ack) and hidden not in str(ack)
    alert = decode_private(
        '{"event": "alert", "message": "Failed to subscribe to authenticated feed"}'
    )
    assert isinstance(alert, FuturesPrivateEvent)
    assert (alert.event, alert.message) == ("alert", "Failed to subscribe to authenticated feed")
    error = decode_private('{"event": "error", "message": "Invalid feed"}')
    assert isinstance(error, FuturesPrivateEvent) and error.message == "Invalid feed"
    failed = decode_private('{"event": "subscribed_failed ", "feed": "balances"}')
    assert isinstance(failed, FuturesPrivateEvent) and failed.event == "subscribed_failed"
    info = decode_private('{"event":"info","version":1}')
    assert isinstance(info, FuturesPrivateEvent) and info.version == 1


# ------------------------------------------------------------------ orders


def test_open_orders_verbose_snapshot() -> None:
    snap = decode_private(VERBOSE_SNAPSHOT)
    assert isinstance(snap, FuturesOpenOrdersSnapshot)
    assert snap.account == "0f9c23b8-63e2-40e4-9592-6d5aa57c12ba"
    assert [o.qty for o in snap.orders] == [Decimal("100.0"), Decimal("1501.0"), Decimal("102.0")]
    order = order_from_wire(snap.orders[1])
    assert order.venue is FUT and order.order_id == "fcbb1459-6ed2-4b3c-a58c-67c4df7412cf"
    assert (order.symbol, order.side, order.order_type) == ("PI_XBTUSD", OrderSide.BUY, "limit")
    assert (order.limit_price, order.stop_price) == (Decimal("7200.0"), None)
    assert (order.time_ms, order.status) == (1567428874347, "untouched")
    assert order.remaining == Decimal("1501.0")


def test_open_orders_deltas() -> None:
    placed = decode_private(OPEN_ORDERS_DELTA)
    assert isinstance(placed, FuturesOpenOrderDelta)
    assert not placed.is_cancel and placed.reason == "new_placed_order_by_user"
    assert placed.target_id == "59302619-41d2-4f0b-941f-7e7914760ad3"
    assert placed.order is not None
    order = order_from_wire(placed.order)
    assert (order.side, order.qty, order.reduce_only) == (OrderSide.SELL, Decimal("304.0"), True)

    cancel = decode_private(OPEN_ORDERS_CANCEL)
    assert isinstance(cancel, FuturesOpenOrderDelta)
    assert cancel.is_cancel and cancel.order is None
    assert cancel.target_id == "660c6b23-8007-48c1-a7c9-4893f4572e8c"

    rejected = decode_private(VERBOSE_POST_ONLY_REJECT)
    assert isinstance(rejected, FuturesOpenOrderDelta)
    assert rejected.feed == "open_orders_verbose" and rejected.is_cancel
    assert rejected.target_id == "fa9806c9-cba9-4661-9f31-8c5fd045a95d"


def test_trigger_orders_keep_their_extra_fields() -> None:
    frame = json.dumps(
        {
            "feed": "open_orders",
            "order": {
                "instrument": "pf_xbtusd",
                "time": 1,
                "qty": 1.5,
                "filled": 0.5,
                "limit_price": 0.0,
                "stop_price": 29000.5,
                "type": "trailing_stop",
                "order_id": "t-1",
                "cli_ord_id": "mine",
                "direction": 1,
                "reduce_only": False,
                "triggerSignal": "mark",
                "trailing_stop_options": {"max_deviation": 5.0, "unit": "percent"},
                "brand_new_field": True,
            },
            "is_cancel": False,
            "reason": "some_future_reason",
        }
    )
    delta = decode_private(frame)
    assert isinstance(delta, FuturesOpenOrderDelta) and delta.order is not None
    assert delta.order.trigger_signal == "mark"
    assert delta.order.trailing_stop_options == {"max_deviation": "5.0", "unit": "percent"}
    order = order_from_wire(delta.order)
    assert (order.symbol, order.order_type, order.cl_ord_id) == (
        "PF_XBTUSD",
        "trailing_stop",
        "mine",
    )
    assert (order.limit_price, order.stop_price) == (None, Decimal("29000.5"))
    assert order.status == "partially_filled" and order.remaining == Decimal("1.0")


# ---------------------------------------------------------- positions, fills


def test_open_positions() -> None:
    msg = decode_private(OPEN_POSITIONS)
    assert isinstance(msg, FuturesOpenPositions)
    assert (msg.seq, msg.timestamp, len(msg.positions)) == (4, 1687383625330, 3)
    xrp, xbt, option = (position_from_wire(p) for p in msg.positions)
    assert xrp.liquidation_price is None  # liquidation_threshold 0.0
    assert xrp.pnl_currency == "" and xrp.unrealized_pnl == Decimal("-239.6506683474764")
    assert (xbt.size, xbt.entry_price, xbt.liquidation_price) == (
        Decimal("0.04"),
        Decimal("26911.75"),
        Decimal("9572.804662403718"),
    )
    assert xbt.mark_price == Decimal("29900.81124638736")
    assert xbt.unrealized_funding == Decimal("0.0004114160669590132")
    assert (xbt.initial_margin, xbt.maintenance_margin) == (
        Decimal("21.529400000000003"),
        Decimal("10.764700000000001"),
    )
    assert xbt.pnl_currency == "USD" and xbt.side is OrderSide.BUY
    assert option.liquidation_price is None and option.symbol == "OF_ETHUSD_240101_1000_C"
    extra = msg.positions[2].model_extra or {}
    assert set(extra) == {"iv", "delta", "gamma", "vega", "theta", "rho"} and extra["iv"] == "0.3"


def test_fills_snapshot_and_delta() -> None:
    snap = decode_private(FILLS_SNAPSHOT)
    assert isinstance(snap, FuturesFills) and snap.is_snapshot and snap.account == "DemoUser"
    maker, taker = (fill_from_wire(f) for f in snap.fills)
    assert maker.fill_id == "cad76f07-814e-4dc6-8478-7867407b6bff"
    assert (maker.symbol, maker.side, maker.price, maker.qty) == (
        "FI_XBTUSD_200925",
        OrderSide.BUY,
        Decimal("10937.5"),
        Decimal("5000.0"),
    )
    assert (maker.fee, maker.fee_currency) == (Decimal("-0.00009142857"), "BTC")
    assert maker.liquidity is Liquidity.MAKER
    assert taker.liquidity is Liquidity.TAKER and taker.time_ms == 1600256945531

    delta = decode_private(FILLS_DELTA)
    assert isinstance(delta, FuturesFills) and not delta.is_snapshot
    (fill,) = (fill_from_wire(f) for f in delta.fills)
    assert (fill.side, fill.liquidity, fill.cl_ord_id) == (OrderSide.SELL, Liquidity.OTHER, "c-1")


def test_fills_map_oldest_first() -> None:
    snap = decode_private(FILLS_SNAPSHOT)
    assert isinstance(snap, FuturesFills)
    newest_first = list(reversed(snap.fills))
    assert [f.time_ms for f in fills_oldest_first(newest_first)] == [1600256910739, 1600256945531]


@pytest.mark.parametrize(
    ("fill_type", "liquidity"),
    [
        ("maker", Liquidity.MAKER),
        ("taker", Liquidity.TAKER),
        ("takerAfterEdit", Liquidity.TAKER),
        ("liquidation", Liquidity.OTHER),
        ("assignee", Liquidity.OTHER),
        ("unwindBankrupt", Liquidity.OTHER),
        ("somethingNew", Liquidity.OTHER),
    ],
)
def test_fill_type_to_liquidity(fill_type: str, liquidity: Liquidity) -> None:
    raw = json.loads(FILLS_DELTA)
    raw["fills"][0]["fill_type"] = fill_type
    msg = decode_private(json.dumps(raw))
    assert isinstance(msg, FuturesFills)
    assert fill_from_wire(msg.fills[0]).liquidity is liquidity


# ---------------------------------------------------------------- balances


def test_balances_snapshot() -> None:
    msg = decode_private(BALANCES_SNAPSHOT)
    assert isinstance(msg, FuturesBalances) and msg.is_snapshot
    assert (msg.seq, msg.timestamp) == (0, 1640995200000)
    flex = msg.flex_futures
    assert flex is not None and flex.cross is not None
    assert flex.cross.margin_equity == Decimal("9963.66")
    assert flex.isolated is not None and set(flex.isolated) == {"PF_ETHUSD"}
    rows = {(b.wallet, b.asset): b for b in balances_from_wire(msg)}
    assert len(rows) == 10 + 7 + 2
    assert rows[("holding", "XRP")].total == Decimal("7065.5399485629")
    assert rows[("holding", "XRP")].available is None
    assert rows[("flex", "USDC")].total == Decimal("0.0")
    assert rows[("f-xbt:usd", "XBT")].venue is FUT
    margin = margin_from_flex(flex)
    assert margin is not None
    assert margin.currency == "USD" and margin.balance_value == Decimal("0.0")
    assert (margin.equity, margin.available_margin) == (Decimal("0.0"), Decimal("0.0"))


def test_balance_deltas_carry_only_their_groups() -> None:
    holding = decode_private(BALANCES_HOLDING_DELTA)
    assert isinstance(holding, FuturesBalances) and not holding.is_snapshot
    assert holding.flex_futures is None and holding.futures == {}
    assert [(b.wallet, b.asset, b.total) for b in balances_from_wire(holding)] == [
        ("holding", "USD", Decimal("5000.0"))
    ]

    flex = decode_private(BALANCES_FLEX_DELTA)
    assert isinstance(flex, FuturesBalances) and flex.holding is None
    assert flex.flex_futures is not None
    margin = margin_from_flex(flex.flex_futures)
    assert margin is not None
    assert (margin.equity, margin.available_margin, margin.balance_value) == (
        Decimal("5000.0"),
        Decimal("5000.0"),
        Decimal("5000.0"),
    )
    usd = [b for b in balances_from_wire(flex) if b.asset == "USD"]
    assert [(b.wallet, b.total, b.available) for b in usd] == [
        ("flex", Decimal("5000.0"), Decimal("5000.0"))
    ]

    single = decode_private(BALANCES_SINGLE_DELTA)
    assert isinstance(single, FuturesBalances)
    assert [(b.wallet, b.asset, b.total, b.available) for b in balances_from_wire(single)] == [
        ("f-xbt:usd", "XBT", Decimal("0.1219368845"), Decimal("0.1219368845"))
    ]


def test_margin_uses_positions_only_initial_margin() -> None:
    flex = FuturesFlexWallet.model_validate(
        {
            "margin_equity": "1000",
            "available_margin": "700",
            "initial_margin": "300",
            "initial_margin_without_orders": "250",
            "maintenance_margin": "125",
            "pnl": "-5",
        }
    )
    margin = margin_from_flex(flex)
    assert margin is not None
    assert (margin.initial_margin, margin.initial_margin_with_orders) == (
        Decimal(250),
        Decimal(300),
    )
    assert margin.unrealized_pnl == Decimal(-5) and margin.maintenance_margin == Decimal(125)
    without = FuturesFlexWallet.model_validate(
        {"portfolio_value": "900", "available_margin": "600", "initial_margin": "300"}
    )
    fallback = margin_from_flex(without)
    assert fallback is not None
    assert (fallback.equity, fallback.initial_margin) == (Decimal(900), Decimal(300))
    assert margin_from_flex(FuturesFlexWallet.model_validate({"pnl": "1"})) is None


def test_merge_flex_keeps_what_an_update_omits() -> None:
    base = FuturesFlexWallet.model_validate(
        {
            "currencies": {"USD": {"quantity": "10"}, "XBT": {"quantity": "1"}},
            "margin_equity": "100",
            "available_margin": "80",
            "initial_margin": "20",
        }
    )
    update = FuturesFlexWallet.model_validate(
        {"currencies": {"XBT": {"quantity": "2"}}, "available_margin": "70"}
    )
    merged = merge_flex(base, update)
    assert merged.currencies is not None
    assert {k: v.quantity for k, v in merged.currencies.items()} == {
        "USD": Decimal(10),
        "XBT": Decimal(2),
    }
    assert (merged.margin_equity, merged.available_margin) == (Decimal(100), Decimal(70))
    assert merge_flex(None, update) is update


# -------------------------------------------------- account log, notifications


def test_account_log_snapshot_and_delta() -> None:
    snap = decode_private(ACCOUNT_LOG_SNAPSHOT)
    assert isinstance(snap, FuturesAccountLogSnapshot)
    assert [e.id for e in snap.logs] == [1690, 1689]
    assert snap.logs[0].funding_rate == Decimal("-8.7002552653e-8")
    assert snap.logs[0].execution == ""
    delta = decode_private(ACCOUNT_LOG_DELTA)
    assert isinstance(delta, FuturesAccountLogDelta)
    entry = delta.new_entry
    assert (entry.id, entry.date, entry.info) == (
        1697,
        "2019-07-11T13: 00: 27.632Z",
        "futures trade",
    )
    assert entry.new_average_entry_price == Decimal("374.3445326979084")
    legacy = decode_private('{"feed": "account_log_snapshot", "log": [{"id": 1}]}')
    assert isinstance(legacy, FuturesAccountLogSnapshot) and legacy.logs[0].id == 1


def test_notifications() -> None:
    msg = decode_private(NOTIFICATIONS)
    assert isinstance(msg, FuturesNotifications)
    (note,) = msg.notifications
    assert (note.id, note.type, note.priority) == (5, "market", "low")
    assert note.effective_time == 1520288300000
    assert note.note == "A note describing the notification."
    assert note.expected_downtime_minutes is None


# -------------------------------------------------------- unknown / malformed


@pytest.mark.parametrize(
    "frame",
    [
        '{"feed": "heartbeat", "time": 1}',
        '{"feed": "book", "product_id": "PI_XBTUSD"}',
        '{"feed": "open_orders_extreme_snapshot", "orders": []}',
        '{"event": "brand_new_event", "message": "hello"}',
        '{"account": "no feed at all"}',
    ],
)
def test_unknown_kinds_are_not_errors(frame: str) -> None:
    assert isinstance(decode_private(frame), UnknownFrame)


def test_unknown_enum_values_parse() -> None:
    frame = json.dumps(
        {
            "feed": "notifications_auth",
            "notifications": [{"id": 9, "type": "meteor", "priority": "cosmic", "note": "x"}],
        }
    )
    msg = decode_private(frame)
    assert isinstance(msg, FuturesNotifications) and msg.notifications[0].type == "meteor"


@pytest.mark.parametrize(
    "frame",
    [
        "<html>301 Moved Permanently</html>",
        "",
        "[]",
        "null",
        '{"event": 7}',
        '{"feed": ["fills"]}',
        '{"event": "challenge", "api_key": "echo of our own request"}',
        '{"event": "challenge", "message": 5}',
        '{"event": "subscribed", "feed": 3}',
        '{"feed": "open_orders_snapshot", "account": "a"}',
        '{"feed": "open_orders_verbose_snapshot", "orders": [{"instrument": "PF_XBTUSD"}]}',
        '{"feed": "open_orders", "is_cancel": true, "reason": "cancelled_by_user"}',
        '{"feed": "open_orders", "order_id": "x", "is_cancel": false}',
        '{"feed": "open_orders", "order": {"instrument": "PF_XBTUSD", "qty": "lots", "order_id": "x", "direction": 0}}',
        '{"feed": "open_positions", "positions": [{"instrument": "PF_XBTUSD", "balance": 1}]}',
        '{"feed": "open_positions", "positions": {"PF_XBTUSD": {}}}',
        '{"feed": "fills_snapshot", "fills": [{"instrument": "X", "time": 1, "price": 1, "buy": true, "qty": 1}]}',
        '{"feed": "fills", "fills": [{"instrument": "X", "time": "noon", "price": 1, "buy": true, "qty": 1, "fill_id": "f"}]}',
        '{"feed": "fills", "fills": null}',
        '{"feed": "balances_snapshot", "holding": {"USD": "plenty"}}',
        '{"feed": "balances", "flex_futures": {"currencies": {"USD": {"quantity": [1]}}}}',
        '{"feed": "balances", "futures": ["F-XBT:USD"]}',
        '{"feed": "account_log", "new_entry": {"date": "2019-07-11"}}',
        '{"feed": "account_log_snapshot"}',
        '{"feed": "notifications_auth", "notifications": [{"id": "five"}]}',
    ],
)
def test_malformed_frames_raise_frame_error(frame: str) -> None:
    with pytest.raises(FrameError):
        decode_private(frame)


def test_unknown_direction_is_a_frame_error_when_mapped() -> None:
    raw = json.loads(OPEN_ORDERS_DELTA)
    raw["order"]["direction"] = 2
    delta = decode_private(json.dumps(raw))
    assert isinstance(delta, FuturesOpenOrderDelta) and delta.order is not None
    with pytest.raises(FrameError):
        order_from_wire(delta.order)


def test_frame_errors_do_not_repeat_credentials() -> None:
    frame = json.dumps(
        {"event": "subscribed", "feed": "fills", "signed_challenge": 5, "api_key": DOCS_API_KEY}
    )
    with pytest.raises(FrameError) as caught:
        decode_private(frame)
    assert DOCS_API_KEY not in str(caught.value)
    assert "signed_challenge" in caught.value.reason

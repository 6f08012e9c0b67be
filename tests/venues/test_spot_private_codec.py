# ruff: noqa: E501
"""Spot v2 private channels: decoding the docs examples, the request encoders, the
FrameError contract, and the wire -> Order/Fill/Balance mapping with sparse merges."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.model.secret import Secret
from kraken_tui.venues import FrameError, UnknownFrame
from kraken_tui.venues.kraken_spot.messages import HeartbeatMessage, PongMessage, StatusMessage
from kraken_tui.venues.kraken_spot.private import (
    BalancesSnapshot,
    BalancesUpdate,
    ExecutionData,
    ExecutionsMessage,
    PrivateAck,
    decode_private,
    subscribe_balances,
    subscribe_executions,
    unsubscribe_balances,
    unsubscribe_executions,
)
from kraken_tui.venues.kraken_spot.private_mapping import (
    ExecutionTracker,
    balance_from_ledger,
    balances_from_snapshot,
    fill_from_execution,
    liquidity_of,
    order_from_execution,
)

# --- kraken-protocol.md §1.10 / §1.11, verbatim -------------------------------------------
SUBSCRIBE_EXECUTIONS = '{"method": "subscribe", "params": {"channel": "executions", "token": "G38a1tGFzqGiUCmnegBcm8d4nfP3tytiNQz6tkCBYXY", "snap_orders": true, "snap_trades": true}}'
ACK_EXECUTIONS = '{"method": "subscribe", "result": {"channel": "executions", "maxratecount": 125, "snap_orders": true, "snap_trades": true}, "success": true, "time_in": "2023-10-16T13:18:35.303171Z", "time_out": "2023-10-16T13:18:35.318297Z"}'
EXEC_PENDING = '{"channel": "executions", "type": "update", "data": [{"order_id": "OK4GJX-KSTLS-7DZZO5", "order_userref": 3, "symbol": "BTC/USD", "order_qty": 0.005, "cum_cost": 0.0, "time_in_force": "GTC", "exec_type": "pending_new", "side": "sell", "order_type": "limit", "limit_price_type": "static", "limit_price": 26500.0, "stop_price": 0.0, "order_status": "pending_new", "fee_usd_equiv": 0.0, "fee_ccy_pref": "fciq", "timestamp": "2023-09-22T10:33:05.709950Z"}], "sequence": 8}'
EXEC_NEW = '{"channel": "executions", "type": "update", "data": [{"timestamp": "2023-09-22T10:33:05.709982Z", "order_status": "new", "exec_type": "new", "order_userref": 3, "order_id": "OK4GJX-KSTLS-7DZZO5"}], "sequence": 9}'
EXEC_TRADE = '{"channel": "executions", "type": "update", "data": [{"order_id": "OK4GJX-KSTLS-7DZZO5", "order_userref": 3, "exec_id": "TGBB7L-HT5LX-J3BZ4A", "exec_type": "trade", "trade_id": 62887576, "symbol": "BTC/USD", "side": "sell", "last_qty": 0.005, "last_price": 26599.9, "liquidity_ind": "t", "cost": 132.9995, "order_type": "limit", "timestamp": "2023-09-22T10:33:05.709993Z", "order_status": "partially_filled", "cum_qty": 0.005, "cum_cost": 132.9995, "avg_price": 26599.9, "fee_usd_equiv": 0.3458, "fees": [{"asset": "USD", "qty": 0.3458}]}], "sequence": 10}'
BALANCES_SNAPSHOT = '{"channel": "balances", "data": [{"asset": "BTC", "asset_class": "currency", "balance": 1.2, "wallets": [{"type": "spot", "id": "main", "balance": 1.2}]}, {"asset": "MATIC", "asset_class": "currency", "balance": 500, "wallets": [{"type": "spot", "id": "main", "balance": 300}, {"type": "earn", "id": "flex", "balance": 200}]}, {"asset": "USD", "asset_class": "currency", "balance": 80595.4943, "wallets": [{"type": "spot", "id": "main", "balance": 80595.4943}]}], "type": "snapshot", "sequence": 1}'
BALANCES_UPDATE = '{"channel": "balances", "type": "update", "data": [{"ledger_id": "ADKKFF-WEA5A-CNUBHG", "ref_id": "AGBWUJRU-LAREZ-W3UFAN", "timestamp": "2023-09-22T10:23:42.925034Z", "type": "deposit", "asset": "BTC", "asset_class": "currency", "category": "deposit", "wallet_type": "spot", "wallet_id": "main", "amount": 0.01, "fee": 0.0, "balance": 0.02}], "sequence": 2}'

ORDER_ID = "OK4GJX-KSTLS-7DZZO5"
T_PENDING_MS = 1695378785709  # 2023-09-22T10:33:05.709Z


def executions(text: str) -> ExecutionsMessage:
    msg = decode_private(text)
    assert isinstance(msg, ExecutionsMessage)
    return msg


# ------------------------------------------------------------------ docs examples


def test_executions_ack() -> None:
    ack = decode_private(ACK_EXECUTIONS)
    assert isinstance(ack, PrivateAck)
    assert ack.success and ack.method == "subscribe"
    assert ack.channel == "executions"
    assert ack.result is not None
    assert ack.result.maxratecount == 125
    assert ack.result.snap_orders is True and ack.result.snap_trades is True


def test_executions_pending_new_keeps_exact_numbers_and_unknown_fields() -> None:
    msg = executions(EXEC_PENDING)
    assert msg.type == "update" and msg.sequence == 8
    (event,) = msg.data
    assert event.order_id == ORDER_ID
    assert event.order_qty == Decimal("0.005")
    assert str(event.limit_price) == "26500.0"
    assert event.stop_price == Decimal(0)
    assert event.exec_type == "pending_new" and event.order_status == "pending_new"
    assert event.time_in_force == "GTC"
    assert event.model_extra == {"limit_price_type": "static"}


def test_executions_sparse_event_marks_only_its_fields() -> None:
    (event,) = executions(EXEC_NEW).data
    assert event.model_fields_set == {
        "timestamp",
        "order_status",
        "exec_type",
        "order_userref",
        "order_id",
    }
    assert event.symbol is None and event.order_qty is None


def test_executions_trade() -> None:
    msg = executions(EXEC_TRADE)
    (event,) = msg.data
    assert msg.sequence == 10
    assert event.exec_id == "TGBB7L-HT5LX-J3BZ4A"
    assert event.trade_id == 62887576
    assert event.last_price == Decimal("26599.9") and event.last_qty == Decimal("0.005")
    assert event.liquidity_ind == "t"
    assert event.fees is not None
    assert (event.fees[0].asset, event.fees[0].qty) == ("USD", Decimal("0.3458"))
    assert str(event.cost) == "132.9995"


def test_balances_snapshot_and_update() -> None:
    snap = decode_private(BALANCES_SNAPSHOT)
    assert isinstance(snap, BalancesSnapshot)
    assert snap.sequence == 1
    assert [a.asset for a in snap.data] == ["BTC", "MATIC", "USD"]
    assert snap.data[1].balance == 500
    assert [(w.type, w.id, w.balance) for w in snap.data[1].wallets] == [
        ("spot", "main", Decimal(300)),
        ("earn", "flex", Decimal(200)),
    ]
    assert str(snap.data[2].balance) == "80595.4943"
    update = decode_private(BALANCES_UPDATE)
    assert isinstance(update, BalancesUpdate)
    assert update.sequence == 2
    (entry,) = update.data
    assert (entry.asset, entry.wallet_type, entry.amount, entry.balance) == (
        "BTC",
        "spot",
        Decimal("0.01"),
        Decimal("0.02"),
    )
    assert entry.ref_id == "AGBWUJRU-LAREZ-W3UFAN" and entry.type == "deposit"


def test_executions_snapshot_and_empty_data() -> None:
    text = '{"channel":"executions","type":"snapshot","data":[],"sequence":1}'
    msg = executions(text)
    assert msg.type == "snapshot" and msg.data == [] and msg.sequence == 1


def test_error_ack_without_channel() -> None:
    ack = decode_private(
        '{"error":"EAPI:Invalid token","method":"subscribe","req_id":7,"success":false,'
        '"time_in":"2023-10-16T13:18:35.303171Z","time_out":"2023-10-16T13:18:35.303181Z"}'
    )
    assert isinstance(ack, PrivateAck)
    assert not ack.success and ack.error == "EAPI:Invalid token"
    assert ack.req_id == 7 and ack.channel is None


def test_other_frames_of_the_auth_socket_decode_like_the_public_ones() -> None:
    assert isinstance(decode_private('{"channel":"heartbeat"}'), HeartbeatMessage)
    assert isinstance(decode_private('{"method":"pong","req_id":1}'), PongMessage)
    status = '{"channel":"status","data":[{"api_version":"v2","connection_id":13834774380200032777,"system":"online","version":"2.0.0"}],"type":"update"}'
    assert isinstance(decode_private(status), StatusMessage)
    assert isinstance(
        decode_private('{"channel":"level3","type":"update","data":[]}'), UnknownFrame
    )
    assert isinstance(decode_private('{"Error":"Exceeded msg rate"}'), UnknownFrame)


def test_unknown_enum_values_and_fields_parse() -> None:
    text = (
        '{"channel":"executions","type":"restatement","brand_new":{"x":1},"sequence":3,'
        '"data":[{"order_id":"O1","exec_type":"teleported","order_status":"floating",'
        '"side":"sideways","liquidity_ind":"q","new_field":[1,2]}]}'
    )
    msg = executions(text)
    assert msg.type == "restatement"
    assert msg.data[0].exec_type == "teleported" and msg.data[0].side == "sideways"
    assert liquidity_of(msg.data[0].liquidity_ind) is Liquidity.OTHER


# ---------------------------------------------------------------------- encoders


def test_subscribe_executions_matches_the_docs_request() -> None:
    token = "G38a1tGFzqGiUCmnegBcm8d4nfP3tytiNQz6tkCBYXY"
    assert json.loads(subscribe_executions(Secret(token))) == json.loads(SUBSCRIBE_EXECUTIONS)
    assert json.loads(subscribe_executions(token, snap_trades=False, req_id=4)) == {
        "method": "subscribe",
        "params": {
            "channel": "executions",
            "snap_orders": True,
            "snap_trades": False,
            "token": token,
        },
        "req_id": 4,
    }


def test_balances_and_unsubscribe_requests() -> None:
    token = Secret("tok")
    assert json.loads(subscribe_balances(token, req_id=2)) == {
        "method": "subscribe",
        "params": {"channel": "balances", "snapshot": True, "token": "tok"},
        "req_id": 2,
    }
    assert json.loads(unsubscribe_executions(token)) == {
        "method": "unsubscribe",
        "params": {"channel": "executions", "token": "tok"},
    }
    assert json.loads(unsubscribe_balances(token, req_id=9)) == {
        "method": "unsubscribe",
        "params": {"channel": "balances", "token": "tok"},
        "req_id": 9,
    }


# ---------------------------------------------------------------- malformed input

MALFORMED = [
    b"",
    b"\xff\xfe",
    "not json",
    '{"channel":"executions"',
    "[]",
    '"executions"',
    "42",
    '{"channel":"executions","type":"update"}',
    '{"channel":"executions","type":"update","data":{}}',
    '{"channel":"executions","type":"update","data":[1]}',
    '{"channel":"executions","type":"update","data":[{}]}',
    '{"channel":"executions","type":"update","data":[{"order_id":5}]}',
    '{"channel":"executions","type":"update","data":[{"order_id":"O","order_qty":"lots"}]}',
    '{"channel":"executions","type":"update","data":[{"order_id":"O","fees":{"asset":"USD"}}]}',
    '{"channel":"executions","type":"update","data":[{"order_id":"O","fees":[{"asset":"USD"}]}]}',
    '{"channel":"executions","type":"update","data":[{"order_id":"O","last_price":"NaN"}]}',
    '{"channel":"executions","type":"update","data":[],"sequence":1.5}',
    '{"channel":"executions","data":[]}',
    '{"channel":"balances","type":"snapshot","data":[{"asset":"BTC"}]}',
    '{"channel":"balances","type":"snapshot","data":[{"asset":"BTC","balance":1,"wallets":[{"id":"main","balance":1}]}]}',
    '{"channel":"balances","type":"update","data":[{"balance":1}]}',
    '{"channel":"balances","type":"update","data":[{"asset":"BTC","balance":[]}]}',
    '{"channel":"balances","type":"bulletin","data":[]}',
    '{"channel":"balances","data":[]}',
    '{"method":"subscribe","success":"yes"}',
    '{"method":"subscribe","success":true,"result":{"snapshot":true}}',
    '{"channel":7}',
]


@pytest.mark.parametrize("frame", MALFORMED)
def test_malformed_frames_raise_frame_error(frame: str | bytes) -> None:
    with pytest.raises(FrameError):
        decode_private(frame)


# ----------------------------------------------------------------------- mapping


def test_sparse_updates_merge_into_one_order() -> None:
    tracker = ExecutionTracker()
    first = tracker.apply_update(executions(EXEC_PENDING).data)
    (order,) = first.upserted
    assert order.venue is Venue.SPOT and order.order_id == ORDER_ID
    assert (order.symbol, order.side, order.order_type) == ("BTC/USD", OrderSide.SELL, "limit")
    assert order.qty == Decimal("0.005") and order.filled == 0
    assert order.limit_price == Decimal("26500.0")
    assert order.stop_price is None  # Kraken's 0.0 means "none"
    assert order.status == "pending_new" and order.time_ms == T_PENDING_MS

    second = tracker.apply_update(executions(EXEC_NEW).data)
    (order,) = second.upserted
    assert order.status == "new"
    assert order.qty == Decimal("0.005") and order.symbol == "BTC/USD"
    assert order.time_ms == T_PENDING_MS  # placement time, not the latest event's

    third = tracker.apply_update(executions(EXEC_TRADE).data)
    (order,) = third.upserted
    assert order.status == "partially_filled" and order.filled == Decimal("0.005")
    (fill,) = third.fills
    assert fill.fill_id == "TGBB7L-HT5LX-J3BZ4A" and fill.order_id == ORDER_ID
    assert (fill.price, fill.qty) == (Decimal("26599.9"), Decimal("0.005"))
    assert (fill.fee, fill.fee_currency) == (Decimal("0.3458"), "USD")
    assert fill.liquidity is Liquidity.TAKER and fill.side is OrderSide.SELL
    assert fill.time_ms == 1695378785709

    done = tracker.apply_update(
        executions(
            '{"channel":"executions","type":"update","sequence":11,"data":[{"order_id":"OK4GJX-KSTLS-7DZZO5",'
            '"exec_type":"filled","order_status":"filled","timestamp":"2023-09-22T10:33:05.710000Z"}]}'
        ).data
    )
    assert done.removed == [ORDER_ID] and done.upserted == [] and done.fills == []
    assert len(tracker) == 0


def test_cancel_without_order_status_closes_the_order() -> None:
    tracker = ExecutionTracker()
    tracker.apply_update(executions(EXEC_PENDING).data)
    changes = tracker.apply_update(
        [ExecutionData(order_id=ORDER_ID, exec_type="canceled", reason="User requested")]
    )
    assert changes.removed == [ORDER_ID]
    assert tracker.view(ORDER_ID) is None


def test_trade_fee_is_not_inherited_from_an_earlier_trade() -> None:
    tracker = ExecutionTracker()
    tracker.apply_update(executions(EXEC_PENDING).data)
    tracker.apply_update(executions(EXEC_TRADE).data)
    second = ExecutionData(
        order_id=ORDER_ID,
        exec_type="trade",
        exec_id="T2",
        last_qty=Decimal("0.001"),
        last_price=Decimal("26600"),
        liquidity_ind="m",
        timestamp="2023-09-22T10:34:00Z",
    )
    changes = tracker.apply_update([second])
    (fill,) = changes.fills
    assert fill.fee is None and fill.fee_currency == ""
    assert fill.liquidity is Liquidity.MAKER
    assert (fill.symbol, fill.side) == ("BTC/USD", OrderSide.SELL)  # from the held order


def test_snapshot_splits_orders_from_fills_and_drops_closed_orders() -> None:
    snap = executions(
        '{"channel":"executions","type":"snapshot","sequence":1,"data":['
        '{"order_id":"O1","exec_type":"new","order_status":"new","symbol":"ETH/USD","side":"buy",'
        '"order_type":"limit","order_qty":2.5,"limit_price":1800.25,"cum_qty":0,"timestamp":"2024-01-02T03:04:05.600Z"},'
        '{"order_id":"O2","exec_type":"canceled","order_status":"canceled","symbol":"ETH/USD","side":"buy","order_qty":1},'
        '{"order_id":"O3","exec_type":"trade","exec_id":"E2","symbol":"BTC/USD","side":"buy","last_qty":0.1,'
        '"last_price":40000.5,"liquidity_ind":"m","fees":[{"asset":"USD","qty":1.6}],"timestamp":"2024-01-02T03:00:00Z","order_status":"filled"},'
        '{"order_id":"O3","exec_type":"trade","exec_id":"E1","symbol":"BTC/USD","side":"buy","last_qty":0.2,'
        '"last_price":40000,"liquidity_ind":"t","timestamp":"2024-01-02T02:00:00Z","order_status":"partially_filled"}]}'
    )
    tracker = ExecutionTracker()
    orders, changes = tracker.apply_snapshot(snap.data)
    assert [o.order_id for o in orders] == ["O1"]
    assert orders[0].qty == Decimal("2.5") and orders[0].limit_price == Decimal("1800.25")
    assert orders[0].time_ms == 1704164645600
    assert [f.fill_id for f in changes.fills] == ["E1", "E2"]  # oldest first
    assert changes.fills[1].fee == Decimal("1.6")
    assert tracker.view("O3") is None  # a fill is not an open order


def test_unplaceable_trade_is_rejected_not_raised() -> None:
    tracker = ExecutionTracker()
    changes = tracker.apply_update(
        [ExecutionData(order_id="X", exec_type="trade", last_qty=Decimal(1), last_price=Decimal(1))]
    )
    assert changes.fills == [] and len(changes.rejected) == 1
    with pytest.raises(FrameError):
        fill_from_execution(
            ExecutionData(
                order_id="X",
                exec_type="trade",
                exec_id="E",
                symbol="BTC/USD",
                side="buy",
                last_qty=Decimal(1),
                last_price=Decimal(1),
                timestamp="yesterday",
            )
        )
    with pytest.raises(FrameError):
        order_from_execution(ExecutionData(order_id="X", symbol="BTC/USD", side="up"))


def test_stop_price_falls_back_to_trigger_price() -> None:
    order = order_from_execution(
        ExecutionData(
            order_id="S",
            symbol="BTC/USD",
            side="sell",
            order_type="stop-loss",
            order_qty=Decimal(1),
            triggers={"reference": "last", "price": "39000.5", "price_type": "static"},
        )
    )
    assert order.stop_price == Decimal("39000.5") and order.limit_price is None


def test_balances_mapping_uses_the_spot_wallet() -> None:
    snap = decode_private(BALANCES_SNAPSHOT)
    assert isinstance(snap, BalancesSnapshot)
    balances = {b.asset: b for b in balances_from_snapshot(snap.data)}
    assert balances["BTC"].total == Decimal("1.2")
    assert balances["MATIC"].total == Decimal(300)  # the earn wallet's 200 is not spot
    assert balances["USD"].total == Decimal("80595.4943")
    assert all(b.wallet == "spot" and b.available is None for b in balances.values())
    assert all(b.venue is Venue.SPOT for b in balances.values())
    update = decode_private(BALANCES_UPDATE)
    assert isinstance(update, BalancesUpdate)
    balance = balance_from_ledger(update.data[0])
    assert balance is not None and (balance.asset, balance.total) == ("BTC", Decimal("0.02"))
    earn = update.data[0].model_copy(update={"wallet_type": "earn"})
    assert balance_from_ledger(earn) is None

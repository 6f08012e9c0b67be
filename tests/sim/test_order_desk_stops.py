"""Triggered stops and take-profits against a fixed book, worked out by hand.

Same seeded account and fixed books as ``test_order_desk``: PF_XBTUSD bids 0.1 @
99990, 0.2 @ 99980; asks 0.05 @ 100010, 0.1 @ 100020, 1 @ 100500, 5 @ 101100;
BTC/USD bids 0.3 @ 99990.0; asks 0.05 @ 100010.0, 0.1 @ 100020.0, 1 @ 150000.0.
A trade printed through the trigger (``account.on_trade``) fires the order.
"""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.order_desk import IOC_REST_REASON
from tests.sim.test_futures_private import _connect, _subscribe
from tests.sim.test_order_desk import BUY, NOW, SELL, _desk, _kinds, _req


def test_futures_stop_with_limit_becomes_a_limit_order_that_takes_then_rests() -> None:
    desk, account, events = _desk()
    placed = desk.place(_req(SELL, "stop", "0.25", "99985", stop="99995"), NOW)
    assert placed.outcome == "placed" and placed.order is not None
    order_id = placed.order.order_id
    account.on_trade("PF_XBTUSD", D(99996), D(1), NOW + 1)
    assert account.order(order_id) is not None and account.order(order_id).stop_price == D(99995)  # type: ignore[union-attr]
    events.clear()
    account.on_trade("PF_XBTUSD", D(99995), D(1), NOW + 2)
    # Removed as a stop, placed again as a limit with the same id, takes the 0.1 at
    # 99990 (99980 is beyond its 99985 limit), the 0.15 left rests.
    assert _kinds(events)[:4] == [
        "order_closed:stop_order_triggered",
        "order:limit_order_from_stop",
        "fill",
        "order:partial_fill",
    ]
    fills = [e.fill for e in events if e.fill is not None]
    assert [(f.price, f.qty, f.liquidity) for f in fills] == [(D(99990), D("0.1"), Liquidity.TAKER)]
    resting = account.order(order_id)
    assert resting is not None
    assert (resting.order_type, resting.limit_price, resting.stop_price) == (
        "limit",
        D(99985),
        None,
    )
    assert (resting.filled, resting.remaining) == (D("0.1"), D("0.15"))
    # Later the market trades through its limit: the rest fills as a maker.
    account.on_trade("PF_XBTUSD", D(99986), D(1), NOW + 3)
    assert account.order(order_id) is None
    assert account.fills(Venue.FUTURES)[-1].price == D(99985)
    assert account.fills(Venue.FUTURES)[-1].liquidity is Liquidity.MAKER


def test_futures_take_profit_with_limit_buys_on_a_fall() -> None:
    desk, account, events = _desk()
    placed = desk.place(_req(BUY, "take_profit", "0.1", "100015", stop="99000"), NOW)
    assert placed.order is not None and placed.order.order_type == "take_profit"
    account.on_trade("PF_XBTUSD", D(99001), D(1), NOW + 1)
    assert not [e for e in events if e.kind == "fill"]
    account.on_trade("PF_XBTUSD", D(99000), D(1), NOW + 2)
    fills = [
        e.fill for e in events if e.fill is not None and e.fill.order_id == placed.order.order_id
    ]
    assert [(f.price, f.qty) for f in fills] == [(D(100010), D("0.05"))]
    resting = account.order(placed.order.order_id)
    assert resting is not None and resting.remaining == D("0.05")
    assert resting.limit_price == D(100015) and resting.order_type == "limit"


def test_spot_stop_loss_limit_keeps_its_id_and_type_and_rests_the_rest() -> None:
    desk, account, events = _desk()
    request = _req(SELL, "stop", "0.4", "99990.0", stop="99995.0", symbol="BTC/USD")
    placed = desk.place(request, NOW)
    assert placed.order is not None and placed.order.order_type == "stop-loss-limit"
    order_id = placed.order.order_id
    events.clear()
    account.on_trade("BTC/USD", D("99995.0"), D(1), NOW + 1)
    fills = [e.fill for e in events if e.fill is not None]
    assert [(f.price, f.qty, f.liquidity) for f in fills] == [
        (D("99990.0"), D("0.3"), Liquidity.TAKER)
    ]
    resting = account.order(order_id)
    assert resting is not None and resting.order_type == "stop-loss-limit"
    assert (resting.filled, resting.remaining) == (D("0.3"), D("0.1"))
    assert not [e for e in events if e.kind == "order_closed"]
    # It now works as a limit order: a trade at its limit fills the rest (maker).
    account.on_trade("BTC/USD", D("99990.0"), D(1), NOW + 2)
    assert account.order(order_id) is None
    last = account.fills(Venue.SPOT)[-1]
    assert (last.order_id, last.price, last.qty, last.liquidity) == (
        order_id,
        D("99990.0"),
        D("0.1"),
        Liquidity.MAKER,
    )


def test_spot_stop_loss_without_limit_fills_at_market_and_cancels_the_rest() -> None:
    desk, account, events = _desk()
    placed = desk.place(_req(SELL, "stop", "0.4", stop="99995.0", symbol="BTC/USD"), NOW)
    assert placed.order is not None and placed.order.order_type == "stop-loss"
    events.clear()
    account.on_trade("BTC/USD", D("99994.0"), D(1), NOW + 1)
    fills = [e.fill for e in events if e.fill is not None]
    # The whole bid side is one level: 0.3 fills there, the market order's rest goes.
    assert [(f.price, f.qty) for f in fills] == [(D("99990.0"), D("0.3"))]
    closed = [e for e in events if e.kind == "order_closed"]
    assert [(e.reason, e.status) for e in closed] == [(IOC_REST_REASON, "canceled")]
    assert account.order(placed.order.order_id) is None


def test_futures_stop_without_limit_is_a_market_order_within_the_price_protection() -> None:
    desk, account, events = _desk()
    placed = desk.place(_req(BUY, "stop", "2", stop="100005"), NOW)
    assert placed.order is not None
    account.on_trade("PF_XBTUSD", D(100005), D(1), NOW + 1)
    fills = [
        e.fill for e in events if e.fill is not None and e.fill.order_id == placed.order.order_id
    ]
    # 1 % above the best ask 100010 is 101010.1: 101100 is out of reach.
    assert [(f.price, f.qty) for f in fills] == [
        (D(100010), D("0.05")),
        (D(100020), D("0.1")),
        (D(100500), D(1)),
    ]
    assert account.order(placed.order.order_id) is None
    reasons = [e.reason for e in events if e.kind == "order_closed"]
    assert reasons == ["stop_order_triggered", IOC_REST_REASON]


def test_a_triggered_spot_stop_limit_amended_across_the_book_takes_like_a_limit() -> None:
    desk, account, _ = _desk()
    request = _req(SELL, "stop", "0.4", "99995.0", stop="99995.0", symbol="BTC/USD")
    placed = desk.place(request, NOW)
    assert placed.order is not None
    order_id = placed.order.order_id
    # Untriggered, an amend that crosses the book takes nothing: it is still a stop.
    waiting = desk.amend(Venue.SPOT, order_id=order_id, limit_price=D("99990.0"), now_ms=NOW)
    assert waiting.outcome == "placed" and not waiting.fills
    desk.amend(Venue.SPOT, order_id=order_id, limit_price=D("99995.0"), now_ms=NOW)
    account.on_trade("BTC/USD", D("99995.0"), D(1), NOW + 1)  # triggers; 99990 < limit
    assert order_id in account.triggered
    assert all(f.order_id != order_id for f in account.fills(Venue.SPOT))
    moved = desk.amend(Venue.SPOT, order_id=order_id, limit_price=D("99990.0"), now_ms=NOW + 2)
    # The fixed book still bids 0.3 at 99990: the working limit takes it, 0.1 rests.
    assert [(f.price, f.qty) for f in moved.fills] == [(D("99990.0"), D("0.3"))]
    assert moved.outcome == "partially_filled" and moved.order is not None
    assert moved.order.remaining == D("0.1")


async def test_futures_stop_trigger_on_the_open_orders_feed(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    await _subscribe(client, exchange, "open_orders")
    mid = exchange.markets["PF_XBTUSD"].mid
    stop, limit = int(mid * D("0.9")), int(mid * D("1.2"))  # a limit nothing can take
    request = _req(SELL, "stop", "0.01", str(limit), stop=str(stop))
    placed = exchange.order_desk.place(request, NOW)
    assert placed.order is not None
    order_id = placed.order.order_id
    exchange.account.on_trade("PF_XBTUSD", D(stop), D("0.001"), NOW + 1)
    frames: list[dict[str, Any]] = []

    def mine(msg: dict[str, Any]) -> bool:
        if msg.get("feed") == "open_orders" and order_id in (
            msg.get("order_id"),
            msg.get("order", {}).get("order_id"),
        ):
            frames.append(msg)
        return len(frames) == 3

    await client.recv_until(mine)
    await client.close()
    placed_msg, removed, limit_msg = frames
    assert placed_msg["reason"] == "new_placed_order_by_user"
    assert placed_msg["order"]["type"] == "stop"
    assert (removed["is_cancel"], removed["reason"]) == (True, "stop_order_triggered")
    assert (limit_msg["is_cancel"], limit_msg["reason"]) == (False, "limit_order_from_stop")
    order = limit_msg["order"]
    assert (order["type"], D(str(order["limit_price"])), order["stop_price"]) == (
        "limit",
        D(limit),
        0,
    )

"""The order desk against a fixed book: every order kind, worked out by hand.

The practice account is the seeded one at round mids (PF_XBTUSD 100000: long
0.04 @ 98500, a resting buy 0.02 @ 97000 and a reduce-only stop sell 0.04 @ 93000;
PF_ETHUSD 3000: short 1.5 @ 3030, a buy 0.5 @ 2940; spot USD 25000 of which 4900
reserved by a BTC buy 0.05 @ 98000, BTC 0.5). The books below are fixed so every
fill price and quantity is known in advance.
"""

from __future__ import annotations

from decimal import Decimal as D

from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.sim.catalog import Catalog
from kraken_tui.sim.order_desk import (
    IOC_REST_REASON,
    POST_REST_REASON,
    BookLevels,
    OrderDesk,
    OrderKind,
    OrderRequest,
)
from kraken_tui.sim.practice import AccountEvent, PracticeAccount

NOW = 1_700_000_000_000
MIDS = {
    "PF_XBTUSD": D(100000),
    "PF_ETHUSD": D(3000),
    "BTC/USD": D(100000),
    "ETH/USD": D(3000),
    "SOL/USD": D(200),
}
BOOKS: dict[str, tuple[BookLevels, BookLevels]] = {
    "PF_XBTUSD": (
        [(D(99990), D("0.1")), (D(99980), D("0.2"))],
        [(D(100010), D("0.05")), (D(100020), D("0.1")), (D(100500), D(1)), (D(101100), D(5))],
    ),
    "BTC/USD": (
        [(D("99990.0"), D("0.3"))],
        [(D("100010.0"), D("0.05")), (D("100020.0"), D("0.1")), (D("150000.0"), D(1))],
    ),
}
BUY, SELL = OrderSide.BUY, OrderSide.SELL
F = Venue.FUTURES


def _desk() -> tuple[OrderDesk, PracticeAccount, list[AccountEvent]]:
    account = PracticeAccount({i.symbol: i for i in Catalog().instruments}, MIDS, NOW, seed=1)
    events: list[AccountEvent] = []
    account.listen(events.append)
    return OrderDesk(account, BOOKS.__getitem__), account, events


def _req(
    side: OrderSide,
    kind: OrderKind,
    qty: str,
    limit: str | None = None,
    *,
    symbol: str = "PF_XBTUSD",
    stop: str | None = None,
    reduce_only: bool = False,
    cl_ord_id: str = "",
) -> OrderRequest:
    venue = Venue.SPOT if "/" in symbol else F
    return OrderRequest(
        venue, symbol, side, kind, D(qty),
        limit_price=None if limit is None else D(limit),
        stop_price=None if stop is None else D(stop),
        reduce_only=reduce_only, cl_ord_id=cl_ord_id,
    )  # fmt: skip


def _kinds(events: list[AccountEvent]) -> list[str]:
    return [f"{e.kind}:{e.reason}" if e.reason else e.kind for e in events]


def test_marketable_limit_walks_levels_then_rests() -> None:
    desk, account, events = _desk()
    result = desk.place(_req(BUY, "limit", "0.2", "100020"), NOW)
    assert result.outcome == "partially_filled" and result.order is not None
    # 0.05 @ 100010 + 0.1 @ 100020, both taker; 0.05 left resting at 100020
    assert [(f.price, f.qty, f.liquidity) for f in result.fills] == [
        (D(100010), D("0.05"), Liquidity.TAKER),
        (D(100020), D("0.1"), Liquidity.TAKER),
    ]
    assert result.fills[0].fee == D("2.50025")  # 0.05 * 100010 * 0.0005
    assert result.order.filled == D("0.15") and result.order.remaining == D("0.05")
    assert account.order(result.order.order_id) == result.order
    assert account.position_size("PF_XBTUSD") == D("0.19")  # 0.04 + 0.15
    per_fill = ["fill", "order:partial_fill", "balance", "positions", "margin"]
    assert _kinds(events) == ["order:new_placed_order_by_user", *per_fill, *per_fill]


def test_limit_that_does_not_cross_just_rests() -> None:
    desk, _, events = _desk()
    result = desk.place(_req(SELL, "limit", "0.01", "100500", cl_ord_id="mine-1"), NOW)
    assert result.outcome == "placed" and not result.fills
    assert result.order is not None and result.order.status == "untouched"
    assert result.order.cl_ord_id == "mine-1" and result.order.order_type == "limit"
    assert _kinds(events) == ["order:new_placed_order_by_user"]
    assert desk.find(F, cl_ord_id="mine-1") == result.order


def test_post_only_rejected_when_it_would_take() -> None:
    desk, account, events = _desk()
    result = desk.place(_req(BUY, "post", "0.01", "100010"), NOW)
    assert (result.outcome, result.reason) == ("rejected", "postWouldExecute")
    assert len(account.open_orders(F)) == 3
    # Only the removal open_orders_verbose reports ("rejected (for post-only)").
    assert _kinds(events) == [f"order_closed:{POST_REST_REASON}"]
    assert desk.place(_req(BUY, "post", "0.01", "100000"), NOW).outcome == "placed"


def test_ioc_fills_what_it_can_and_cancels_the_rest() -> None:
    desk, account, events = _desk()
    result = desk.place(_req(BUY, "ioc", "0.1", "100010"), NOW)
    assert result.outcome == "cancelled" and result.order is not None
    assert [(f.price, f.qty) for f in result.fills] == [(D(100010), D("0.05"))]
    assert result.order.filled == D("0.05")
    assert account.order(result.order.order_id) is None
    closed = [e for e in events if e.kind == "order_closed"]
    assert [(e.reason, e.status) for e in closed] == [(IOC_REST_REASON, "canceled")]
    nothing = desk.place(_req(BUY, "ioc", "0.1", "100000"), NOW)
    assert (nothing.outcome, nothing.reason) == ("rejected", "iocWouldNotExecute")


def test_futures_market_order_stops_at_one_percent() -> None:
    desk, account, _ = _desk()
    result = desk.place(_req(BUY, "market", "2"), NOW)
    # bound 100010 * 1.01 = 101010.1: takes 0.05 + 0.1 + 1 = 1.15, never reaches 101100
    assert result.outcome == "cancelled" and result.order is not None
    assert [f.price for f in result.fills] == [D(100010), D(100020), D(100500)]
    assert result.order.filled == D("1.15") and result.order.order_type == "market"
    assert account.position_size("PF_XBTUSD") == D("1.19")


def test_spot_market_order_walks_without_bound() -> None:
    desk, account, _ = _desk()
    result = desk.place(_req(BUY, "market", "0.16", symbol="BTC/USD"), NOW)
    assert result.outcome == "filled"
    assert [(f.price, f.qty) for f in result.fills] == [
        (D("100010.0"), D("0.05")),
        (D("100020.0"), D("0.1")),
        (D("150000.0"), D("0.01")),
    ]
    assert account.spot_available("BTC") == D("0.66")  # 0.5 + 0.16


def test_reduce_only_rejected_or_capped() -> None:
    desk, account, _ = _desk()
    adds = desk.place(_req(BUY, "limit", "0.01", "99000", reduce_only=True), NOW)
    assert (adds.outcome, adds.reason) == ("rejected", "wouldNotReducePosition")
    capped = desk.place(_req(SELL, "limit", "0.1", "99990", reduce_only=True), NOW)
    # the long is 0.04: the order becomes 0.04 and fills at the 99990 bid
    assert capped.outcome == "filled" and capped.order is not None
    assert capped.order.qty == D("0.04")
    assert [(f.price, f.qty) for f in capped.fills] == [(D(99990), D("0.04"))]
    assert account.position_size("PF_XBTUSD") == 0


def test_size_price_and_client_id_checks() -> None:
    desk, _, events = _desk()
    assert desk.place(_req(BUY, "limit", "0", "99000"), NOW).reason == "invalidSize"
    assert desk.place(_req(BUY, "limit", "0.00005", "99000"), NOW).reason == "invalidSize"
    assert desk.place(_req(BUY, "limit", "0.01", "99000.5"), NOW).reason == "invalidPrice"
    assert desk.place(_req(BUY, "limit", "0.01"), NOW).reason == "invalidPrice"
    assert desk.place(_req(BUY, "limit", "0.01", "1", symbol="PF_NOPE"), NOW).reason == (
        "invalidArgument"
    )
    assert desk.place(_req(BUY, "limit", "0.01", "99000", cl_ord_id="a"), NOW).outcome == "placed"
    again = desk.place(_req(BUY, "limit", "0.01", "98000", cl_ord_id="a"), NOW)
    assert (again.outcome, again.reason, again.order) == (
        "rejected",
        "clientOrderIdAlreadyExist",
        None,
    )
    assert len(events) == 1


def test_futures_margin_check() -> None:
    desk, _, _ = _desk()
    # equity 10000 + 60 + 45 = 10105; margin with orders 80 + 90 + 2 % of (1940 + 1470) = 238.2
    # -> available 9866.8. 5 @ 99000 needs 9900; 4.9 @ 99000 needs 9702.
    refused = desk.place(_req(BUY, "limit", "5", "99000"), NOW)
    assert (refused.outcome, refused.reason) == ("rejected", "insufficientAvailableFunds")
    assert desk.place(_req(BUY, "limit", "4.9", "99000"), NOW).outcome == "placed"


def test_spot_balance_check() -> None:
    desk, _, _ = _desk()
    # USD available 25000 - 4900 = 20100; 0.2 @ 99000 costs 19800 * 1.0026 = 19851.48
    assert desk.place(_req(BUY, "limit", "0.2", "99000", symbol="BTC/USD"), NOW).outcome == (
        "placed"
    )
    # now 20100 - 19800 = 300 left: 0.01 @ 99000 = 990 * 1.0026 > 300
    refused = desk.place(_req(BUY, "limit", "0.01", "99000", symbol="BTC/USD"), NOW)
    assert refused.reason == "insufficientAvailableFunds"
    sells = desk.place(_req(SELL, "limit", "0.6", "120000", symbol="BTC/USD"), NOW)
    assert sells.reason == "insufficientAvailableFunds"  # BTC 0.5


def test_stop_and_take_profit_rest_until_triggered() -> None:
    desk, account, events = _desk()
    stop = desk.place(_req(SELL, "stop", "0.01", stop="95000"), NOW)
    take = desk.place(_req(SELL, "take_profit", "0.01", stop="105000"), NOW)
    assert stop.outcome == take.outcome == "placed" and not stop.fills
    assert stop.order is not None and take.order is not None
    assert (stop.order.order_type, take.order.order_type) == ("stop", "take_profit")
    account.on_trade("PF_XBTUSD", D(104000), D(1), NOW + 1)
    assert account.order(take.order.order_id) is not None
    account.on_trade("PF_XBTUSD", D(105500), D(1), NOW + 2)
    assert account.order(take.order.order_id) is None
    assert account.order(stop.order.order_id) is not None
    account.on_trade("PF_XBTUSD", D(94900), D(1), NOW + 3)
    assert account.order(stop.order.order_id) is None
    fills = [e.fill for e in events if e.kind == "fill" and e.fill is not None]
    # Without a limit price a triggered stop is a market order against the (fixed)
    # book: both sells take the best bid, 99990. The 94900 print also fills the
    # seeded buy 0.02 @ 97000 first (maker, limits before stops).
    assert [(f.price, f.qty, f.liquidity) for f in fills] == [
        (D(99990), D("0.01"), Liquidity.TAKER),
        (D(97000), D("0.02"), Liquidity.MAKER),
        (D(99990), D("0.01"), Liquidity.TAKER),
    ]
    # Futures: each stop is removed as triggered, then its market order fills in full.
    closes = [e.reason for e in events if e.kind == "order_closed"]
    assert closes == [
        "stop_order_triggered", "full_fill",  # the take-profit
        "full_fill",  # the seeded buy
        "stop_order_triggered", "full_fill",  # the stop
    ]  # fmt: skip


def test_amend_keeps_id_and_fills_when_it_crosses() -> None:
    desk, _, events = _desk()
    placed = desk.place(_req(BUY, "limit", "0.1", "99000"), NOW)
    assert placed.order is not None
    order_id = placed.order.order_id
    events.clear()
    moved = desk.amend(F, order_id=order_id, limit_price=D(100010), now_ms=NOW + 5)
    assert moved.outcome == "partially_filled" and moved.order is not None
    assert moved.order.order_id == order_id and moved.order.limit_price == D(100010)
    assert [(f.price, f.qty) for f in moved.fills] == [(D(100010), D("0.05"))]
    assert _kinds(events)[:3] == ["order:edited_by_user", "fill", "order:partial_fill"]
    # The desk never consumes the (fixed) book, so the still-crossing order takes the
    # 0.05 at 100010 again: 0.3 total, 0.1 filled.
    bigger = desk.amend(F, order_id=order_id, qty=D("0.3"), now_ms=NOW + 6)
    assert bigger.outcome == "partially_filled" and bigger.order is not None
    assert [(f.price, f.qty) for f in bigger.fills] == [(D(100010), D("0.05"))]
    assert bigger.order.remaining == D("0.2")
    lower = desk.amend(F, order_id=order_id, limit_price=D(99000), now_ms=NOW + 7)
    assert lower.outcome == "placed" and not lower.fills
    assert desk.amend(F, order_id=order_id, qty=D("0.1"), now_ms=NOW).reason == "invalidSize"
    assert desk.amend(F, order_id="nope", qty=D(1), now_ms=NOW).reason == "orderForEditNotFound"


def test_amend_of_post_only_that_would_cross_is_refused() -> None:
    desk, _, _ = _desk()
    placed = desk.place(_req(BUY, "post", "0.1", "99000"), NOW)
    assert placed.order is not None
    result = desk.amend(F, order_id=placed.order.order_id, limit_price=D(100010), now_ms=NOW)
    assert (result.outcome, result.reason) == ("rejected", "postWouldExecute")


def test_cancel_and_cancel_all() -> None:
    desk, account, events = _desk()
    first = account.open_orders(F)[0]
    result = desk.cancel(F, order_id=first.order_id)
    assert result.outcome == "cancelled"
    assert [(e.kind, e.reason, e.status) for e in events] == [
        ("order_closed", "cancelled_by_user", "canceled")
    ]
    assert desk.cancel(F, order_id=first.order_id).reason == "notFound"
    cancelled = desk.cancel_all(F, "PF_XBTUSD")
    assert {o.symbol for o in cancelled} == {"PF_XBTUSD"} and len(cancelled) == 1
    assert [o.symbol for o in account.open_orders(F)] == ["PF_ETHUSD"]
    assert len(desk.cancel_all(F)) == 1 and account.open_orders(F) == []
    assert len(account.open_orders(Venue.SPOT)) == 3


def test_dead_man_switch_fires_on_tick() -> None:
    desk, account, events = _desk()
    assert desk.arm_dead_man(F, 60, NOW) == NOW + 60_000
    assert desk.tick(NOW + 59_999) == []
    cancelled = desk.tick(NOW + 60_000)
    assert len(cancelled) == 3 and account.open_orders(F) == []
    assert {e.reason for e in events} == {"dead_man_switch"}
    assert len(account.open_orders(Venue.SPOT)) == 3
    assert desk.tick(NOW + 120_000) == []  # fired once, then disarmed
    assert desk.arm_dead_man(Venue.SPOT, 10, NOW) == NOW + 10_000
    assert desk.arm_dead_man(Venue.SPOT, 0, NOW + 1) is None
    assert desk.tick(NOW + 20_000) == [] and len(account.open_orders(Venue.SPOT)) == 3

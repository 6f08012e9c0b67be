"""The practice account: seeded state, fills, margin and liquidation, checked by hand.

Mids are round numbers so every expected value below is worked out on paper
(the arithmetic is in the comments), never by the code under test.
"""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.sim.catalog import Catalog
from kraken_tui.sim.practice import AccountEvent, PracticeAccount

NOW = 1_700_000_000_000
MIDS = {
    "PF_XBTUSD": D(100000),
    "PF_ETHUSD": D(3000),
    "BTC/USD": D(100000),
    "ETH/USD": D(3000),
    "SOL/USD": D(200),
}
UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def _account(seed: int = 1) -> PracticeAccount:
    instruments = {i.symbol: i for i in Catalog().instruments}
    return PracticeAccount(instruments, MIDS, NOW, seed=seed)


def _record(account: PracticeAccount) -> list[AccountEvent]:
    events: list[AccountEvent] = []
    account.listen(events.append)
    return events


def test_seeded_positions_and_margin() -> None:
    account = _account()
    xbt, eth = account.positions()
    # entry 100000 * 0.985 = 98500 (tick 1); 3000 * 1.01 = 3030.0 (tick 0.1)
    assert (xbt.symbol, xbt.size, xbt.entry_price, xbt.mark_price) == (
        "PF_XBTUSD",
        D("0.04"),
        D(98500),
        D(100000),
    )
    assert (eth.symbol, eth.size, eth.entry_price) == ("PF_ETHUSD", D("-1.5"), D("3030.0"))
    assert xbt.unrealized_pnl == D(60)  # 0.04 * 1500
    assert eth.unrealized_pnl == D(45)  # -1.5 * -30
    assert xbt.initial_margin == D(80) and xbt.maintenance_margin == D(40)  # 2 % / 1 % of 4000
    assert eth.initial_margin == D(90) and eth.maintenance_margin == D(45)  # of 4500
    # leverage: 4000 / 10105 = 0.39584..., 4500 / 10105 = 0.44532...
    assert xbt.effective_leverage == D("0.3958")
    assert eth.effective_leverage == D("0.4453")
    # long: collateral 10000 + 45 - 45 = 10000 > 0.04 * 98500 -> no positive solution
    assert xbt.liquidation_price is None
    # short: A = 10000 + 60 - 40 = 10020; p = (1.5*3030 + 10020) / 1.515 = 9613.86...
    assert eth.liquidation_price == D("9613.9")
    m = account.margin()
    assert m.currency == "USD"
    assert m.balance_value == 10000
    assert m.unrealized_pnl == 105
    assert m.equity == 10105
    assert m.initial_margin == 170  # 2 % of 8500
    assert m.maintenance_margin == 85
    # orders: 0.02 * 97000 + 0.5 * 2940 = 3410 -> 68.2 (the reduce-only stop needs none)
    assert m.initial_margin_with_orders == D("238.2")
    assert m.available_margin == D("9866.8")
    (usd,) = account.balances(Venue.FUTURES)
    assert (usd.asset, usd.total, usd.available, usd.wallet) == (
        "USD",
        D(10000),
        D("9866.8"),
        "flex",
    )


def test_seeded_orders_fills_and_spot_wallet() -> None:
    account = _account()
    futures = account.open_orders(Venue.FUTURES)
    assert [
        (o.symbol, o.side, o.order_type, o.qty, o.limit_price, o.stop_price, o.reduce_only)
        for o in futures
    ] == [
        ("PF_XBTUSD", OrderSide.BUY, "limit", D("0.02"), 97000, None, False),
        ("PF_XBTUSD", OrderSide.SELL, "stop", D("0.04"), None, 93000, True),
        ("PF_ETHUSD", OrderSide.BUY, "limit", D("0.5"), D("2940.0"), None, False),
    ]
    spot = account.open_orders(Venue.SPOT)
    assert [(o.symbol, o.side, o.qty, o.limit_price) for o in spot] == [
        ("BTC/USD", OrderSide.BUY, D("0.05"), 98000),
        ("ETH/USD", OrderSide.SELL, D("1.0"), 3090),
        ("SOL/USD", OrderSide.SELL, D("2"), D("200.10")),
    ]
    assert all(o.time_ms < NOW and UUID.match(o.order_id) for o in futures + spot)
    ffills = account.fills(Venue.FUTURES)
    assert [(f.symbol, f.side, f.qty, f.price, f.fee) for f in ffills] == [
        ("PF_XBTUSD", OrderSide.BUY, D("0.04"), 98500, D("1.97")),  # 3940 * 0.0005
        ("PF_ETHUSD", OrderSide.SELL, D("1.5"), D("3030.0"), D("2.2725")),  # 4545 * 0.0005
    ]
    sfills = account.fills(Venue.SPOT)
    assert [(f.symbol, f.qty, f.price, f.fee, f.fee_currency) for f in sfills] == [
        ("BTC/USD", D("0.1"), D(99500), D("25.87"), "USD"),  # 9950 * 0.0026
        ("ETH/USD", D("1.5"), D(2994), D("11.6766"), "USD"),  # 4491 * 0.0026
    ]
    assert all(NOW - 20 * 60_000 < f.time_ms < NOW for f in ffills + sfills)
    assert all(UUID.match(f.fill_id) for f in ffills + sfills)
    balances = {b.asset: (b.total, b.available, b.wallet) for b in account.balances(Venue.SPOT)}
    assert balances == {
        "USD": (25000, 20100, "spot"),  # 0.05 * 98000 reserved by the BTC bid
        "BTC": (D("0.5"), D("0.5"), "spot"),
        "ETH": (4, 3, "spot"),  # 1.0 offered
        "SOL": (30, 28, "spot"),  # 2 offered
    }
    assert len(account.futures_log()) == 2


def test_same_seed_same_ids_other_seed_differs() -> None:
    a, b, c = _account(1), _account(1), _account(2)
    ids = [o.order_id for o in a.open_orders(Venue.FUTURES)]
    assert ids == [o.order_id for o in b.open_orders(Venue.FUTURES)]
    assert ids != [o.order_id for o in c.open_orders(Venue.FUTURES)]


def test_partial_maker_fill_on_futures_bid() -> None:
    account = _account()
    events = _record(account)
    account.on_trade("PF_XBTUSD", D(97001), D(1), NOW + 1)
    assert events == []  # 97001 is above the 97000 bid
    account.on_trade("PF_XBTUSD", D(97000), D("0.01"), NOW + 2)
    assert [e.kind for e in events] == ["fill", "order", "balance", "positions", "margin"]
    fill = events[0].fill
    assert fill is not None
    assert (fill.price, fill.qty, fill.liquidity, fill.fee, fill.time_ms) == (
        D(97000), D("0.01"), Liquidity.MAKER, D("0.194"), NOW + 2,
    )  # fmt: skip
    order = events[1].order
    assert order is not None and events[1].reason == "partial_fill"
    assert (order.filled, order.remaining, order.status) == (
        D("0.01"),
        D("0.01"),
        "partiallyFilled",
    )
    balance = events[2].balance
    assert (
        balance is not None and balance.total == D("9999.806") and events[2].amount == D("-0.194")
    )
    (xbt, _) = account.positions()
    # (0.04 * 98500 + 0.01 * 97000) / 0.05 = 98200
    assert (xbt.size, xbt.entry_price) == (D("0.05"), D(98200))
    assert account.collateral == D("9999.806")
    log = account.log_entry(fill.fill_id)
    assert log is not None
    assert (log.old_balance, log.new_balance, log.old_entry, log.new_entry) == (
        D("0.04"),
        D("0.05"),
        D(98500),
        D(98200),
    )


def test_trade_through_bid_then_stop_realises_loss() -> None:
    account = _account()
    events = _record(account)
    account.on_trade("PF_XBTUSD", D(93000), D("0.02"), NOW + 5)
    kinds = [e.kind for e in events]
    assert kinds == ["fill", "order_closed", "balance", "positions", "margin"] * 2
    bid_fill, stop_fill = events[0].fill, events[5].fill
    assert bid_fill is not None and stop_fill is not None
    # the bid fills completely at its own price: 0.02 @ 97000, maker fee 1940 * 0.0002 = 0.388
    assert (bid_fill.side, bid_fill.price, bid_fill.qty, bid_fill.fee) == (
        OrderSide.BUY, D(97000), D("0.02"), D("0.388"),
    )  # fmt: skip
    assert events[1].reason == "full_fill"
    # position 0.06 @ (3940 + 1940) / 0.06 = 98000; the stop sells 0.04 at the trade
    # price as taker: fee 0.04 * 93000 * 0.0005 = 1.86, realised 0.04 * (93000 - 98000) = -200
    assert (stop_fill.side, stop_fill.price, stop_fill.qty) == (OrderSide.SELL, D(93000), D("0.04"))
    assert (stop_fill.liquidity, stop_fill.fee) == (Liquidity.TAKER, D("1.86"))
    assert events[6].reason == "stop_order_triggered"
    assert events[7].amount == D("-201.86")
    # 10000 - 0.388 - 200 - 1.86
    assert account.collateral == D("9797.752")
    (xbt, _) = account.positions()
    assert (xbt.size, xbt.entry_price) == (D("0.02"), D(98000))
    assert [o.symbol for o in account.open_orders(Venue.FUTURES)] == ["PF_ETHUSD"]
    log = account.log_entry(stop_fill.fill_id)
    assert log is not None and (log.realized_pnl, log.fee) == (D(-200), D("1.86"))


def test_reduce_only_stop_without_position_is_cancelled() -> None:
    account = _account()
    account._holdings.pop("PF_XBTUSD")  # the long is gone (closed outside this test's view)
    events = _record(account)
    account.on_trade("PF_XBTUSD", D(92000), D(0), NOW)
    assert [(e.kind, e.reason) for e in events] == [("order_closed", "would_not_reduce_position")]
    assert account.fills(Venue.FUTURES)[-1].symbol == "PF_ETHUSD"


def test_set_mark_moves_pnl_and_liquidation() -> None:
    account = _account()
    account.set_mark("PF_XBTUSD", D(90000))
    xbt, eth = account.positions()
    assert xbt.unrealized_pnl == -340  # 0.04 * (90000 - 98500)
    assert account.margin().equity == 9705  # 10000 - 340 + 45
    # short: A = 10000 - 340 - 0.01*0.04*90000 = 9624; p = (4545 + 9624) / 1.515 = 9352.47...
    assert eth.liquidation_price == D("9352.5")
    account.set_mark("PF_ETHUSD", D(9000))
    xbt, eth = account.positions()
    assert eth.unrealized_pnl == -8955  # -1.5 * 5970
    # long: A = 10000 - 8955 - 135 = 910; p = (3940 - 910) / 0.0396 = 76515.15...
    assert xbt.liquidation_price == 76515
    assert xbt.liquidation_distance is not None and xbt.liquidation_distance < 0


def test_spot_sell_fills_at_limit_and_moves_both_balances() -> None:
    account = _account()
    events = _record(account)
    account.on_trade("SOL/USD", D("200.09"), D(5), NOW)
    assert events == []
    account.on_trade("SOL/USD", D("200.10"), D(5), NOW + 1)
    assert [e.kind for e in events] == ["fill", "order_closed", "balance", "balance"]
    assert {e.venue for e in events} == {Venue.SPOT}
    fill = events[0].fill
    assert fill is not None
    # 2 * 200.10 = 400.20; maker fee 0.16 % = 0.64032
    assert (fill.qty, fill.price, fill.fee, fill.liquidity) == (
        D(2),
        D("200.10"),
        D("0.64032"),
        Liquidity.MAKER,
    )
    assert (events[1].reason, events[1].status) == ("full_fill", "filled")
    sol, usd = events[2].balance, events[3].balance
    assert sol is not None and usd is not None
    assert (sol.asset, sol.total, sol.available, events[2].amount) == ("SOL", D(28), D(28), D(-2))
    assert (usd.asset, usd.total, events[3].amount) == ("USD", D("25399.55968"), D("399.55968"))
    assert all(e.ref_id == fill.fill_id for e in events[2:])
    assert [o.symbol for o in account.open_orders(Venue.SPOT)] == ["BTC/USD", "ETH/USD"]


def test_spot_partial_buy_keeps_reserve_for_the_rest() -> None:
    account = _account()
    events = _record(account)
    account.on_trade("BTC/USD", D("97999.9"), D("0.02"), NOW)
    assert [e.kind for e in events] == ["fill", "order", "balance", "balance"]
    assert events[1].status == "partially_filled"
    balances = {b.asset: (b.total, b.available) for b in account.balances(Venue.SPOT)}
    # cost 0.02 * 98000 = 1960, fee 3.136; the remaining 0.03 reserves 2940
    assert balances["USD"] == (D("23036.864"), D("20096.864"))
    assert balances["BTC"] == (D("0.52"), D("0.52"))


def test_unlisten_stops_events() -> None:
    account = _account()
    events = _record(account)
    account.unlisten(events.append)
    account.on_trade("SOL/USD", D("201"), D(5), NOW)
    assert events == []
    assert len(account.fills(Venue.SPOT)) == 3


@pytest.mark.parametrize("missing", ["PF_ETHUSD", "SOL/USD"])
def test_missing_instrument_is_skipped(missing: str) -> None:
    instruments = {i.symbol: i for i in Catalog().instruments if i.symbol != missing}
    account = PracticeAccount(instruments, MIDS, NOW)
    symbols = {o.symbol for v in Venue for o in account.open_orders(v)}
    symbols |= {p.symbol for p in account.positions()}
    assert missing not in symbols


def test_funding_accrues_to_equity_and_is_realised_when_the_position_changes() -> None:
    account = _account()
    # Long 0.04 at mark 100000 pays 0.0001 of 4000 = 0.4; short 1.5 at 3000 earns 0.45.
    account.accrue_funding("PF_XBTUSD", D("0.0001"))
    account.accrue_funding("PF_ETHUSD", D("0.0001"))
    account.accrue_funding("SOL/USD", D("0.0001"))  # not a position: nothing happens
    xbt, eth = account.positions()
    assert xbt.unrealized_funding == D("-0.4")
    assert eth.unrealized_funding == D("0.45")
    assert account.margin().equity == D("10105.05")  # 10000 + 60 + 45 - 0.4 + 0.45
    assert account.collateral == D(10000)
    # The resting PF_XBTUSD bid (0.02 at 97000) fills: the long changes, its funding is
    # realised into collateral along with the 0.02 % maker fee on 1940 (0.388).
    account.on_trade("PF_XBTUSD", D(97000), D("0.02"), NOW + 1)
    assert account.collateral == D("10000") - D("0.4") - D("0.388")
    xbt = next(p for p in account.positions() if p.symbol == "PF_XBTUSD")
    assert xbt.unrealized_funding == 0

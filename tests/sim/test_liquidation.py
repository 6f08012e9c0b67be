"""Forced liquidation of the practice account's futures positions.

The seeded account (PF_XBTUSD long 0.04 @ 98500, PF_ETHUSD short 1.5 @ 3030,
collateral 10000 USD) buys 4 PF_XBTUSD more so a mark move can sink it. Every
expected figure is worked out here from the position's size and entry, the
collateral and the marks (maintenance margin 1 % of notional): the liquidation
price where equity meets maintenance margin, the bankruptcy price where equity is
0, and the collateral after the position is closed at the mark.
"""

from __future__ import annotations

import time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any

from kraken_tui.model import Venue
from kraken_tui.model.account import Liquidity, OrderSide
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.catalog import Catalog
from kraken_tui.sim.order_desk import BookLevels, OrderDesk, OrderRequest
from kraken_tui.sim.practice import AccountEvent, PracticeAccount
from tests.sim.test_futures_private import _connect, _subscribe
from tests.sim.test_futures_private_rest import _call

D = Decimal
NOW = 1_700_000_000_000
MM = D("0.01")
XBT, ETH = "PF_XBTUSD", "PF_ETHUSD"
MIDS = {XBT: D(100000), ETH: D(3000), "BTC/USD": D(100000), "ETH/USD": D(3000)}
BOOKS: dict[str, tuple[BookLevels, BookLevels]] = {
    XBT: ([(D(99990), D(10))], [(D(100000), D(10))]),
}


def _account(
    side: OrderSide = OrderSide.BUY,
) -> tuple[PracticeAccount, OrderDesk, list[AccountEvent]]:
    """The seeded account after a market order for 4 PF_XBTUSD on ``side``."""
    account = PracticeAccount({i.symbol: i for i in Catalog().instruments}, MIDS, NOW, seed=1)
    desk = OrderDesk(account, BOOKS.__getitem__)
    result = desk.place(OrderRequest(Venue.FUTURES, XBT, side, "market", D(4)), NOW)
    assert result.outcome == "filled"
    events: list[AccountEvent] = []
    account.listen(events.append)
    return account, desk, events


def _prices(account: PracticeAccount, symbol: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """(size, entry, liquidation price, bankruptcy price) of ``symbol`` at the account's
    current marks, from the account's inputs only (sizes, entries, funding, collateral)."""
    positions = {p.symbol: p for p in account.positions()}
    own = positions[symbol]
    equity = account.collateral + (own.unrealized_funding or 0)
    maintenance = D(0)
    for other in positions.values():
        if other.symbol == symbol:
            continue
        mark = account.mark(other.symbol)
        assert mark is not None
        equity += other.size * (mark - other.entry_price) + (other.unrealized_funding or 0)
        maintenance += MM * abs(other.size) * mark
    size, entry = own.size, own.entry_price
    liquidation = (size * entry - equity + maintenance) / (size - MM * abs(size))
    bankruptcy = entry - equity / size
    return size, entry, liquidation, bankruptcy


def test_no_liquidation_above_the_price_then_closed_at_the_mark_below_it() -> None:
    account, _, events = _account()
    account.set_mark(ETH, D(3000))
    size, entry, liquidation, bankruptcy = _prices(account, XBT)
    assert size == D("4.04") and bankruptcy < liquidation < entry
    collateral = account.collateral
    above = liquidation.to_integral_value(rounding=ROUND_CEILING) + 1
    account.set_mark(XBT, above, NOW + 1)
    assert account.position_size(XBT) == size and not events
    mark = liquidation.to_integral_value(rounding=ROUND_FLOOR) - 5
    account.set_mark(XBT, mark, NOW + 2)
    assert account.position_size(XBT) == 0
    assert XBT not in {p.symbol for p in account.positions()}
    # The two seeded XBT orders are cancelled for the liquidation; ETH's buy stays.
    closed = [e for e in events if e.kind == "order_closed"]
    assert {e.order.symbol for e in closed if e.order} == {XBT} and len(closed) == 2
    assert {e.reason for e in closed} == {"liquidation"}
    assert [o.symbol for o in account.open_orders(Venue.FUTURES)] == [ETH]
    fills = [e.fill for e in events if e.kind == "fill" and e.fill is not None]
    assert len(fills) == 1
    fill = fills[0]
    assert (fill.side, fill.qty, fill.price, fill.liquidity) == (
        OrderSide.SELL,
        size,
        mark,
        Liquidity.OTHER,
    )
    assert fill.fee == 0
    assert account.collateral == collateral + size * (mark - entry)
    entry_log = account.log_entry(fill.fill_id)
    assert entry_log is not None and entry_log.info == "futures liquidation"
    assert entry_log.realized_pnl == size * (mark - entry)
    assert (entry_log.old_balance, entry_log.new_balance) == (size, D(0))
    assert account.fill_order(fill.fill_id) == (D(0), "liquidation")
    # Order of events: cancels, fill, then balance / positions / margin.
    kinds = [e.kind for e in events]
    assert kinds == ["order_closed", "order_closed", "fill", "balance", "positions", "margin"]
    # The account survives (ETH short still open, equity positive, above maintenance).
    margin = account.margin()
    assert margin.maintenance_margin is not None
    assert margin.equity >= margin.maintenance_margin > 0


def test_a_gap_through_the_bankruptcy_price_closes_there_and_equity_stays_positive() -> None:
    account, _, events = _account()
    account.set_mark(ETH, D(3000))
    size, _, _, bankruptcy = _prices(account, XBT)
    account.set_mark(XBT, D(80000), NOW + 1)
    fill = next(e.fill for e in events if e.kind == "fill" and e.fill is not None)
    expected = bankruptcy.to_integral_value(rounding=ROUND_CEILING)  # the tick is 1
    assert fill.price == expected > D(80000)
    margin = account.margin()
    assert 0 <= margin.equity < size * 1  # at most one tick per contract above zero
    assert account.position_size(XBT) == 0


def test_a_short_is_liquidated_on_a_rise() -> None:
    # Sold 4 XBT: from long 0.04 to short 3.96 (entry 99990, the bid).
    account, _, events = _account(OrderSide.SELL)
    assert account.position_size(XBT) == D("-3.96")
    account.set_mark(ETH, D(3000))
    size, entry, liquidation, bankruptcy = _prices(account, XBT)
    assert entry < liquidation < bankruptcy
    collateral = account.collateral
    mark = liquidation.to_integral_value(rounding=ROUND_CEILING) + 3
    account.set_mark(XBT, mark, NOW + 1)
    fill = next(e.fill for e in events if e.kind == "fill" and e.fill is not None)
    assert (fill.side, fill.qty, fill.price) == (OrderSide.BUY, D("3.96"), mark)
    assert account.collateral == collateral + size * (mark - entry)


def test_liquidating_one_position_can_be_enough_for_the_account() -> None:
    # ETH's mark moves: the ETH short is the one that goes, XBT stays when that suffices.
    account, _, events = _account()
    account.set_mark(XBT, D(100000))
    size, _, liquidation, _ = _prices(account, ETH)
    assert size == D("-1.5")
    account.set_mark(ETH, liquidation.to_integral_value(rounding=ROUND_CEILING) + 1, NOW + 1)
    assert account.position_size(ETH) == 0
    assert account.position_size(XBT) == D("4.04")
    fills = [e.fill for e in events if e.kind == "fill" and e.fill is not None]
    assert [f.symbol for f in fills] == [ETH]


# ------------------------------------------------------------------ on the wire
async def test_liquidation_on_the_futures_private_feeds(exchange: ExchangeServer) -> None:
    client = await _connect(exchange)
    for feed in ("fills", "open_positions", "open_orders_verbose", "account_log"):
        await _subscribe(client, exchange, feed)
    now = time.time_ns() // 1_000_000
    placed = exchange.order_desk.place(
        OrderRequest(Venue.FUTURES, XBT, OrderSide.BUY, "market", D(4)), now
    )
    assert placed.outcome == "filled"
    account = exchange.account
    xbt_orders = {o.order_id for o in account.open_orders(Venue.FUTURES) if o.symbol == XBT}
    assert len(xbt_orders) == 2
    size, entry, liquidation, bankruptcy = _prices(account, XBT)
    funding = next(p.unrealized_funding for p in account.positions() if p.symbol == XBT) or 0
    collateral = account.collateral
    mark = liquidation.to_integral_value(rounding=ROUND_FLOOR) - 5
    assert mark > bankruptcy
    fills_before = len(account.fills(Venue.FUTURES))
    account.set_mark(XBT, mark, now + 1)  # no await since reading the inputs above
    expected_pnl = size * (mark - entry)
    assert account.collateral == collateral + expected_pnl + funding
    assert len(account.fills(Venue.FUTURES)) == fills_before + 1

    frames: list[dict[str, Any]] = []

    def done(msg: dict[str, Any]) -> bool:
        if "event" not in msg and msg.get("feed") != "heartbeat":
            frames.append(msg)
        return msg.get("feed") == "open_positions" and XBT not in {
            p["instrument"] for p in msg["positions"]
        }

    await client.recv_until(done)
    await client.close()
    liquidation_fills = [
        f for m in frames if m["feed"] == "fills" for f in m["fills"]
        if f["fill_type"] == "liquidation"
    ]  # fmt: skip
    assert len(liquidation_fills) == 1
    (wire,) = liquidation_fills
    assert (wire["instrument"], wire["buy"], D(str(wire["qty"])), D(str(wire["price"]))) == (
        XBT,
        False,
        size,
        mark,
    )
    assert (wire["fee_paid"], wire["order_type"], wire["remaining_order_qty"]) == (
        0,
        "liquidation",
        0,
    )
    assert placed.order is not None  # its own full_fill removal is not part of this
    cancels = [
        m for m in frames if m["feed"] == "open_orders_verbose" and m["is_cancel"]
        and m["order_id"] != placed.order.order_id
    ]  # fmt: skip
    assert {m["order_id"] for m in cancels} == xbt_orders
    assert {m["reason"] for m in cancels} == {"liquidation"}
    fill_at = next(i for i, m in enumerate(frames) if m["feed"] == "fills" and any(
        f["fill_type"] == "liquidation" for f in m["fills"]))  # fmt: skip
    assert all(frames.index(m) < fill_at for m in cancels)  # cancels first
    logs = [m["new_entry"] for m in frames if m["feed"] == "account_log"]
    (log,) = [e for e in logs if e["info"] != "futures trade"]
    assert (log["info"], log["execution"]) == ("futures liquidation", wire["fill_id"])
    assert D(str(log["realized_pnl"])) == expected_pnl.quantize(D("1e-8"))  # wire: 8 places
    assert D(str(log["old_balance"])) == size and log["new_balance"] == 0
    assert ETH in {p["instrument"] for p in frames[-1]["positions"]}
    assert not xbt_orders & {o.order_id for o in account.open_orders(Venue.FUTURES)}
    # The REST fills history says the same (newest first).
    status, body = await _call(exchange, "fills")
    assert status == 200
    newest = body["fills"][0]
    assert (newest["fill_id"], newest["fillType"], newest["side"]) == (
        wire["fill_id"],
        "liquidation",
        "sell",
    )

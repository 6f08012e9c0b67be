"""A forced liquidation seen by the app's own private feeds and AccountStore.

The embedded exchange liquidates the practice account's PF_XBTUSD long when a mark
move sinks its margin; the client (feeds/futures_private.py) must show the position
gone, the liquidation fill counted once and the collateral down by exactly the
loss worked out from the position's size and entry and the mark.
"""

from __future__ import annotations

import time
from decimal import ROUND_FLOOR, Decimal

from kraken_tui.feeds.account_store import AuthState
from kraken_tui.model import Venue
from kraken_tui.model.account import Fill, Liquidity, OrderSide
from kraken_tui.sim import ExchangeServer
from kraken_tui.sim.order_desk import OrderRequest
from tests.helpers import wait_for
from tests.integration.test_private_e2e import running, session_for
from tests.sim.test_liquidation import _prices

D = Decimal
XBT = "PF_XBTUSD"


async def test_liquidation_reaches_the_account_store(exchange: ExchangeServer) -> None:
    session = session_for(exchange, exchange.practice_credentials)
    store = session.store.account
    truth = exchange.account
    async with running(session):
        await wait_for(
            lambda: (
                store.private.get(Venue.FUTURES) is not None
                and store.private[Venue.FUTURES].state is AuthState.OK
                and XBT in store.positions
                and store.margin is not None
            ),
            timeout=10,
        )
        now = time.time_ns() // 1_000_000
        buy = OrderRequest(Venue.FUTURES, XBT, OrderSide.BUY, "market", D(4))
        assert exchange.order_desk.place(buy, now).outcome == "filled"
        await wait_for(lambda: store.positions.get(XBT) is not None
                       and store.positions[XBT].size == D("4.04"), timeout=10)  # fmt: skip
        xbt_orders = {o.order_id for o in truth.open_orders(Venue.FUTURES) if o.symbol == XBT}
        assert {i for v, i in store.orders if v is Venue.FUTURES} >= xbt_orders
        # Inputs read and the mark set with no await between: nothing moves meanwhile.
        size, entry, liquidation, _ = _prices(truth, XBT)
        funding = next(p.unrealized_funding for p in truth.positions() if p.symbol == XBT) or 0
        collateral = truth.collateral
        mark = liquidation.to_integral_value(rounding=ROUND_FLOOR) - 5
        truth.set_mark(XBT, mark, now + 1)
        expected = collateral + size * (mark - entry) + funding
        assert truth.collateral == expected
        on_wire = expected.quantize(D("1e-8"))  # the feed prints 8 places

        def liquidation_fills() -> list[Fill]:
            return [
                f for (v, _), f in store.fills.items()
                if v is Venue.FUTURES and f.symbol == XBT and f.liquidity is Liquidity.OTHER
            ]  # fmt: skip

        await wait_for(
            lambda: (
                XBT not in store.positions
                and len(liquidation_fills()) == 1
                and not xbt_orders & {i for v, i in store.orders if v is Venue.FUTURES}
                and any(
                    b.venue is Venue.FUTURES and b.asset == "USD" and b.total == on_wire
                    for b in store.balances.values()
                )
            ),
            timeout=10,
        )
        (fill,) = liquidation_fills()
        assert (fill.side, fill.qty, fill.price) == (OrderSide.SELL, size, mark)
        exchange_fills = {f.fill_id for f in truth.fills(Venue.FUTURES)}
        assert {i for v, i in store.fills if v is Venue.FUTURES} == exchange_fills
        assert "PF_ETHUSD" in store.positions

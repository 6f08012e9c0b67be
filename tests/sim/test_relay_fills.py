"""Practice orders on the paper exchange fill against the relayed (upstream) book:
a marketable order walks the upstream's levels, a resting limit fills when the
upstream market trades through it, and neither moves the relayed book."""

from __future__ import annotations

import time
from decimal import Decimal

from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.model.scaled import from_scaled
from kraken_tui.sim.order_desk import OrderRequest
from tests.helpers import wait_for
from tests.sim.relay_helpers import mirrors, paper_pair, step_upstream

SYMBOL = "SOL/USD"


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


async def test_a_marketable_practice_order_fills_at_the_upstream_book_prices() -> None:
    async with paper_pair() as (up, paper):
        await step_upstream(up, [SYMBOL], 50)
        relayed = paper.server.markets[SYMBOL]
        await wait_for(lambda: relayed.asks.top() == up.markets[SYMBOL].asks.top(100), timeout=5.0)
        upstream = up.markets[SYMBOL]
        (p1, q1), (p2, q2) = upstream.asks.top(2)
        pp, qp = upstream.pp, upstream.qp
        # All of the best ask and half of the next: the fill must walk two upstream levels.
        second = Decimal(q2 // 2).scaleb(-qp)
        qty = from_scaled(q1, qp) + second
        result = paper.server.order_desk.place(
            OrderRequest(Venue.SPOT, SYMBOL, OrderSide.BUY, "market", qty), _now_ms()
        )
        assert result.outcome == "filled"
        assert [(f.price, f.qty) for f in result.fills] == [
            (from_scaled(p1, pp), from_scaled(q1, qp)),
            (from_scaled(p2, pp), second),
        ]
        # Practice fills do not move the live market: the relayed book still mirrors it.
        assert relayed.asks.top() == upstream.asks.top(100)
        assert relayed.bids.top() == upstream.bids.top(100)


async def test_a_resting_practice_limit_fills_when_the_upstream_trades_through_it() -> None:
    async with paper_pair() as (up, paper):
        upstream = up.markets[SYMBOL]
        best_bid = upstream.bids.best
        assert best_bid is not None
        limit = from_scaled(best_bid, upstream.pp)
        placed = paper.server.order_desk.place(
            OrderRequest(Venue.SPOT, SYMBOL, OrderSide.BUY, "limit", Decimal(1), limit),
            _now_ms(),
        )
        assert placed.outcome == "placed" and placed.order is not None
        order_id = placed.order.order_id
        last_id = upstream.next_trade_id
        through = False
        for _ in range(3000):
            await step_upstream(up, [SYMBOL], 1)
            printed = [t for t in upstream.trades if t.trade_id >= last_id]
            last_id = upstream.next_trade_id
            if any(t.price <= best_bid for t in printed):
                through = True
                break
        assert through, "the upstream never traded at or below the limit"

        def filled() -> bool:
            fills = [f for f in paper.server.account.fills(Venue.SPOT) if f.order_id == order_id]
            return sum((f.qty for f in fills), Decimal(0)) == Decimal(1)

        await wait_for(filled, timeout=5.0)
        fills = [f for f in paper.server.account.fills(Venue.SPOT) if f.order_id == order_id]
        assert all(f.price == limit for f in fills)


async def test_downstream_spot_checksums_cover_the_relayed_book_only() -> None:
    """The paper master holds the upstream's depth-100 window, nothing synthetic."""
    async with paper_pair() as (up, paper):
        relayed = paper.server.markets["BTC/USD"]
        assert len(relayed.bids) == 100 and len(relayed.asks) == 100
        assert relayed.bids.top() == up.markets["BTC/USD"].bids.top(100)
        book = paper.relay.store.books[(Venue.SPOT, "BTC/USD")]
        assert mirrors(book, up, "BTC/USD", 100)

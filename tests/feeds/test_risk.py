"""Fat-finger checks with hand-computed figures."""

from __future__ import annotations

from decimal import Decimal as D

from kraken_tui.feeds.order_gateway import Ticket, TicketKind
from kraken_tui.feeds.risk import Level, Limits, check
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide


def ticket(
    side: OrderSide, qty: str, price: str | None, kind: TicketKind = TicketKind.LIMIT
) -> Ticket:
    return Ticket(
        Venue.SPOT, "BTC/USD", side, kind, D(qty), D(price) if price else None, cl_ord_id="t"
    )


def test_a_plain_order_near_the_market_passes() -> None:
    assert check(ticket(OrderSide.BUY, "0.1", "60000"), D(60000), 1.0).level is Level.OK


def test_no_fresh_price_blocks() -> None:
    for reference, age in ((None, 1.0), (D(60000), None), (D(60000), 11.0), (D(0), 1.0)):
        verdict = check(ticket(OrderSide.BUY, "0.1", "60000"), reference, age)
        assert verdict.level is Level.HARD
        assert "no fresh price" in verdict.reasons[0]


def test_notional_limits() -> None:
    # 0.5 x 60000 = 30000 > 25000 soft; 5 x 60000 = 300000 > 250000 hard
    soft = check(ticket(OrderSide.BUY, "0.5", "60000"), D(60000), 1.0)
    assert soft.level is Level.SOFT and "30,000.00" in soft.reasons[0]
    hard = check(ticket(OrderSide.BUY, "5", "60000"), D(60000), 1.0)
    assert hard.level is Level.HARD and "hard limit" in hard.reasons[0]
    # A market order is valued at the reference price.
    market = check(ticket(OrderSide.SELL, "5", None, TicketKind.MARKET), D(60000), 1.0)
    assert market.level is Level.HARD


def test_the_price_band_only_counts_the_losing_side() -> None:
    # buy 3 % above the market: soft (band 2 %); buy 3 % below: a resting bid, fine
    assert check(ticket(OrderSide.BUY, "0.1", "61800"), D(60000), 1.0).level is Level.SOFT
    assert check(ticket(OrderSide.BUY, "0.1", "58200"), D(60000), 1.0).level is Level.OK
    # sell 12 % below: hard (band 10 %); sell 12 % above: fine
    hard = check(ticket(OrderSide.SELL, "0.1", "52800"), D(60000), 1.0)
    assert hard.level is Level.HARD and "12.0%" in hard.reasons[0]
    assert check(ticket(OrderSide.SELL, "0.1", "67200"), D(60000), 1.0).level is Level.OK


def test_limits_are_configurable_and_reasons_accumulate() -> None:
    tight = Limits(soft_notional=D(1000), hard_notional=D(100000), soft_band=D("0.01"))
    verdict = check(ticket(OrderSide.BUY, "0.1", "61200"), D(60000), 1.0, tight)
    # 0.1 x 61200 = 6120 > 1000 and 2 % through the market > 1 %
    assert verdict.level is Level.SOFT
    assert len(verdict.reasons) == 2


def test_zero_size_is_blocked() -> None:
    assert check(ticket(OrderSide.BUY, "0", "60000"), D(60000), 1.0).level is Level.HARD

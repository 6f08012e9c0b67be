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


def test_size_limits_in_the_instruments_units() -> None:
    sized = Limits(soft_size=D("0.5"), hard_size=D("2"))
    # 0.5 is at the soft limit, not above it; 0.6 asks again; 2.1 is blocked
    assert check(ticket(OrderSide.BUY, "0.1", "100"), D(100), 1.0, sized).level is Level.OK
    assert check(ticket(OrderSide.BUY, "0.5", "100"), D(100), 1.0, sized).level is Level.OK
    soft = check(ticket(OrderSide.BUY, "0.6", "100"), D(100), 1.0, sized)
    assert soft.level is Level.SOFT and soft.reasons == ("size 0.6 is above 0.5",)
    hard = check(ticket(OrderSide.SELL, "2.1", None, TicketKind.MARKET), D(100), 1.0, sized)
    assert hard.level is Level.HARD and hard.reasons == ("size 2.1 is above the hard limit 2",)


def test_no_size_limit_by_default() -> None:
    # 1000 units of a 1-dollar coin: 1,000 notional, far under every default
    assert check(ticket(OrderSide.BUY, "1000", "1"), D(1), 1.0).level is Level.OK


def test_a_hard_size_breach_outranks_a_soft_band() -> None:
    limits = Limits(hard_size=D(1))
    verdict = check(ticket(OrderSide.BUY, "1.5", "61800"), D(60000), 1.0, limits)
    # 1.5 x 61800 = 92,700: soft notional; 3 % through: soft band; size 1.5 > 1: hard
    assert verdict.level is Level.HARD
    assert len(verdict.reasons) == 3


def test_reasons_name_the_configured_limit_they_came_from() -> None:
    limits = Limits(
        hard_size=D(2),
        hard_band=D("0.015"),
        origins={"hard_size": "config.toml [limits.BTC/USD]"},
    )
    verdict = check(ticket(OrderSide.BUY, "3", "61200"), D(60000), 1.0, limits)
    assert verdict.reasons[0] == (
        "size 3 is above the hard limit 2 (limit from config.toml [limits.BTC/USD])"
    )
    # a built-in default names no file; the band keeps its decimal
    assert verdict.reasons[-1] == "price is 2.0% through the market (hard band 1.5%)"

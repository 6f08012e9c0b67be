"""Order entry from the keyboard on the seeded StaticSession with a FakeOrderGateway:
the ticket (b/s), its review and risk verdict, one order per ticket, trading off, no
fresh price.

Expected numbers are worked out by hand from the seeded BTC/USD book (depth 25):
asks 62,000.1 × 8.872, 62,000.2 × 6.719, 62,000.3 × 13.987, …; best bid 62,000.0 × 10.189;
ticker last 62,000.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kraken_tui.config import parse_settings
from kraken_tui.feeds.order_gateway import TicketKind, TradeResult
from kraken_tui.feeds.risk import Level, Limits
from kraken_tui.feeds.static import FakeOrderGateway
from kraken_tui.model import Venue
from kraken_tui.model.account import OrderSide
from kraken_tui.ui.screens.confirm import ConfirmScreen
from kraken_tui.ui.screens.dashboard import DashboardScreen
from kraken_tui.ui.screens.review import ReviewScreen
from kraken_tui.ui.screens.ticket import TicketScreen
from kraken_tui.ui.widgets import LadderPane
from tests.ui.ticket_helpers import (
    FRESH_AT,
    SIZE,
    make_app,
    open_ticket,
    price_input,
    size_input,
    until,
)


async def test_b_opens_a_buy_ticket_at_the_cursor_price() -> None:
    app, _ = make_app(FakeOrderGateway())
    async with app.run_test(size=SIZE) as pilot:
        ticket = await open_ticket(pilot, app, "b", "up", "up")
        assert app.dashboard.query_one(LadderPane).cursor_price == Decimal("62000.2")
        assert price_input(app).value == "62000.2"
        assert ticket.side is OrderSide.BUY and ticket.kind is TicketKind.LIMIT
        assert ticket.cl_ord_id and ticket.cl_ord_id in str(
            app.screen.query_one("#ticket-clid").render()
        )


async def test_without_a_cursor_buy_opens_at_best_ask_and_sell_at_best_bid() -> None:
    app, _ = make_app(FakeOrderGateway())
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        assert price_input(app).value == "62000.1"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await open_ticket(pilot, app, "s")
        assert price_input(app).value == "62000.0"


async def test_price_nudges_by_one_and_ten_ticks() -> None:
    app, _ = make_app(FakeOrderGateway())
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        await pilot.press("up")
        assert price_input(app).value == "62000.2"
        await pilot.press("shift+up")
        assert price_input(app).value == "62001.2"
        await pilot.press("minus", "down", "shift+down")
        assert price_input(app).value == "62000.0"
        await pilot.press("plus")
        assert price_input(app).value == "62000.1"


async def test_type_cycles_and_presets_and_side_flip() -> None:
    app, _ = make_app(FakeOrderGateway())
    async with app.run_test(size=SIZE) as pilot:
        ticket = await open_ticket(pilot, app, "b")
        seen = [ticket.kind]
        for _ in range(5):
            await pilot.press("t")
            seen.append(ticket.kind)
        assert seen == [
            TicketKind.LIMIT, TicketKind.MARKET, TicketKind.POST_ONLY,
            TicketKind.IOC, TicketKind.STOP, TicketKind.LIMIT,
        ]  # fmt: skip
        # BTC at 62,000 with no qty_min: the unit is 0.001 (about 100 USD, a power of ten).
        sizes = [Decimal(size_input(app).value)]
        for _ in range(4):
            await pilot.press("p")
            sizes.append(Decimal(size_input(app).value))
        assert sizes == [Decimal(s) for s in ("0.001", "0.005", "0.01", "0.05", "0.001")]
        await pilot.press("s")
        assert ticket.side is OrderSide.SELL
        await pilot.press("t", "enter")  # a market ticket needs no price
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.ticket.kind is TicketKind.MARKET
        assert app.screen.ticket.limit_price is None


async def test_review_shows_notional_fee_distance_and_average_fill() -> None:
    app, _ = make_app(FakeOrderGateway())
    app.dashboard.order_keys.limits = Limits(
        soft_notional=Decimal(10**7), hard_notional=Decimal(10**8)
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        size_input(app).value = "20"
        price_input(app).value = "62000.5"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        # 8.872 @ 62,000.1 + 6.719 @ 62,000.2 + 4.409 @ 62,000.3 = 1,240,003.5537
        walk = review.numbers.walk
        assert walk is not None and walk.filled == Decimal(20)
        assert walk.average == Decimal("1240003.5537") / 20
        assert review.numbers.taker
        figures = str(review.query_one("#review-figures").render())
        assert "notional     1,240,003.55 USD" in figures
        assert "fee (est.)   3,224.01 USD  taker 0.26%" in figures  # 0.26% of the notional
        assert "from last    +0.001%" in figures  # (62,000.5 − 62,000) / 62,000
        assert "avg fill     62,000.2" in figures
        assert review.verdict.level is Level.OK


async def test_resting_limit_is_a_maker_with_no_walk() -> None:
    app, _ = make_app(FakeOrderGateway())
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        size_input(app).value = "0.5"
        price_input(app).value = "61000"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert isinstance(app.screen, ReviewScreen)
        figures = str(app.screen.query_one("#review-figures").render())
        assert "notional     30,500.00 USD" in figures
        assert "fee (est.)   48.80 USD  maker 0.16%" in figures
        assert "from last    -1.613%" in figures
        assert app.screen.numbers.walk is None


async def test_soft_warning_needs_y_twice() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "s")
        size_input(app).value = "0.01"
        price_input(app).value = "60500"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.verdict.level is Level.SOFT
        assert "price is 2.4% through the market" in str(
            review.query_one("#review-reasons").render()
        )
        figures = str(review.query_one("#review-figures").render())
        assert "from last    -2.419%" in figures  # (60,500 − 62,000) / 62,000
        assert "avg fill     62,000.0" in figures  # all of it at the best bid
        await pilot.press("enter", "enter")
        await pilot.press("y")
        await pilot.pause()
        assert gateway.calls == [] and review.armed
        await pilot.press("y")
        await until(pilot, lambda: len(gateway.calls) == 1)
        name, (ticket,) = gateway.calls[0]
        assert name == "place"
        assert ticket.side is OrderSide.SELL and ticket.limit_price == Decimal("60500")  # type: ignore[attr-defined]
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))


async def test_hard_limit_blocks_sending() -> None:
    gateway = FakeOrderGateway()
    app, toasts = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        price_input(app).value = "70000"  # 12.9% above the last price
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.verdict.level is Level.HARD
        await pilot.press("enter", "y", "y", "enter")
        await pilot.pause()
        assert gateway.calls == []
        assert isinstance(app.screen, ReviewScreen)
        assert ("blocked by the risk check", "error") in toasts


async def test_double_enter_places_exactly_one_order() -> None:
    gateway = FakeOrderGateway()
    app, toasts = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        ticket = await open_ticket(pilot, app, "b")
        await pilot.press("enter", "enter", "enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.pause()
        assert [name for name, _ in gateway.calls] == ["place"]
        placed = gateway.calls[0][1][0]
        assert placed.cl_ord_id == ticket.cl_ord_id  # type: ignore[attr-defined]
        assert placed.qty == Decimal("0.001") and placed.limit_price == Decimal("62000.1")  # type: ignore[attr-defined]
        assert ("place: accepted", "information") in toasts


@pytest.mark.parametrize(
    ("result", "severity"),
    [
        (TradeResult(False, "rejected: insufficient funds"), "error"),
        (TradeResult(False, "no answer from the exchange: order UNKNOWN", unknown=True), "warning"),
    ],
)
async def test_refused_and_unknown_results_are_toasted(result: TradeResult, severity: str) -> None:
    gateway = FakeOrderGateway()
    gateway.results.append(result)
    app, toasts = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: (result.message, severity) in toasts)


@pytest.mark.parametrize("gateway", [None, FakeOrderGateway(enabled=False)])
async def test_trading_off_says_why_and_makes_no_call(gateway: FakeOrderGateway | None) -> None:
    app, toasts = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b", "s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        why = "live is read-only: start with --trade" if gateway else "order entry is not"
        assert sum(1 for text, _ in toasts if text.startswith(why)) == 2
        assert gateway is None or gateway.calls == []
        shown = {b.binding.description for b in app.screen.active_bindings.values()}
        assert not any(
            b.binding.action.startswith("ticket") and b.enabled
            for b in app.screen.active_bindings.values()
        ), shown


@pytest.mark.parametrize("spoil", ["old feed", "resyncing book", "feed down"])
async def test_no_ticket_without_a_fresh_price(spoil: str) -> None:
    gateway = FakeOrderGateway()
    app, toasts = make_app(gateway)
    store = app.session.store
    if spoil == "old feed":
        store.feed("spot").last_message_at = FRESH_AT - 60
    elif spoil == "resyncing book":
        store.books[(Venue.SPOT, "BTC/USD")].invalidate()
    else:
        from kraken_tui.feeds.stores import ConnState

        store.set_feed_state("spot", ConnState.DOWN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert any(text.startswith("no ticket:") for text, _ in toasts)
        assert gateway.calls == []


async def test_futures_ticket_reduce_only_maker_fee_and_distance_from_mark() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("v")  # PF_XBTUSD: best ask 62,011, mark 62,011, tick 1
        await until(pilot, lambda: app.session.selection.symbol == "PF_XBTUSD")
        ticket = await open_ticket(pilot, app, "b")
        assert price_input(app).value == "62011"
        await pilot.press("r")
        assert ticket.reduce_only
        size_input(app).value = "0.01"
        price_input(app).value = "61900"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        figures = str(review.query_one("#review-figures").render())
        assert "notional     619.00 USD" in figures
        assert "fee (est.)   0.12 USD  maker 0.02%" in figures  # 0.02% of 619
        assert "from mark    -0.179%" in figures  # (61,900 − 62,011) / 62,011
        await pilot.press("enter")
        await until(pilot, lambda: len(gateway.calls) == 1)
        placed = gateway.calls[0][1][0]
        assert placed.venue is Venue.FUTURES and placed.reduce_only  # type: ignore[attr-defined]


async def test_price_gone_stale_while_the_ticket_was_open_blocks_the_review() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        app.dashboard.order_keys.monotonic = lambda: FRESH_AT + 60
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.verdict.level is Level.HARD
        await pilot.press("enter", "y", "y")
        await pilot.pause()
        assert gateway.calls == []


async def test_q_in_the_order_modals_steps_back_instead_of_quitting() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        assert gateway.calls == [] and app.is_running


async def test_limits_come_from_the_settings_for_the_selected_instrument() -> None:
    settings = parse_settings(
        '[limits.spot]\nsoft_size = "0.0005"\n\n[limits."PF_XBTUSD"]\nhard_size = 1\n',
        Path("config.toml"),
    )
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    app.dashboard.order_keys.limits_for = settings.limits_for
    async with app.run_test(size=SIZE) as pilot:
        await open_ticket(pilot, app, "b")  # BTC/USD, first preset 0.001
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.verdict.level is Level.SOFT
        assert "size 0.001 is above 0.0005 (limit from config.toml [limits.spot])" in str(
            review.query_one("#review-reasons").render()
        )
        await pilot.press("escape", "escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("v")
        await until(pilot, lambda: app.session.selection.symbol == "PF_XBTUSD")
        await open_ticket(pilot, app, "b")
        size_input(app).value = "2"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.verdict.level is Level.HARD
        reasons = str(review.query_one("#review-reasons").render())
        assert "size 2 is above the hard limit 1 (limit from config.toml [limits.PF_XBTUSD])" in (
            reasons.replace("\n", " ")
        )
        await pilot.press("y", "y", "enter")
        await pilot.pause()
        assert gateway.calls == []

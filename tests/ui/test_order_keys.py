"""The orders-pane keys (x, X, shift+up/down), the quit question and the dead-man's
switch chip, on the seeded StaticSession with a FakeOrderGateway. Rows of the orders
pane, top to bottom: PF_XBTUSD sell stop 59,800, PF_XBTUSD buy, BTC/USD sell 62,000.5,
BTC/USD buy, ETH/USD sell.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot

from kraken_tui.feeds.static import FakeOrderGateway
from kraken_tui.model import Venue
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.screens.confirm import ConfirmScreen
from kraken_tui.ui.screens.dashboard import DashboardScreen
from kraken_tui.ui.widgets import OrdersPane, StatusBar
from tests.ui.ticket_helpers import SIZE, make_app, until


async def focus_orders(pilot: Pilot[Any], app: KrakenApp, downs: int) -> OrdersPane:
    await pilot.pause()
    pane = app.dashboard.query_one(OrdersPane)
    pane.focus()
    await pilot.pause()
    for _ in range(downs):
        await pilot.press("down")
    return pane


async def test_x_cancels_the_selected_order_after_yes() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        # Rows: PF_XBTUSD sell stop, PF_XBTUSD buy, BTC/USD sell 62,000.5, BTC/USD buy, ETH.
        pane = await focus_orders(pilot, app, 2)
        assert pane.selected_order is not None
        assert pane.selected_order.order_id == "OSEED-BTC-S"
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await pilot.pause()
        assert gateway.calls == []
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("enter")  # not an answer
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: len(gateway.calls) == 1)
        name, (order,) = gateway.calls[0]
        assert name == "cancel" and order.order_id == "OSEED-BTC-S"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("s", (Venue.SPOT, "BTC/USD")), ("a", (None, None))],
)
async def test_cancel_all_for_the_symbol_or_everything(
    answer: str, expected: tuple[object, object]
) -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await focus_orders(pilot, app, 3)
        await pilot.press("X")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert gateway.calls == []
        await pilot.press(answer)
        await until(pilot, lambda: len(gateway.calls) == 1)
        assert gateway.calls[0] == ("cancel_all", expected)


async def test_shift_arrows_move_the_selected_order_one_tick() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await focus_orders(pilot, app, 2)
        await pilot.press("shift+up")
        await until(pilot, lambda: len(gateway.calls) == 1)
        await pilot.press("up", "up", "shift+down")  # the PF_XBTUSD stop at 59,800
        await until(pilot, lambda: len(gateway.calls) == 2)
        (first, (order_a, price_a)), (second, (order_b, price_b)) = gateway.calls
        assert first == second == "move"
        assert order_a.order_id == "OSEED-BTC-S" and price_a == Decimal("62000.6")  # type: ignore[attr-defined]
        assert order_b.order_id == "fseed-xbt-stop" and price_b == Decimal("59799")  # type: ignore[attr-defined]


@pytest.mark.parametrize(("answer", "cancel_all"), [("k", False), ("c", True)])
async def test_quit_with_open_orders_asks_then_shuts_the_gateway_down(
    answer: str, cancel_all: bool
) -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert gateway.calls == []
        await pilot.press(answer)
        await until(pilot, lambda: ("shutdown", (cancel_all,)) in gateway.calls)
    assert gateway.calls == [("shutdown", (cancel_all,))]


async def test_quit_stay_keeps_the_app_running() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await asyncio.sleep(0)
        assert gateway.calls == [] and app.is_running


async def test_dead_man_countdown_chip() -> None:
    gateway = FakeOrderGateway(dead_man={Venue.FUTURES: 47.2, Venue.SPOT: 58.0})
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        bar = app.dashboard.query_one(StatusBar)
        await until(pilot, lambda: "DMS 47s" in "".join(t for t, _ in bar.lines()[0]))
        gateway.dead_man.clear()
        bar.poll(force=True)
        assert "DMS" not in "".join(t for t, _ in bar.lines()[0])


async def test_quit_without_orders_disarms_without_asking() -> None:
    gateway = FakeOrderGateway()
    app, _ = make_app(gateway)
    app.session.store.account.replace_orders(Venue.SPOT, [])
    app.session.store.account.replace_orders(Venue.FUTURES, [])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: bool(gateway.calls))
    assert gateway.calls == [("shutdown", (False,))]


async def test_quit_with_trading_off_makes_no_call() -> None:
    gateway = FakeOrderGateway(enabled=False)
    app, _ = make_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await until(pilot, lambda: not app.is_running)
    assert gateway.calls == []

"""The in-app LIVE confirmation (``--env live --trade``): only ``LIVE`` typed exactly and
Enter turns order entry on; a wrong word or Escape keeps live read-only, and the gateway
is asked for nothing until the word was typed."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from kraken_tui.feeds.static import FakeOrderGateway, StaticSession
from kraken_tui.ui.app import KrakenApp
from kraken_tui.ui.run import LIVE_NOT_CONFIRMED
from kraken_tui.ui.screens.dashboard import DashboardScreen
from kraken_tui.ui.screens.live_confirm import LIVE_ENABLED, LiveConfirmScreen
from kraken_tui.ui.screens.ticket import TicketScreen
from kraken_tui.ui.widgets import OrdersPane
from tests.ui.ticket_helpers import FRESH_AT, SIZE, until


class AwaitingGateway(FakeOrderGateway):
    """Built disabled like the live gateway; :meth:`allow` is the switch the app gets."""

    def __init__(self) -> None:
        super().__init__(enabled=False, why_disabled=LIVE_NOT_CONFIRMED)
        self.allowed_calls = 0

    def allow(self) -> None:
        self.allowed_calls += 1
        self._enabled = True


def live_app(gateway: AwaitingGateway) -> tuple[KrakenApp, list[str]]:
    session = StaticSession()
    session.trading = gateway
    for name in ("spot", "futures"):
        session.store.feed(name).last_message_at = FRESH_AT
    app = KrakenApp(session, env_label="LIVE", start_feeds=False, on_live_confirmed=gateway.allow)
    app.dashboard.order_keys.monotonic = lambda: FRESH_AT + 1
    toasts: list[str] = []
    notify = app.notify

    def record(message: str, **kwargs: Any) -> None:
        toasts.append(message)
        notify(message, **kwargs)

    app.notify = record  # type: ignore[method-assign]
    return app, toasts


async def answer(pilot: Pilot[Any], app: KrakenApp, *keys: str) -> None:
    await until(pilot, lambda: isinstance(app.screen, LiveConfirmScreen))
    await pilot.press(*keys)
    await until(pilot, lambda: isinstance(app.screen, DashboardScreen))


async def test_typing_live_enables_order_entry() -> None:
    gateway = AwaitingGateway()
    app, toasts = live_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, "L", "I", "V", "E", "enter")
        assert gateway.allowed_calls == 1 and gateway.enabled
        assert LIVE_ENABLED in toasts
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, TicketScreen))
        await pilot.press("enter", "enter")
        await until(pilot, lambda: len(gateway.calls) == 1)
        assert gateway.calls[0][0] == "place"


@pytest.mark.parametrize(
    "keys",
    [
        ("escape",),
        ("l", "i", "v", "e", "enter"),  # the word, but not in capitals
        ("L", "I", "V", "enter"),
        ("L", "I", "V", "E", "space", "enter"),
        ("y", "e", "s", "enter"),
        ("enter",),
    ],
)
async def test_anything_but_live_keeps_live_read_only(keys: tuple[str, ...]) -> None:
    gateway = AwaitingGateway()
    app, toasts = live_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, app, *keys)
        assert gateway.allowed_calls == 0 and not gateway.enabled
        assert toasts == [LIVE_NOT_CONFIRMED]
        await pilot.press("b", "s")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert toasts.count(LIVE_NOT_CONFIRMED) == 3  # the answer, then b and s say why
        assert gateway.calls == []


async def test_the_gateway_is_asked_for_nothing_while_the_question_is_open() -> None:
    gateway = AwaitingGateway()
    app, _ = live_app(gateway)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, LiveConfirmScreen))
        # Order keys typed at the question only go into its input.
        await pilot.press("b", "s", "x", "X", "q")
        assert isinstance(app.screen, LiveConfirmScreen)
        assert app.screen.query_one("#live-input").value == "bsxXq"  # type: ignore[attr-defined]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        # Read-only: the orders pane keys are refused too, without a call.
        app.dashboard.query_one(OrdersPane).focus()
        await pilot.pause()
        await pilot.press("down", "x", "X", "shift+up")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert gateway.calls == [] and app.is_running


async def test_no_question_without_the_switch() -> None:
    session = StaticSession()
    session.trading = FakeOrderGateway()
    app = KrakenApp(session, env_label="SIM", start_feeds=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
